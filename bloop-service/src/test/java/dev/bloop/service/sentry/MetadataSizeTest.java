package dev.bloop.service.sentry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.Utf8;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The cheap bound that lets most events skip one serialisation of their metadata must never be below the truth. */
class MetadataSizeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theBoundIsNeverBelowTheSerialisedSize() throws Exception {
        String[] samples = {
            "{}", "{\"a\":[]}", "{\"tags\":{\"k\":\"v\",\"n\":1,\"f\":-1.2345678901234567E-308,\"b\":true,\"z\":null}}",
            "{\"q\":\"\\\"quoted\\\" and \\\\ back\\\\slash\",\"ctl\":\"\\u0001\\u001f\\n\\t\"}",
            "{\"unicode\":\"ünïcødé 日本語 \\ud83d\\ude00\",\"ключ\":\"значение\"}",
            "{\"big\":123456789012345678901234567890123456789012345678901234567890,\"dec\":1.5}",
            "{\"nested\":{\"a\":{\"b\":[1,[2,[3,{\"c\":\"d\"}]]]}}}",
        };
        for (String sample : samples) {
            JsonNode node = JSON.readTree(sample);
            assertThat(SentryEvents.sizeAtMost(node)).as(sample).isGreaterThanOrEqualTo(Utf8.length(node.toString()));
        }
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int j = random.nextInt(40); j > 0; j--) {
                text.append((char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0xD7FF)));
            }
            JsonNode node = JSON.createObjectNode().put(text.toString(), text.toString()).put("n", random.nextDouble());
            assertThat(SentryEvents.sizeAtMost(node)).isGreaterThanOrEqualTo(Utf8.length(node.toString()));
        }
    }
}
