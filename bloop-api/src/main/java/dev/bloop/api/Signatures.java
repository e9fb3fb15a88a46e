package dev.bloop.api;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 request signing as bloop expects it: the lower-case hex MAC of the exact body bytes,
 * sent in {@code X-Signature}. The key is the project's ingest secret (or the server's
 * {@code auth.hmac_secret} for the default project).
 */
public final class Signatures {
    public static final String HEADER = "X-Signature";
    public static final String PROJECT_KEY_HEADER = "X-Project-Key";
    private static final String ALGORITHM = "HmacSHA256";
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(Signatures::newMac);

    private Signatures() {
    }

    public static String sign(String secret, byte[] body) {
        return HexFormat.of().formatHex(mac(secret.getBytes(StandardCharsets.UTF_8), body, body.length));
    }

    public static String sign(String secret, String body) {
        return sign(secret, body.getBytes(StandardCharsets.UTF_8));
    }

    /** The raw MAC of the first {@code length} bytes of {@code body}. */
    public static byte[] mac(byte[] key, byte[] body, int length) {
        Mac mac = MACS.get();
        try {
            mac.init(new SecretKeySpec(key, ALGORITHM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot initialise " + ALGORITHM, e);
        }
        mac.update(body, 0, length);
        return mac.doFinal();
    }

    /** Constant-time comparison of a decoded signature against the expected MAC. */
    public static boolean matches(byte[] key, byte[] body, int length, byte[] presented) {
        return MessageDigest.isEqual(mac(key, body, length), presented);
    }

    private static Mac newMac() {
        try {
            return Mac.getInstance(ALGORITHM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        }
    }
}
