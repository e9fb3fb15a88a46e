package dev.bloop.service.ingest;

import dev.bloop.api.Signatures;
import dev.bloop.service.project.Project;
import dev.bloop.service.project.ProjectKeys;
import java.util.Optional;

/**
 * The key half of ingest authentication: which project a request is for and whether its
 * signature matches. With {@code X-Project-Key} the HMAC key is that project's secret (never the
 * public key itself); without it, the default project and {@code auth.hmac_secret}. For the projects an
 * operator lists in {@code auth.legacy_key_signing}, an HMAC keyed with the public key is accepted
 * too: the original bloop SDKs sign that way, and apps shipping them cannot all be updated at once.
 */
final class SignatureCheck {
    enum Failure { UNKNOWN_PROJECT_KEY, BAD_SIGNATURE }

    /** Either the authenticated project id or the failure. */
    record Result(String projectId, Failure failure) {
    }

    private final ProjectKeys projectKeys;
    private final byte[] defaultSecret;

    SignatureCheck(ProjectKeys projectKeys, byte[] defaultSecret) {
        this.projectKeys = projectKeys;
        this.defaultSecret = defaultSecret.clone();
    }

    Result verify(String projectKeyHeader, byte[] body, int length, byte[] presented) {
        String projectId;
        byte[] key;
        byte[] legacyKey = null;
        if (projectKeyHeader == null) {
            projectId = Project.DEFAULT_ID;
            key = defaultSecret;
        } else {
            Optional<ProjectKeys.Resolved> resolved = projectKeys.resolve(projectKeyHeader.trim());
            if (resolved.isEmpty()) {
                return new Result(null, Failure.UNKNOWN_PROJECT_KEY);
            }
            projectId = resolved.get().projectId();
            key = resolved.get().secret();
            legacyKey = resolved.get().legacyKey();
        }
        return Signatures.matches(key, body, length, presented)
                || (legacyKey != null && Signatures.matches(legacyKey, body, length, presented))
                ? new Result(projectId, null)
                : new Result(null, Failure.BAD_SIGNATURE);
    }

    /** Hex (either case) to bytes, or null when it is not hex. */
    static byte[] decodeHex(String hex) {
        String s = hex.trim();
        if (s.isEmpty() || (s.length() & 1) != 0) {
            return null;
        }
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(s.charAt(2 * i), 16);
            int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }
}
