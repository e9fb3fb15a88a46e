package dev.bloop.service.errors;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which of two releases is newer, for "resolved in a release": when both are semantic versions (an
 * optional {@code name@} package prefix, the same on both, an optional {@code v}, 1 to 4 numeric parts,
 * optional {@code -prerelease} and {@code +build}) by semver precedence; otherwise by when the project
 * first saw each release (a release not seen yet is the newest).
 */
public final class ReleaseOrder {
    private static final Pattern SEMVER = Pattern.compile(
            "(?:(.+)@)?[vV]?(\\d{1,9}(?:\\.\\d{1,9}){0,3})(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?");

    /** When the project first saw a release (epoch ms), null when never. */
    @FunctionalInterface
    public interface FirstSeen {
        Long of(String release) throws SQLException;
    }

    /** How two releases are ordered, as the issue page explains it. */
    public enum Rule {
        SEMVER("semver"), FIRST_SEEN("first_seen");

        public final String wire;

        Rule(String wire) {
            this.wire = wire;
        }
    }

    private ReleaseOrder() {
    }

    /** The rule that orders releases after {@code resolvedIn}: semver when it is one, else first-seen order. */
    public static Rule ruleFor(String resolvedIn) {
        return parse(resolvedIn) != null ? Rule.SEMVER : Rule.FIRST_SEEN;
    }

    /** Whether {@code release} is newer than {@code resolvedIn} (never when they are the same). */
    public static boolean isNewer(String release, String resolvedIn, FirstSeen firstSeen) throws SQLException {
        if (Objects.equals(release, resolvedIn)) {
            return false;
        }
        Version a = parse(release);
        Version b = parse(resolvedIn);
        if (a != null && b != null && Objects.equals(a.pkg, b.pkg)) {
            return a.compareTo(b) > 0;
        }
        Long seen = firstSeen.of(release);
        Long resolvedSeen = firstSeen.of(resolvedIn);
        return seen == null || resolvedSeen == null || seen > resolvedSeen;
    }

    /** Compares two semantic versions; null when either is not one. */
    static Integer compareSemver(String a, String b) {
        Version x = parse(a);
        Version y = parse(b);
        return x == null || y == null || !Objects.equals(x.pkg, y.pkg) ? null : Integer.signum(x.compareTo(y));
    }

    private record Version(String pkg, long[] numbers, List<String> pre) implements Comparable<Version> {
        @Override
        public int compareTo(Version o) {
            for (int i = 0; i < 4; i++) {
                int c = Long.compare(numbers[i], o.numbers[i]);
                if (c != 0) {
                    return c;
                }
            }
            // A release outranks its pre-releases; pre-releases compare part by part (semver §11).
            if (pre.isEmpty() || o.pre.isEmpty()) {
                return Boolean.compare(pre.isEmpty(), o.pre.isEmpty());
            }
            for (int i = 0; i < Math.min(pre.size(), o.pre.size()); i++) {
                String p = pre.get(i);
                String q = o.pre.get(i);
                boolean pn = p.chars().allMatch(Character::isDigit);
                boolean qn = q.chars().allMatch(Character::isDigit);
                int c = pn && qn ? compareNumeric(p, q) : pn != qn ? (pn ? -1 : 1) : p.compareTo(q);
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(pre.size(), o.pre.size());
        }

        private static int compareNumeric(String p, String q) {
            String a = p.replaceFirst("^0+(?=.)", "");
            String b = q.replaceFirst("^0+(?=.)", "");
            return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
        }
    }

    private static Version parse(String release) {
        if (release == null) {
            return null;
        }
        Matcher m = SEMVER.matcher(release.trim());
        if (!m.matches()) {
            return null;
        }
        String[] parts = m.group(2).split("\\.");
        long[] numbers = new long[4];
        for (int i = 0; i < parts.length; i++) {
            numbers[i] = Long.parseLong(parts[i]);
        }
        List<String> pre = new ArrayList<>();
        if (m.group(3) != null) {
            for (String p : m.group(3).split("\\.")) {
                pre.add(p);
            }
        }
        return new Version(m.group(1), numbers, pre);
    }
}
