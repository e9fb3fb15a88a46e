package dev.bloop.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SignaturesTest {
    private static final String BODY = "{\"a\":1}";
    // echo -n '{"a":1}' | openssl dgst -sha256 -hmac change-me-in-production
    private static final String OPENSSL = "80db0b35aab2a947b6c64b21d8b176ebf535ac11476e1cdd81a6b3d8f5bc7bf4";

    @Test
    void signsExactlyAsTheSeedReadmesOpensslCommandDoes() {
        assertThat(Signatures.sign("change-me-in-production", BODY)).isEqualTo(OPENSSL);
    }

    @Test
    void verifiesTheExactBytesOnly() {
        byte[] key = "change-me-in-production".getBytes(StandardCharsets.UTF_8);
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        byte[] presented = HexFormat.of().parseHex(OPENSSL);
        assertThat(Signatures.matches(key, body, body.length, presented)).isTrue();
        byte[] changed = "{\"a\":2}".getBytes(StandardCharsets.UTF_8);
        assertThat(Signatures.matches(key, changed, changed.length, presented)).isFalse();
        assertThat(Signatures.matches("other-secret".getBytes(StandardCharsets.UTF_8), body, body.length, presented)).isFalse();
        assertThat(Signatures.matches(key, body, body.length, new byte[3])).isFalse();
    }
}
