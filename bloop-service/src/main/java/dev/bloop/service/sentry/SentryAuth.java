package dev.bloop.service.sentry;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where a Sentry SDK puts its DSN's public key: the {@code X-Sentry-Auth} header (or the same value
 * in {@code Authorization}), the {@code sentry_key} query parameter (browsers, beacons), or the
 * envelope's own {@code dsn} header (the SDK's {@code tunnel} option: the app's backend forwards the
 * envelope as it is). When several are present the envelope's {@code dsn} wins, then the query, then
 * the header, without cross-checking (as Bugsink does: a tunnel may add a header of its own).
 */
final class SentryAuth {
    /** Key values longer than this are not keys; they are not looked up. */
    static final int MAX_KEY_LENGTH = 128;

    private SentryAuth() {
    }

    /** The key of a {@code Sentry sentry_key=..., sentry_version=7, ...} header value, or null. */
    static String fromHeader(String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (v.regionMatches(true, 0, "Sentry ", 0, 7)) {
            v = v.substring(7);
        } else {
            return null;
        }
        for (String part : v.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).strip().equals("sentry_key")) {
                return clean(part.substring(eq + 1));
            }
        }
        return null;
    }

    /** The {@code sentry_key} of a query string, or null. */
    static String fromQuery(String query) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("sentry_key=")) {
                try {
                    return clean(URLDecoder.decode(pair.substring(11), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** A DSN's public key and project id ({@code http://KEY[:SECRET]@host/path/ID}). */
    record Dsn(String key, String projectId) {
    }

    /** Null when the text is not a DSN with a key. */
    static Dsn parseDsn(String dsn) {
        if (dsn == null || dsn.length() > 2048) {
            return null;
        }
        try {
            URI u = new URI(dsn.strip());
            String userInfo = u.getRawUserInfo();
            if (userInfo == null || u.getPath() == null) {
                return null;
            }
            int colon = userInfo.indexOf(':');
            String key = clean(colon < 0 ? userInfo : userInfo.substring(0, colon));
            String path = u.getPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            String id = path.substring(path.lastIndexOf('/') + 1);
            return key == null ? null : new Dsn(key, id);
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    private static String clean(String value) {
        String v = value.strip();
        return v.isEmpty() || v.length() > MAX_KEY_LENGTH ? null : v;
    }
}
