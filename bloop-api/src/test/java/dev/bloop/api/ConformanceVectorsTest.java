package dev.bloop.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The SDKs' shared vectors ({@code sdks/conformance/vectors.json}) agree with this module's signing and
 * UTF-8 capping, so an SDK that passes them signs and trims exactly as the server checks.
 */
class ConformanceVectorsTest {
    private static final Path VECTORS = Path.of("..", "sdks", "conformance", "vectors.json");

    private static JsonNode vectors() throws IOException {
        return new ObjectMapper().readTree(Files.readString(VECTORS, StandardCharsets.UTF_8));
    }

    @Test
    void everyHmacVectorMatchesSignatures() throws IOException {
        JsonNode cases = vectors().get("hmac");
        assertThat(cases).hasSizeGreaterThanOrEqualTo(3);
        for (JsonNode c : cases) {
            assertThat(Signatures.sign(c.get("secret").asText(), c.get("body").asText()))
                    .as(c.get("name").asText())
                    .isEqualTo(c.get("expected_hex").asText());
        }
    }

    @Test
    void everyCapVectorMatchesUtf8Truncation() throws IOException {
        for (JsonNode c : vectors().get("caps")) {
            String got = Utf8.truncate(c.get("input").asText(), c.get("max_bytes").asInt());
            assertThat(got).as(c.get("name").asText()).isEqualTo(c.get("expected").asText());
            assertThat(Utf8.length(got)).isEqualTo(c.get("expected_utf8_bytes").asInt());
        }
    }
}
