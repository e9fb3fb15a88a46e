package dev.bloop.service.sourcemap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.api.Signatures;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real esbuild bundle's map uploaded over HTTP, and real V8 (and Firefox-shaped) stacks of that
 * bundle ingested: detail and occurrences show the original files, lines, columns and functions.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SourceMapIT {
    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of("BLOOP__SOURCEMAPS__MAX_UPLOAD_SIZE", "4KiB"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OTHER_SECRET = "bloop_sk_sourcemap_other";
    private static String writer;
    private static String reader;
    private static String otherWriter;
    private static String v8Stack;

    @BeforeAll
    static void setUp() throws Exception {
        BLOOP.addProject("p-b", "project-b", "bloop_pk_b", OTHER_SECRET);
        writer = BLOOP.token("ci-upload", "default", Scope.SOURCEMAPS_WRITE, Scope.SOURCEMAPS_READ, Scope.ERRORS_READ);
        reader = BLOOP.token("errors-only", "default", Scope.ERRORS_READ);
        otherWriter = BLOOP.token("b-upload", "p-b", Scope.SOURCEMAPS_WRITE, Scope.SOURCEMAPS_READ, Scope.ERRORS_READ);
        v8Stack = new String(SourceMapParserTest.resource("v8-stack.txt"), StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> upload(String token, String slug, String release, String fileName, byte[] content) {
        Multipart form = Multipart.sourceMap(release, fileName, content);
        return BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url("/v1/projects/" + slug + "/sourcemaps")))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body())).build());
    }

    private static HttpResponse<String> get(String token, String path) {
        return BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url(path)))
                .header("Authorization", "Bearer " + token).GET().build());
    }

    private static HttpResponse<String> delete(String token, String path) {
        return BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url(path)))
                .header("Authorization", "Bearer " + token).DELETE().build());
    }

    /** Each test uses its own error type, so that each has its own group and samples. */
    private static String ingest(String errorType, String release, String stack, String key, String secret) throws Exception {
        ObjectNode event = JSON.createObjectNode().put("timestamp", System.currentTimeMillis()).put("source", "web")
                .put("environment", "prod").put("release", release).put("error_type", errorType)
                .put("message", "Cannot price sku unknown-sku").put("stack", stack);
        String body = JSON.writeValueAsString(event);
        Map<String, String> headers = key == null
                ? Map.of("Content-Type", "application/json", "X-Signature", Signatures.sign(secret, body))
                : Map.of("Content-Type", "application/json", "X-Signature", Signatures.sign(secret, body), "X-Project-Key", key);
        HttpResponse<String> r = BLOOP.post("/v1/ingest", body, headers);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String fp = JSON.readTree(r.body()).get("fingerprint").asText();
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE fingerprint = '" + fp + "' AND release = '" + release + "'", 1);
        return fp;
    }

    private static JsonNode json(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    @Test
    void uploadedMapsDeobfuscateDetailAndOccurrences() throws Exception {
        JsonNode uploaded = json(upload(writer, "default", "3.0.0", "app.min.js.map", SourceMapParserTest.resource("app.min.js.map")), 201);
        assertThat(uploaded.get("release").asText()).isEqualTo("3.0.0");
        assertThat(uploaded.get("file_name").asText()).isEqualTo("app.min.js.map");
        assertThat(uploaded.get("size_bytes").asLong()).isEqualTo(SourceMapParserTest.resource("app.min.js.map").length);
        assertThat(uploaded.get("compressed_bytes").asLong()).isPositive();

        String fp = ingest("DetailError", "3.0.0", v8Stack, null, BloopTestApp.SECRET);
        JsonNode detail = json(get(reader, "/v1/errors/" + fp), 200);
        JsonNode frames = detail.get("samples").get(0).get("deobfuscated_stack");
        assertThat(frames).isNotNull();
        assertThat(frames.get(0).get("raw_frame").asText()).startsWith("TypeError:");
        assertThat(frames.get(0).has("original_file")).isFalse();
        JsonNode top = frames.get(1);
        assertThat(top.get("raw_frame").asText()).isEqualTo("at c (app.min.js:1:532)");
        assertThat(top.get("original_file").asText()).isEqualTo("src/pricing.ts");
        assertThat(top.get("original_line").asInt()).as("1-based").isEqualTo(6);
        assertThat(top.get("original_column").asInt()).as("1-based").isEqualTo(11);
        assertThat(top.get("original_function").asText()).isEqualTo("priceOf");
        JsonNode caller = frames.get(2);
        assertThat(caller.get("original_file").asText()).isEqualTo("src/cart.ts");
        assertThat(caller.get("original_line").asInt()).isEqualTo(12);
        assertThat(caller.get("original_function").asText()).isEqualTo("checkout");
        assertThat(frames.get(4).get("raw_frame").asText()).contains("node:internal");
        assertThat(frames.get(4).has("original_file")).isFalse();
        // Grouped by the original location, not the minified one.
        assertThat(detail.get("grouping").get("frame").asText()).isEqualTo("at priceOf (src/pricing.ts)");

        JsonNode occurrences = json(get(reader, "/v1/errors/" + fp + "/occurrences"), 200);
        assertThat(occurrences.get(0).get("deobfuscated_stack").get(1).get("original_file").asText()).isEqualTo("src/pricing.ts");
        assertThat(occurrences.get(0).get("stack").asText()).isEqualTo(v8Stack);
    }

    @Test
    void firefoxAndSafariFramesMapToo() throws Exception {
        json(upload(writer, "default", "3.1.0", "static/app.min.js.map", SourceMapParserTest.resource("app.min.js.map")), 201);
        String gecko = "c@https://cdn.example.com/static/app.min.js:1:532\ni@https://cdn.example.com/static/app.min.js:1:618\n"
                + "@https://cdn.example.com/static/app.min.js:1:727";
        String fp = ingest("GeckoError", "3.1.0", gecko, null, BloopTestApp.SECRET);
        JsonNode frames = json(get(reader, "/v1/errors/" + fp), 200).get("samples").get(0).get("deobfuscated_stack");
        assertThat(frames.get(0).get("original_file").asText()).isEqualTo("src/pricing.ts");
        assertThat(frames.get(0).get("original_function").asText()).isEqualTo("priceOf");
        assertThat(frames.get(1).get("original_file").asText()).isEqualTo("src/cart.ts");
    }

    @Test
    void aRedeployWithANewBundleNameKeepsTheGroup() throws Exception {
        byte[] map = SourceMapParserTest.resource("app.min.js.map");
        json(upload(writer, "default", "4.0.0", "app.3f2a.js.map", map), 201);
        json(upload(writer, "default", "4.0.1", "app.9c1e.js.map", map), 201);
        String first = ingest("RedeployError", "4.0.0", v8Stack.replace("app.min.js", "app.3f2a.js"), null, BloopTestApp.SECRET);
        String second = ingest("RedeployError", "4.0.1", v8Stack.replace("app.min.js", "app.9c1e.js"), null, BloopTestApp.SECRET);
        assertThat(second).isEqualTo(first);
    }

    @Test
    void reUploadReplacesAndDeleteRemoves() throws Exception {
        byte[] map = SourceMapParserTest.resource("app.min.js.map");
        long id = json(upload(writer, "default", "5.0.0", "app.min.js.map", map), 201).get("id").asLong();
        assertThat(json(upload(writer, "default", "5.0.0", "app.min.js.map", map), 201).get("id").asLong()).isEqualTo(id);
        JsonNode list = json(get(writer, "/v1/projects/default/sourcemaps?release=5.0.0"), 200);
        assertThat(list).hasSize(1);
        String fp = ingest("DeleteError", "5.0.0", v8Stack, null, BloopTestApp.SECRET);
        assertThat(json(get(reader, "/v1/errors/" + fp), 200).get("samples").get(0).has("deobfuscated_stack")).isTrue();
        assertThat(json(delete(writer, "/v1/projects/default/sourcemaps/" + id), 200).get("deleted").asLong()).isEqualTo(id);
        assertThat(json(get(writer, "/v1/projects/default/sourcemaps?release=5.0.0"), 200)).isEmpty();
        assertThat(json(get(reader, "/v1/errors/" + fp), 200).get("samples").get(0).has("deobfuscated_stack"))
                .as("no map, no mapping, at once").isFalse();
        assertThat(delete(writer, "/v1/projects/default/sourcemaps/" + id).statusCode()).isEqualTo(404);
    }

    @Test
    void aProjectsMapsAreNeverAppliedToAnotherProject() throws Exception {
        json(upload(writer, "default", "6.0.0", "app.min.js.map", SourceMapParserTest.resource("app.min.js.map")), 201);
        String fp = ingest("IsolationError", "6.0.0", v8Stack, "bloop_pk_b", OTHER_SECRET);
        JsonNode detail = json(get(otherWriter, "/v1/errors/" + fp), 200);
        assertThat(detail.get("samples").get(0).has("deobfuscated_stack")).isFalse();
        assertThat(detail.get("grouping").get("frame").asText()).isEqualTo("at c (app.min.js)");
        // Nor can project B's token reach project A's maps.
        assertThat(get(otherWriter, "/v1/projects/default/sourcemaps").statusCode()).isEqualTo(404);
        assertThat(upload(otherWriter, "default", "6.0.0", "x.js.map", SourceMapParserTest.resource("app.min.js.map")).statusCode())
                .isEqualTo(404);
        assertThat(json(get(otherWriter, "/v1/projects/project-b/sourcemaps"), 200)).isEmpty();
    }

    @Test
    void badUploadsAreClearlyRefused() throws Exception {
        byte[] map = SourceMapParserTest.resource("app.min.js.map");
        assertThat(json(upload(reader, "default", "7.0.0", "app.min.js.map", map), 403).get("scope").asText())
                .isEqualTo("sourcemaps:write");
        assertThat(json(upload(writer, "default", null, "app.min.js.map", map), 400).get("field").asText()).isEqualTo("release");
        assertThat(json(upload(writer, "default", "7.0.0", null, null), 400).get("field").asText()).isEqualTo("file");
        JsonNode invalid = json(upload(writer, "default", "7.0.0", "app.min.js.map",
                "{\"version\":2}".getBytes(StandardCharsets.UTF_8)), 400);
        assertThat(invalid.get("error").asText()).contains("invalid source map").contains("version must be 3");
        assertThat(json(upload(writer, "default", "7.0.0", "big.js.map", new byte[5000]), 413).get("error").asText())
                .contains("4096");
        assertThat(upload(writer, "no-such-project", "7.0.0", "app.min.js.map", map).statusCode()).isEqualTo(404);
    }
}
