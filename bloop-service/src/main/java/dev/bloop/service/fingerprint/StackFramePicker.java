package dev.bloop.service.fingerprint;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Finds the top in-app frame of a stack trace: the first frame that is not runtime, framework,
 * driver or system code, with line numbers, column numbers, addresses and offsets removed so that
 * the same code path groups together across builds. What counts as library code: the built-in lists
 * below, refined per project by {@link InAppRules}.
 *
 * <p>Frames are read in the platform's own text format. When some line starts with {@code at } (JVM,
 * Android, V8), only such lines are frames, so a multi-line exception message never stands in for
 * one. In Python stacks only the {@code File "..."} lines are frames (never the source lines under
 * them); a traceback as Python prints it ({@code Traceback (most recent call last):}) lists its
 * innermost call last, so it is read from the bottom up; without that header (as bloop's Python SDK
 * sends it, most recent call first) from the top down.
 */
public final class StackFramePicker {
    /** Why a frame was chosen, as the group's grouping explanation says it. */
    public static final String FIRST_IN_APP = "first in-app frame";
    public static final String NO_IN_APP = "no in-app frame: first frame";
    public static final String INCLUDE_RULE = "in_app_include ";

    /** The chosen frame, cleaned, and why it was chosen. */
    public record Pick(String frame, String reason) {
    }

    /**
     * Package prefixes of JVM and Android code, matched where a frame's class name starts (after
     * {@code at } and any {@code module/} or {@code loader//} prefix), so that a file such as
     * {@code /app/android.py} or {@code /srv/java.js} is not taken for a package.
     */
    private static final List<String> PACKAGES = List.of(
            // the JDK and JVM languages
            "java.", "javax.", "jakarta.", "jdk.", "sun.", "com.sun.", "kotlin.", "kotlinx.", "scala.", "groovy.",
            "org.codehaus.groovy.", "clojure.",
            // JDBC drivers, pools and data stores
            "org.postgresql.", "com.mysql.", "org.mariadb.", "org.h2.", "org.hsqldb.", "org.sqlite.", "oracle.jdbc.",
            "oracle.ucp.", "com.microsoft.sqlserver.", "com.ibm.db2.", "com.zaxxer.hikari.", "com.mchange.",
            "org.mongodb.", "com.mongodb.", "redis.clients.", "io.lettuce.", "com.datastax.", "org.neo4j.driver.",
            "org.elasticsearch.", "co.elastic.", "org.opensearch.", "com.amazonaws.", "software.amazon.",
            "com.azure.",
            // frameworks, servers, HTTP and serialization
            "org.springframework.", "org.hibernate.", "org.jboss.", "org.jooq.", "org.jdbi.", "org.mybatis.",
            "org.apache.", "org.eclipse.", "org.glassfish.", "io.undertow.", "io.netty.", "io.vertx.", "io.quarkus.",
            "io.micronaut.", "io.dropwizard.", "io.javalin.", "io.ktor.", "io.helidon.", "reactor.", "io.reactivex.",
            "rx.", "akka.", "org.aspectj.", "net.bytebuddy.", "net.sf.cglib.", "org.objenesis.", "com.google.",
            "io.grpc.", "com.fasterxml.", "com.squareup.", "okhttp3.", "okio.", "retrofit2.", "dagger.", "feign.",
            "com.netflix.", "io.github.resilience4j.", "org.slf4j.", "ch.qos.logback.", "io.micrometer.",
            "io.opentelemetry.", "io.sentry.", "org.junit.", "junit.", "org.testng.", "org.mockito.", "org.json.",
            "org.yaml.snakeyaml.", "com.github.benmanes.caffeine.", "org.flywaydb.", "liquibase.", "com.typesafe.",
            "org.jetbrains.", "org.bouncycastle.", "org.thymeleaf.", "freemarker.",
            // Android
            "android.", "androidx.", "com.android.", "dalvik.", "libcore.", "org.chromium.", "com.facebook.react.",
            "com.facebook.hermes.", "com.facebook.jni.", "com.apple.");
    /** Path and runtime markers, matched where a name or path segment starts anywhere in the frame. */
    private static final List<String> MARKERS = List.of(
            // Node
            "node_modules/", "node_modules\\", "node:internal", "(node:", "at node:", "(internal/", "at internal/",
            "(<anonymous>)", "at <anonymous>", "(index ", "(native)", "[native code]", "(events.js:", "(net.js:",
            "(timers.js:", "(fs.js:", "(domain.js:", "(_stream_", "(_http_", "(http.js:", "(https.js:", "(tls.js:",
            "(dns.js:", "(zlib.js:", "(stream.js:", "(child_process.js:", "(module.js:", "(buffer.js:", "(util.js:",
            "(vm.js:", "(async_hooks.js:",
            // browsers: extensions, bundler runtimes, framework bundles, library CDNs
            "chrome-extension://", "moz-extension://", "safari-extension://", "safari-web-extension://",
            "webkit-masked-url://", "webpack/bootstrap", "webpack/runtime/", "(webpack)/", "__webpack_require__",
            "__webpack_modules__", "react-dom.", "react-dom@", "react-dom/", "/react@", "react.production.",
            "react.development.", "scheduler.production.", "scheduler.development.", "/scheduler@",
            "/_next/static/chunks/framework-", "/_next/static/chunks/webpack-", "/_next/static/chunks/main-",
            "vue.runtime.", "/vue@", "zone.js", "/polyfills", "vendors~", "vendors-node_modules_", "unpkg.com/",
            "cdn.jsdelivr.net/", "cdnjs.cloudflare.com/", "ajax.googleapis.com/", "googletagmanager.com/",
            "google-analytics.com/", "connect.facebook.net/", "/@vite/",
            // Python
            "site-packages/", "site-packages\\", "dist-packages/", "dist-packages\\", "/lib/python2.",
            "/lib/python3.", "<frozen ",
            // Ruby
            "/gems/", "\\gems\\", "/lib/ruby/", "/rubygems/", "/rubygems.rb", "<internal:",
            // Dart and Flutter
            "dart:", "package:flutter/",
            // Android native frames (tombstones)
            " /apex/", " /system/lib", " /system/framework/", " /vendor/lib",
            // Apple: runtime symbols, system libraries by path or name prefix
            "objc_msgSend", "objc_exception_throw", "objc_exception_rethrow", "_objc_terminate", "__exceptionPreprocess",
            "___forwarding___", "_CF_forwarding_prep_", "libsystem_", "libswift", "/System/Library/",
            "/usr/lib/system/", "/usr/lib/libobjc", "/usr/lib/libc++", "/usr/lib/dyld");
    /**
     * Apple system modules, matched as a whole token because a substring test would also skip an
     * app's own "MyFoundationService".
     */
    private static final List<String> APPLE_MODULES = List.of(
            "UIKitCore", "UIKit", "CoreFoundation", "Foundation", "libobjc.A.dylib", "libdispatch.dylib",
            "libdispatch", "libdyld.dylib", "dyld", "libc++abi.dylib", "libc++.1.dylib", "libxpc.dylib",
            "SwiftUI", "SwiftUICore", "GraphicsServices", "CoreData", "QuartzCore", "CFNetwork", "Security",
            "AppKit", "Combine", "CoreGraphics", "CoreText", "WebKit", "JavaScriptCore", "AVFoundation",
            "FrontBoardServices", "BaseBoard", "RunningBoardServices", "IOKit");

