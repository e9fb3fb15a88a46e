package dev.bloop.service.fingerprint;

import java.util.ArrayList;
import java.util.List;

/**
 * A project's own say on which frames are its code, as Sentry SDKs configure it: package or path
 * prefixes in {@code in_app_include} mark frames as the app's even where the built-in lists call them
 * library code; {@code in_app_exclude} marks app-looking frames (a vendored library, generated code)
 * as library code. When both match a frame, the longer (more specific) prefix decides, so
 * {@code include com.acme.} with {@code exclude com.acme.vendor.} does what it reads; of two as long,
 * include wins. Immutable; {@code version} counts the project's changes to its rules.
 */
public final class InAppRules {
    public static final InAppRules NONE = new InAppRules(List.of(), List.of(), 0);

    private final List<String> include;
    private final List<String> exclude;
    private final int version;
    private final PrefixMatcher matcher;

    public InAppRules(List<String> include, List<String> exclude, int version) {
        this.include = List.copyOf(include);
        this.exclude = List.copyOf(exclude);
        this.version = version;
        List<PrefixMatcher.Entry> entries = new ArrayList<>();
        this.include.forEach(p -> entries.add(new PrefixMatcher.Entry(p, false, true)));
        this.exclude.forEach(p -> entries.add(new PrefixMatcher.Entry(p, false, false)));
        this.matcher = entries.isEmpty() ? null : new PrefixMatcher(entries);
    }

    public List<String> include() {
        return include;
    }

    public List<String> exclude() {
        return exclude;
    }

    public int version() {
        return version;
    }

    /** The rule that decides this frame line, or null when no rule matches it. */
    PrefixMatcher.Entry decide(String line) {
        return matcher == null ? null : matcher.longest(line);
    }

    @Override
    public String toString() {
        return "InAppRules{include=" + include + ", exclude=" + exclude + ", version=" + version + "}";
    }
}
