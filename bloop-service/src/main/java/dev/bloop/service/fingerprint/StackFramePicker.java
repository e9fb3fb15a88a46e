package dev.bloop.service.fingerprint;

import java.util.List;

/**
 * Finds the top in-app frame of a stack trace: the first frame that is not framework or library
 * code, with line numbers, column numbers, addresses and offsets removed so that the same code
 * path groups together across builds.
 */
public final class StackFramePicker {
    /** Substrings that mark a frame of a runtime, framework or dependency. */
    private static final List<String> LIBRARY_MARKERS = List.of(
            "node_modules/", "node:internal", "(internal/", "(node:", "<anonymous>",
            "java.lang.", "java.util.", "java.base/", "jdk.internal.", "sun.reflect.", "javax.",
            "jakarta.", "org.eclipse.jetty.", "org.glassfish.jersey.", "org.springframework.",
            "android.os.", "android.app.", "android.view.", "androidx.", "com.android.internal.",
            "dalvik.", "kotlin.", "kotlinx.coroutines.", "com.apple.",
            "/usr/lib/python", "site-packages/", "/gems/", "/ruby/");
    /**
     * Apple system modules, matched as a whole token because a substring test would also skip an
     * app's own "MyFoundationService".
     */
    private static final List<String> APPLE_MODULES = List.of(
            "UIKitCore", "UIKit", "CoreFoundation", "Foundation", "libdispatch.dylib", "libdispatch",
            "SwiftUI", "GraphicsServices", "libsystem_kernel.dylib", "libsystem_pthread.dylib",
            "libswiftCore.dylib", "dyld", "CoreData", "QuartzCore");

    private StackFramePicker() {
    }

    /** The cleaned top in-app frame, or "" when the stack has no frame at all. */
    public static String topFrame(String stack) {
        if (stack == null || stack.isBlank()) {
            return "";
        }
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
            if (line.isEmpty()) {
                continue;
            }
            if (isNotAFrame(line)) {
                continue;
            }
            if (firstFrame == null) {
                firstFrame = line;
            }
            if (!isLibraryFrame(line)) {
                return clean(line);
            }
        }
        // Every frame is library code: the first one still tells the crash site apart.
        return firstFrame == null ? "" : clean(firstFrame);
    }

    /**
     * JVM cause chains: "Caused by: Type: message", "Suppressed: ..." and "... 12 more" are not
     * frames, and a cause's message must never stand in for the frame of a group.
     */
    static boolean isNotAFrame(String line) {
        return line.startsWith("Caused by:") || line.startsWith("Suppressed:")
                || (line.startsWith("... ") && line.endsWith(" more"))
                || line.startsWith("Traceback (most recent call last)") || line.startsWith("Uncaught ")
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
        for (String marker : LIBRARY_MARKERS) {
            if (containsAsWord(line, marker)) {
                return true;
            }
        }
        for (String token : line.split("\\s+")) {
            if (APPLE_MODULES.contains(token)) {
                return true;
            }
        }
        return false;
    }

    /** "kotlin." must not match inside the app's own "com.example.kotlin.Foo". */
    private static boolean containsAsWord(String line, String marker) {
        int from = 0;
        int at;
        while ((at = line.indexOf(marker, from)) >= 0) {
            char before = at == 0 ? ' ' : line.charAt(at - 1);
            if (!Character.isLetterOrDigit(before) && before != '.' && before != '_' && before != '$') {
                return true;
            }
            from = at + 1;
        }
        return false;
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