    private static final PrefixMatcher PACKAGE_MATCHER = PrefixMatcher.of(PACKAGES, List.of());
    private static final PrefixMatcher LIBRARY_MATCHER = PrefixMatcher.of(MARKERS, APPLE_MODULES);

    private StackFramePicker() {
    }

    /** The cleaned top in-app frame, or "" when the stack has no frame at all. */
    public static String topFrame(String stack) {
        Pick pick = pick(stack, InAppRules.NONE);
        return pick == null ? "" : pick.frame();
    }

    /** The frame to group by and why, or null when the stack has no frame at all. */
    public static Pick pick(String stack, InAppRules rules) {
        if (stack == null || stack.isBlank()) {
            return null;
        }
        if (hasLineStartingWith(stack, "File \"")) {
            return pickFrom(pythonFrames(stack), rules);
        }
        boolean atFramesOnly = hasLineStartingWith(stack, "at ");
        String firstFrame = null;
        int start = 0;
        int n = stack.length();
        while (start <= n) {
            int end = stack.indexOf('\n', start);
            if (end < 0) {
                end = n;
            }
            String line = stack.substring(start, end).strip();
            start = end + 1;
            if (line.isEmpty() || isNotAFrame(line) || (atFramesOnly && !line.startsWith("at "))) {
                continue;
            }
            if (firstFrame == null) {
                firstFrame = line;
            }
            String reason = inAppReason(line, rules);
            if (reason != null) {
                return new Pick(clean(line), reason);
            }
        }
        // Every frame is library code: the first one still tells the crash site apart.
        return firstFrame == null ? null : new Pick(clean(firstFrame), NO_IN_APP);
    }

    private static Pick pickFrom(List<String> frames, InAppRules rules) {
        for (String line : frames) {
            String reason = inAppReason(line, rules);
            if (reason != null) {
                return new Pick(clean(line), reason);
            }
        }
        return frames.isEmpty() ? null : new Pick(clean(frames.get(0)), NO_IN_APP);
    }

    /** The {@code File "..."} lines of a Python stack, innermost call first. */
    private static List<String> pythonFrames(String stack) {
        List<String> frames = new ArrayList<>();
        for (String line : stack.split("\n")) {
            String s = line.strip();
            if (s.startsWith("File \"")) {
                frames.add(s);
            }
        }
        if (hasLineStartingWith(stack, "Traceback (most recent call last)")) {
            Collections.reverse(frames);
        }
        return frames;
    }

    /** Whether some line of {@code stack}, leading white space aside, starts with {@code prefix}. */
    static boolean hasLineStartingWith(String stack, String prefix) {
        int from = 0;
        int at;
        while ((at = stack.indexOf(prefix, from)) >= 0) {
            int i = at - 1;
            while (i >= 0 && stack.charAt(i) != '\n' && Character.isWhitespace(stack.charAt(i))) {
                i--;
            }
            if (i < 0 || stack.charAt(i) == '\n') {
                return true;
            }
            from = at + 1;
        }
        return false;
    }

