package dev.bloop.service.fingerprint;

/**
 * Replaces the variable parts of an error message so that one bug stays one group: UUIDs, e-mails,
 * URLs, IP addresses, hex ids, ISO dates/times and digit runs become placeholders; the rest is
 * lower-cased with white space collapsed. Quoted strings are kept: they usually name the property
 * or key at fault.
 *
 * <p>One left-to-right pass with small look-ahead matchers instead of a chain of regexes: this runs
 * on every ingested event, and the scanner is an order of magnitude cheaper.
 */
public final class MessageNormalizer {
    static final String UUID = "<uuid>";
    static final String EMAIL = "<email>";
    static final String URL = "<url>";
    static final String IP = "<ip>";
    static final String HEX = "<hex>";
    static final String TIMESTAMP = "<ts>";
    static final String NUMBER = "<n>";
    private static final int MIN_HEX_ID_LENGTH = 8;

    private MessageNormalizer() {
    }

    public static String normalize(String message) {
        if (message == null || message.isEmpty()) {
            return "";
        }
        String s = message;
        int n = s.length();
        StringBuilder out = new StringBuilder(n);
        boolean pendingSpace = false;
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (isSpace(c)) {
                pendingSpace = out.length() > 0;
                i++;
                continue;
            }
            if (pendingSpace) {
                out.append(' ');
                pendingSpace = false;
            }
            boolean boundary = i == 0 || !Character.isLetterOrDigit(s.charAt(i - 1));
            int end;
            if (boundary && Character.isLetterOrDigit(c)) {
                if ((end = url(s, i)) > i) {
                    i = emit(out, URL, end);
                    continue;
                }
                if ((end = email(s, i)) > i) {
                    i = emit(out, EMAIL, end);
                    continue;
                }
                if ((end = uuid(s, i)) > i) {
                    i = emit(out, UUID, end);
                    continue;
                }
                if ((end = isoTimestamp(s, i)) > i) {
                    i = emit(out, TIMESTAMP, end);
                    continue;
                }
                if ((end = ipv6(s, i)) > i || (end = ipv4(s, i)) > i) {
                    i = emit(out, IP, end);
                    continue;
                }
                if ((end = hexLiteral(s, i)) > i || (end = hexId(s, i)) > i) {
                    i = emit(out, HEX, end);
                    continue;
                }
            } else if (c == '[' && (end = ipv6(s, i + 1)) > i + 1 && end < n && s.charAt(end) == ']') {
                // Bracketed IPv6 as in URLs and socket addresses: [::1]:8080
                i = emit(out, IP, end + 1);
                continue;
            } else if (boundary && c == ':' && (end = ipv6(s, i)) > i) {
                i = emit(out, IP, end);
                continue;
            }
            if (Character.isDigit(c)) {
                i = emit(out, NUMBER, skipDigits(s, i));
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n) {
                int cp = s.codePointAt(i);
                if (Character.isDigit(cp)) {
                    i = emit(out, NUMBER, skipDigits(s, i));
                } else {
                    out.appendCodePoint(Character.toLowerCase(cp));
                    i += Character.charCount(cp);
                }
                continue;
            }
            out.append(Character.toLowerCase(c));
            i++;
        }
        return out.toString();
    }

    private static int emit(StringBuilder out, String placeholder, int end) {
        out.append(placeholder);
        return end;
    }

    static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static int skipDigits(String s, int i) {
        int n = s.length();
        while (i < n) {
            int cp = s.codePointAt(i);
            if (!Character.isDigit(cp)) {
                break;
            }
            i += Character.charCount(cp);
        }
        return i;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAsciiAlnum(char c) {
        return isAsciiDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** True when position i is the end of the string or not a letter/digit (a token boundary). */
    private static boolean endsToken(String s, int i) {
        return i >= s.length() || !Character.isLetterOrDigit(s.charAt(i));
    }

    /** scheme://rest up to white space or a closing quote/bracket. */
    static int url(String s, int i) {
        int n = s.length();
        int j = i;
        if (!Character.isLetter(s.charAt(j))) {
            return -1;
        }
        while (j < n && j - i <= 16) {
            char c = s.charAt(j);
            if (isAsciiAlnum(c) || c == '+' || c == '.' || c == '-') {
                j++;
            } else {
                break;
            }
        }
        if (j + 3 > n || s.charAt(j) != ':' || s.charAt(j + 1) != '/' || s.charAt(j + 2) != '/') {
            return -1;
        }
        j += 3;
        int start = j;
        while (j < n) {
            char c = s.charAt(j);
            if (isSpace(c) || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`') {
                break;
            }
            j++;
        }
        // Trailing punctuation belongs to the sentence, not the URL.
        while (j > start && ".,;:!?)]}".indexOf(s.charAt(j - 1)) >= 0) {
            j--;
        }
        return j > start ? j : -1;
    }

    /** local@domain.tld */
    static int email(String s, int i) {
        int n = s.length();
        int j = i;
        while (j < n) {
            char c = s.charAt(j);
            if (isAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-') {
                j++;
            } else {
                break;
            }
        }
        if (j == i || j >= n || s.charAt(j) != '@') {
            return -1;
        }
        int domainStart = ++j;
        int lastDot = -1;
        while (j < n) {
            char c = s.charAt(j);
            if (isAsciiAlnum(c) || c == '-') {
                j++;
            } else if (c == '.' && j + 1 < n && isAsciiAlnum(s.charAt(j + 1))) {
                lastDot = j;
                j++;
            } else {
                break;
            }
        }
        if (lastDot <= domainStart || j - lastDot < 3) {
            return -1;
        }
        return j;
    }

    /** 8-4-4-4-12 hex digits. */
    static int uuid(String s, int i) {
        if (i + 36 > s.length()) {
            return -1;
        }
        for (int k = 0; k < 36; k++) {
            char c = s.charAt(i + k);
            boolean dash = k == 8 || k == 13 || k == 18 || k == 23;
            if (dash ? c != '-' : !isHex(c)) {
                return -1;
            }
        }
        return endsToken(s, i + 36) ? i + 36 : -1;
    }

    /** yyyy-mm-dd[(T| )hh:mm[:ss[.fff]]][Z|±hh[:]mm], or a bare hh:mm:ss[.fff]. */
    static int isoTimestamp(String s, int i) {
        int n = s.length();
        if (digits(s, i, 4) && at(s, i + 4, '-') && digits(s, i + 5, 2) && at(s, i + 7, '-') && digits(s, i + 8, 2)) {
            int j = i + 10;
            if (j + 1 < n && (s.charAt(j) == 'T' || s.charAt(j) == 't' || s.charAt(j) == ' ') && isAsciiDigit(s.charAt(j + 1))) {
                int t = time(s, j + 1);
                if (t > 0) {
                    j = zone(s, t);
                }
            }
            return endsToken(s, j) ? j : -1;
        }
        int t = time(s, i);
        if (t > 0 && t - i >= 8) {
            t = zone(s, t);
            return endsToken(s, t) ? t : -1;
        }
        return -1;
    }

    private static int time(String s, int i) {
        if (!(digits(s, i, 2) && at(s, i + 2, ':') && digits(s, i + 3, 2))) {
            return -1;
        }
        int j = i + 5;
        if (at(s, j, ':') && digits(s, j + 1, 2)) {
            j += 3;
            if ((at(s, j, '.') || at(s, j, ',')) && j + 1 < s.length() && isAsciiDigit(s.charAt(j + 1))) {
                j++;
                while (j < s.length() && isAsciiDigit(s.charAt(j))) {
                    j++;
                }
            }
        }
        return j;
    }

    private static int zone(String s, int j) {
        if (at(s, j, 'Z') || at(s, j, 'z')) {
            return j + 1;
        }
        if ((at(s, j, '+') || at(s, j, '-')) && digits(s, j + 1, 2)) {
            if (at(s, j + 3, ':') && digits(s, j + 4, 2)) {
                return j + 6;
            }
            if (digits(s, j + 3, 2)) {
                return j + 5;
            }
            return j + 3;
        }
        return j;
    }

    /** Four dotted groups of 1–3 digits. */
    static int ipv4(String s, int i) {
        int j = i;
        for (int group = 0; group < 4; group++) {
            if (group > 0) {
                if (!at(s, j, '.')) {
                    return -1;
                }
                j++;
            }
            int start = j;
            while (j < s.length() && j - start < 3 && isAsciiDigit(s.charAt(j))) {
                j++;
            }
            if (j == start) {
                return -1;
            }
        }
        return j < s.length() && isAsciiDigit(s.charAt(j)) ? -1 : j;
    }

    /**
     * Hex groups joined by colons, with "::" or all eight groups: the two shapes that cannot be
     * mistaken for a clock time. An embedded IPv4 tail and a %zone are included.
     */
    static int ipv6(String s, int i) {
        int n = s.length();
        int j = i;
        int groups = 0;
        int colons = 0;
        boolean doubleColon = false;
        int groupLen = 0;
        boolean anyDigit = false;
        while (j < n) {
            char c = s.charAt(j);
            if (isHex(c)) {
                if (++groupLen > 4) {
                    return -1;
                }
                anyDigit |= isAsciiDigit(c);
                j++;
            } else if (c == ':') {
                if (groupLen > 0) {
                    groups++;
                }
                groupLen = 0;
                colons++;
                if (j + 1 < n && s.charAt(j + 1) == ':') {
                    if (doubleColon) {
                        return -1;
                    }
                    doubleColon = true;
                    colons++;
                    j += 2;
                } else {
                    j++;
                }
            } else if (c == '.' && colons >= 2) {
                // ::ffff:192.168.0.1: re-read the last group as the start of an IPv4 tail.
                int v4 = ipv4(s, j - groupLen);
                if (v4 < 0) {
                    break;
                }
                j = v4;
                groupLen = 0;
                groups += 2;
                anyDigit = true;
                break;
            } else {
                break;
            }
        }
        if (groupLen > 0) {
            groups++;
        }
        // Without a digit, "Feed::deface" would be an address; real ones (::1, fe80::, 2001:db8::) have one.
        boolean shaped = doubleColon ? groups >= 1 && groups <= 7 : groups == 8 && colons == 7;
        if (!shaped || colons < 2 || !anyDigit) {
            return -1;
        }
        // A trailing single ':' is punctuation ("host ::1: refused"), not part of the address.
        if (!doubleColon && s.charAt(j - 1) == ':') {
            return -1;
        }
        if (j < n && s.charAt(j) == '%') {
            int k = j + 1;
            while (k < n && isAsciiAlnum(s.charAt(k))) {
                k++;
            }
            if (k > j + 1) {
                j = k;
            }
        }
        return endsToken(s, j) ? j : -1;
    }

    /** 0x followed by hex digits. */
    static int hexLiteral(String s, int i) {
        if (!(at(s, i, '0') && (at(s, i + 1, 'x') || at(s, i + 1, 'X')))) {
            return -1;
        }
        int j = i + 2;
        while (j < s.length() && isHex(s.charAt(j))) {
            j++;
        }
        return j > i + 2 && endsToken(s, j) ? j : -1;
    }

    /**
     * A whole token of at least 8 hex characters with both a digit and a letter: commit hashes,
     * object ids, trace ids. Requiring both keeps words like "deadline" and plain numbers out.
     */
    static int hexId(String s, int i) {
        int j = i;
        boolean digit = false;
        boolean letter = false;
        while (j < s.length() && isHex(s.charAt(j))) {
            if (isAsciiDigit(s.charAt(j))) {
                digit = true;
            } else {
                letter = true;
            }
            j++;
        }
        return j - i >= MIN_HEX_ID_LENGTH && digit && letter && endsToken(s, j) ? j : -1;
    }

    private static boolean digits(String s, int i, int count) {
        if (i + count > s.length()) {
            return false;
        }
        for (int k = i; k < i + count; k++) {
            if (!isAsciiDigit(s.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    private static boolean at(String s, int i, char c) {
        return i < s.length() && s.charAt(i) == c;
    }
}
