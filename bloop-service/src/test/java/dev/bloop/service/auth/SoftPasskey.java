package dev.bloop.service.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A software authenticator (one ES256 passkey, "none" attestation) that answers the server's
 * options the way a browser and a platform authenticator do: it stands in for the hardware at the
 * boundary, so the server-side ceremony code runs for real. The origin and counter can be set wrong
 * on purpose to test refusals.
 */
public final class SoftPasskey {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final KeyPair keys;
    private final byte[] credentialId = new byte[16];
    private String origin;
    private String rpId = "localhost";
    private long counter;
    private byte[] userHandle;

    public SoftPasskey(String origin) {
        this.origin = origin;
        new SecureRandom().nextBytes(credentialId);
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            this.keys = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public SoftPasskey origin(String origin) {
        this.origin = origin;
        return this;
    }

    public SoftPasskey rpId(String rpId) {
        this.rpId = rpId;
        return this;
    }

    public SoftPasskey counter(long counter) {
        this.counter = counter;
        return this;
    }

    public String credentialId() {
        return B64.encodeToString(credentialId);
    }

    /** The answer to creation options ({@code publicKey} of a register start), as PublicKeyCredential JSON. */
    public Map<String, Object> create(Map<String, Object> publicKey) {
        @SuppressWarnings("unchecked")
        Map<String, Object> user = (Map<String, Object>) publicKey.get("user");
        userHandle = B64D.decode((String) user.get("id"));
        byte[] clientData = clientData("webauthn.create", (String) publicKey.get("challenge"));
        ByteArrayOutputStream auth = new ByteArrayOutputStream();
        auth.writeBytes(sha256(rpId.getBytes(StandardCharsets.UTF_8)));
        auth.write(0x45); // UP | UV | AT
        auth.writeBytes(ByteBuffer.allocate(4).putInt((int) counter).array());
        auth.writeBytes(new byte[16]); // AAGUID
        auth.write(0);
        auth.write(credentialId.length);
        auth.writeBytes(credentialId);
        auth.writeBytes(coseKey());
        byte[] authData = auth.toByteArray();

        ByteArrayOutputStream att = new ByteArrayOutputStream();
        att.write(0xA3); // map(3)
        cborText(att, "fmt");
        cborText(att, "none");
        cborText(att, "attStmt");
        att.write(0xA0); // {}
        cborText(att, "authData");
        cborBytes(att, authData);

        Map<String, Object> response = new LinkedHashMap<>();
        response.put("clientDataJSON", B64.encodeToString(clientData));
        response.put("attestationObject", B64.encodeToString(att.toByteArray()));
        response.put("transports", java.util.List.of("internal"));
        return credential(response);
    }

    /** The answer to request options ({@code publicKey} of a login start). Each use moves the counter on. */
    public Map<String, Object> get(Map<String, Object> publicKey) {
        counter++;
        byte[] clientData = clientData("webauthn.get", (String) publicKey.get("challenge"));
        ByteArrayOutputStream auth = new ByteArrayOutputStream();
        auth.writeBytes(sha256(rpId.getBytes(StandardCharsets.UTF_8)));
        auth.write(0x05); // UP | UV
        auth.writeBytes(ByteBuffer.allocate(4).putInt((int) counter).array());
        byte[] authData = auth.toByteArray();
        byte[] signature;
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(keys.getPrivate());
            s.update(authData);
            s.update(sha256(clientData));
            signature = s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("clientDataJSON", B64.encodeToString(clientData));
        response.put("authenticatorData", B64.encodeToString(authData));
        response.put("signature", B64.encodeToString(signature));
        if (userHandle != null) {
            response.put("userHandle", B64.encodeToString(userHandle));
        }
        return credential(response);
    }

    private Map<String, Object> credential(Map<String, Object> response) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", credentialId());
        c.put("rawId", credentialId());
        c.put("type", "public-key");
        c.put("response", response);
        c.put("clientExtensionResults", Map.of());
        c.put("authenticatorAttachment", "platform");
        return c;
    }

    private byte[] clientData(String type, String challenge) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", type);
        c.put("challenge", challenge);
        c.put("origin", origin);
        c.put("crossOrigin", false);
        try {
            return JSON.writeValueAsBytes(c);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** COSE_Key for EC2 P-256 / ES256: {1: 2, 3: -7, -1: 1, -2: x, -3: y}. */
    private byte[] coseKey() {
        ECPublicKey pub = (ECPublicKey) keys.getPublic();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0xA5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21});
        cborBytes(out, unsigned32(pub.getW().getAffineX()));
        out.write(0x22);
        cborBytes(out, unsigned32(pub.getW().getAffineY()));
        return out.toByteArray();
    }

    private static byte[] unsigned32(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }

    private static void cborText(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(0x60 + b.length); // short strings only
        out.writeBytes(b);
    }

    private static void cborBytes(ByteArrayOutputStream out, byte[] b) {
        if (b.length < 24) {
            out.write(0x40 + b.length);
        } else if (b.length < 256) {
            out.write(0x58);
            out.write(b.length);
        } else {
            out.write(0x59);
            out.write(b.length >> 8);
            out.write(b.length & 0xFF);
        }
        out.writeBytes(b);
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