    /** Why this frame is the app's, or null when it is library code. */
    private static String inAppReason(String line, InAppRules rules) {
        PrefixMatcher.Entry rule = rules.decide(line);
        if (rule != null) {
            return rule.include() ? INCLUDE_RULE + rule.text() : null;
        }
        return isLibraryFrame(line) ? null : FIRST_IN_APP;
    }

    /**
     * JVM cause chains: "Caused by: Type: message", "Suppressed: ..." and "... 12 more" are not
     * frames, and a cause's message must never stand in for the frame of a group. Neither are
     * section headers ("Last Exception Backtrace:", "Thread 0 Crashed:") nor the location line
     * Jackson puts in its messages ("at [Source: ...; line: 1, column: 9]").
     */
    static boolean isNotAFrame(String line) {
        return line.startsWith("Caused by:") || line.startsWith("Suppressed:")
                || (line.startsWith("... ") && line.endsWith(" more"))
                || line.startsWith("Traceback (most recent call last)") || line.startsWith("Uncaught ")
                || line.startsWith("at [") || line.endsWith(":")
                || isExceptionHeader(line);
    }

    /**
     * "TypeError: Cannot read ..." or "java.lang.IllegalStateException: ...": the line V8, the JVM and
     * others print before the frames. It holds the (variable) message, so it must never be the frame.
     */
    private static boolean isExceptionHeader(String line) {
        int i = 0;
        int n = line.length();
        if (n == 0 || !(Character.isLetter(line.charAt(0)) || line.charAt(0) == '_' || line.charAt(0) == '$')) {
            return false;
        }
        while (i < n) {
            char c = line.charAt(i);
            if (Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '.') {
                i++;
            } else {
                break;
            }
        }
        return i == n || (line.charAt(i) == ':' && (i + 1 == n || line.charAt(i + 1) == ' '));
    }

    static boolean isLibraryFrame(String line) {
        return PACKAGE_MATCHER.matchesAt(line, classNameStart(line)) || LIBRARY_MATCHER.matches(line);
    }

    /**
     * Where the class name of a JVM frame starts: after {@code at } and after a module or class
     * loader prefix ({@code java.base/java.lang.Thread.run(...)}, {@code app//com.acme.Shop.buy(...)}).
     */
    private static int classNameStart(String line) {
        int start = line.startsWith("at ") ? 3 : 0;
        int paren = line.indexOf('(', start);
        int slash = line.lastIndexOf('/', (paren < 0 ? line.length() : paren) - 1);
        return slash >= start ? slash + 1 : start;
    }

    /**
     * Removes what changes between builds of the same code: ":line:col" and " line N" positions,
     * 0x addresses, "+ offset" suffixes, and a leading frame index.
     */
    static String clean(String frame) {
        StringBuilder out = new StringBuilder(frame.length());
        int n = frame.length();
        int i = 0;
        // Leading frame index as in Apple crash logs: "3   MyApp   0x0001 ..."
        if (n > 0 && Character.isDigit(frame.charAt(0))) {
            int j = 0;
            while (j < n && Character.isDigit(frame.charAt(j))) {
                j++;
            }
            if (j < n && Character.isWhitespace(frame.charAt(j))) {
                i = j;
            }
        }
        while (i < n) {
            char c = frame.charAt(i);
            if (c == ':' && i + 1 < n && Character.isDigit(frame.charAt(i + 1))) {
                i = skipDigits(frame, i + 1);
                continue;
            }
            if (c == '0' && i + 2 < n && (frame.charAt(i + 1) == 'x' || frame.charAt(i + 1) == 'X')
                    && Character.digit(frame.charAt(i + 2), 16) >= 0
                    && (i == 0 || !Character.isLetterOrDigit(frame.charAt(i - 1)))) {
                i += 2;
                while (i < n && Character.digit(frame.charAt(i), 16) >= 0) {
                    i++;
                }
                continue;
            }
            if (c == '+' && i + 2 < n && frame.charAt(i + 1) == ' ' && Character.isDigit(frame.charAt(i + 2))) {
                i = skipDigits(frame, i + 2);
                continue;
            }
            if (frame.startsWith("line ", i) && i + 5 < n && Character.isDigit(frame.charAt(i + 5))
                    && (i == 0 || !Character.isLetterOrDigit(frame.charAt(i - 1)))) {
                i = skipDigits(frame, i + 5);
                continue;
            }
            out.append(c);
            i++;
        }
        return collapse(out);
    }

    private static int skipDigits(String s, int i) {
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String collapse(CharSequence s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                space = out.length() > 0;
            } else {
                if (space) {
                    out.append(' ');
                    space = false;
                }
                out.append(c);
            }
        }
        // "File "app.py", line 12, in handler" leaves ", , in"; tidy the separators left behind.
        return out.toString().replace(", ,", ",").replace(" ,", ",");
    }
}
