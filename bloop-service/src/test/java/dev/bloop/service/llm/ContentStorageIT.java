package dev.bloop.service.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Content storage, proved on the database file itself: under {@code none} a prompt sent in every
 * content field appears nowhere in the bytes of the SQLite file, its write-ahead log or the spill
 * journal; the same search finds a prompt sent under {@code full}, so it would have seen one.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ContentStorageIT {
    private static final BloopTestApp BLOOP = Llm.app(Map.of());
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();

    /** Every content field of a trace and its span carries the marker. */
    private static String trace(String id, String marker) {
        return "{\"id\":\"" + id + "\",\"name\":\"support-chat\",\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\""
                + marker + " input\"}]},\"output\":\"" + marker + " output\",\"metadata\":{\"note\":\"" + marker
                + " metadata\"},\"spans\":[{\"id\":\"gen\",\"model\":\"gpt-4o-mini\",\"input_tokens\":12,\"output_tokens\":3,"
                + "\"input\":[{\"role\":\"user\",\"content\":\"" + marker + " span input\"}],\"output\":\"" + marker
                + " span output\",\"metadata\":{\"prompt\":\"" + marker + " span metadata\"}}]}";
    }

    /** Whether the marker's bytes are anywhere in the database file, its WAL or the spill journal. */
    private static boolean onDisk(String marker) throws IOException {
        byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        Path db = BLOOP.dbFile();
        for (Path f : new Path[] {db, Path.of(db + "-wal"), Path.of(db + ".llm-spill"), Path.of(db + ".spill")}) {
            if (Files.exists(f) && contains(Files.readAllBytes(f), needle)) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void underNoneAPromptReachesNoByteOfTheDatabaseButUnderFullItDoes() throws Exception {
        BLOOP.addProject("p-content", "content", "bloop_pk_content", "bloop_sk_content_secret_01");
        String token = BLOOP.token("content", "p-content", Scope.LLM_READ, Scope.LLM_WRITE);
        JsonNode settings = Llm.json(Llm.get(BLOOP, "/v1/llm/settings", token));
        assertThat(settings.get("content_storage").asText()).isEqualTo("none");
        assertThat(settings.get("source").asText()).isEqualTo("default");

        String secret = "PROMPT-" + UUID.randomUUID();
        HttpResponse<String> r = Llm.post(BLOOP, "/v1/traces", trace("private", secret), "bloop_pk_content",
                "bloop_sk_content_secret_01");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode t = Llm.await(BLOOP, "/v1/llm/traces/private", token, x -> true);
        // Stored without content, with everything else.
        assertThat(t.get("input").isNull()).isTrue();
        assertThat(t.get("output").isNull()).isTrue();
        assertThat(t.get("metadata").isNull()).isTrue();
        JsonNode span = t.get("spans").get(0);
        assertThat(span.get("input").isNull()).isTrue();
        assertThat(span.get("output").isNull()).isTrue();
        assertThat(span.get("metadata").isNull()).isTrue();
        assertThat(span.get("tokens").get("total").asLong()).isEqualTo(15);
        assertThat(t.get("name").asText()).isEqualTo("support-chat");
        assertThat(onDisk(secret)).as("the prompt under content storage none").isFalse();

        // metadata_only keeps metadata, never content.
        HttpResponse<String> meta = Llm.putJson(BLOOP, "/v1/llm/settings", token, "{\"content_storage\":\"metadata_only\"}");
        assertThat(meta.statusCode()).isEqualTo(200);
        String secret2 = "PROMPT-" + UUID.randomUUID();
        Llm.post(BLOOP, "/v1/traces", trace("meta", secret2), "bloop_pk_content", "bloop_sk_content_secret_01");
        JsonNode m = Llm.await(BLOOP, "/v1/llm/traces/meta", token, x -> true);
        assertThat(m.get("metadata").get("note").asText()).isEqualTo(secret2 + " metadata");
        assertThat(m.get("input").isNull()).isTrue();
        assertThat(m.get("spans").get(0).get("output").isNull()).isTrue();
        assertThat(m.get("spans").get(0).get("metadata").get("prompt").asText()).isEqualTo(secret2 + " span metadata");
        assertThat(onDisk(secret2 + " input")).isFalse();
        assertThat(onDisk(secret2 + " span output")).isFalse();

        HttpResponse<String> full = Llm.putJson(BLOOP, "/v1/llm/settings", token, "{\"content_storage\":\"full\"}");
        assertThat(Llm.json(full).get("content_storage").asText()).isEqualTo("full");
        assertThat(Llm.json(full).get("source").asText()).isEqualTo("project");
        String visible = "PROMPT-" + UUID.randomUUID();
        Llm.post(BLOOP, "/v1/traces", trace("public", visible), "bloop_pk_content", "bloop_sk_content_secret_01");
        JsonNode p = Llm.await(BLOOP, "/v1/llm/traces/public", token, x -> true);
        assertThat(p.get("input").get("messages").get(0).get("content").asText()).isEqualTo(visible + " input");
        assertThat(p.get("spans").get(0).get("output").asText()).isEqualTo(visible + " span output");
        assertThat(onDisk(visible + " span output")).as("the same search finds a prompt stored under full").isTrue();
        // The first prompt is still nowhere.
        assertThat(onDisk(secret)).isFalse();

        assertThat(Llm.putJson(BLOOP, "/v1/llm/settings", token, "{\"content_storage\":\"all\"}").statusCode())
                .isEqualTo(400);
        assertThat(Llm.putJson(BLOOP, "/v1/llm/settings", token, "{\"content_storage\":\"full\",\"x\":1}").statusCode())
                .isEqualTo(400);
    }

    @Test
    void aPromptOverTheCapIsCutAndSaysSo() {
        BLOOP.addProject("p-cap", "cap", "bloop_pk_cap", "bloop_sk_cap_secret_012345");
        String token = BLOOP.token("cap", "p-cap", Scope.LLM_READ, Scope.LLM_WRITE);
        Llm.putJson(BLOOP, "/v1/llm/settings", token, "{\"content_storage\":\"full\"}");
        String big = "é".repeat(20_000); // 40,000 bytes of UTF-8
        Llm.post(BLOOP, "/v1/traces", "{\"id\":\"big\",\"output\":\"" + big + "\"}", "bloop_pk_cap",
                "bloop_sk_cap_secret_012345");
        JsonNode t = Llm.await(BLOOP, "/v1/llm/traces/big", token, x -> true);
        String out = t.get("output").asText();
        assertThat(out).startsWith("é".repeat(16_384)).contains("[truncated by bloop: 40000 bytes]");
        assertThat(out.getBytes(StandardCharsets.UTF_8).length).isLessThan(32_768 + 100);
    }
}
