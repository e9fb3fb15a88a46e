package dev.bloop.service.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.Signatures;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DropwizardExtensionsSupport.class)
class IngestIT {
    private static final BloopTestApp BLOOP = new BloopTestApp();
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/json";

    private static JsonNode body(HttpResponse<String> r) throws Exception {
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(JSON_TYPE));
        return JSON.readTree(r.body());
    }

    private static HttpResponse<String> post(String path, String body, String signature) {
        return BLOOP.post(path, body, Map.of("Content-Type", JSON_TYPE, "X-Signature", signature));
    }

    @Test
    void seedReadmeExampleIsAcceptedAndStored() throws Exception {
        String event = BloopTestApp.event("Seed example for storage");
        HttpResponse<String> r = BLOOP.ingest("/v1/ingest", event);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = body(r);
        assertThat(body.get("status").asText()).isEqualTo("accepted");
        String fp = body.get("fingerprint").asText();
        assertThat(fp).matches("[0-9a-f]{16}");
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE fingerprint = '" + fp + "'", 1);
        assertThat(BLOOP.count("SELECT count(*) FROM error_groups WHERE project_id = 'default' AND fingerprint = '" + fp + "'"))
                .isEqualTo(1);
    }

    @Test
    void upperCaseHexSignaturesAreAccepted() {
        String event = BloopTestApp.event("upper case signature");
        assertThat(post("/v1/ingest", event, Signatures.sign(BloopTestApp.SECRET, event).toUpperCase()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void authChecksRunInContractOrder() throws Exception {
        String event = BloopTestApp.event("auth order");
        HttpResponse<String> missing = BLOOP.post("/v1/ingest", event, Map.of("Content-Type", JSON_TYPE));
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(body(missing).get("error").asText()).contains("missing X-Signature");

        HttpResponse<String> notHex = post("/v1/ingest", event, "zz-not-hex");
        assertThat(notHex.statusCode()).isEqualTo(401);
        assertThat(body(notHex).get("error").asText()).contains("not hex");

        // Oversized is reported before the key and the signature are looked at.
        String huge = "{\"message\":\"" + "x".repeat(40_000) + "\"}";
        HttpResponse<String> tooBig = BLOOP.post("/v1/ingest", huge,
                Map.of("Content-Type", JSON_TYPE, "X-Signature", "00", "X-Project-Key", "nope"));
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(body(tooBig).get("error").asText()).contains("32768");

        HttpResponse<String> unknownKey = BLOOP.post("/v1/ingest", event,
                Map.of("Content-Type", JSON_TYPE, "X-Signature", "00", "X-Project-Key", "bloop_pk_unknown"));
        assertThat(unknownKey.statusCode()).isEqualTo(401);
        assertThat(body(unknownKey).get("error").asText()).contains("X-Project-Key");

        HttpResponse<String> wrong = post("/v1/ingest", event, Signatures.sign("another-secret-0123456789", event));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(body(wrong).get("error").asText()).contains("does not match").doesNotContain(BloopTestApp.SECRET);

        // The signature covers the exact bytes: one changed byte fails.
        String sig = Signatures.sign(BloopTestApp.SECRET, event);
        assertThat(post("/v1/ingest", event.replace("auth order", "auth ordes"), sig).statusCode()).isEqualTo(401);
        assertThat(BLOOP.count("SELECT count(*) FROM raw_events WHERE message LIKE 'auth orde%'")).isZero();
    }

    @Test
    void projectKeyRoutesToThatProjectAndItsSecretIsTheHmacKey() throws Exception {
        try (Connection c = BLOOP.connection();
             PreparedStatement s = c.prepareStatement("INSERT INTO projects (id, slug, name, ingest_key, ingest_secret, "
                     + "created_at) VALUES ('p-mobile', 'mobile', 'Mobile', 'bloop_pk_mobile', 'bloop_sk_mobile_secret', 0)")) {
            s.executeUpdate();
        }
        String event = BloopTestApp.event("project key routing");
        Map<String, String> byPublicKey = Map.of("Content-Type", JSON_TYPE, "X-Project-Key", "bloop_pk_mobile",
                "X-Signature", Signatures.sign("bloop_pk_mobile", event));
        assertThat(BLOOP.post("/v1/ingest", event, byPublicKey).statusCode()).isEqualTo(401);

        Map<String, String> bySecret = Map.of("Content-Type", JSON_TYPE, "X-Project-Key", "bloop_pk_mobile",
                "X-Signature", Signatures.sign("bloop_sk_mobile_secret", event));
        assertThat(BLOOP.post("/v1/ingest", event, bySecret).statusCode()).isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE project_id = 'p-mobile'", 1);
        assertThat(BLOOP.count("SELECT count(*) FROM raw_events WHERE message = 'project key routing' "
                + "AND project_id = 'default'")).isZero();
    }

    @Test
    void invalidEventsGet400NamingTheField() throws Exception {
        String ok = BloopTestApp.event("valid");
        Map<String, String> cases = Map.ofEntries(
                Map.entry(ok.replace("\"timestamp\":1700000000000,", ""), "timestamp"),
                Map.entry(ok.replace("\"api\"", "\"Python!\""), "source"),
                Map.entry(ok.replace("\"prod\"", "\"\""), "environment"),
                Map.entry(ok.replace("\"release\":\"1.0.0\",", ""), "release"),
                Map.entry(ok.replace("\"TypeError\"", "\"  \""), "error_type"),
                Map.entry(ok.replace("\"valid\"", "\"\""), "message"),
                Map.entry(ok.replace("\"valid\"", "\"" + "é".repeat(1025) + "\""), "message"),
                Map.entry(ok.replace("}", ",\"stack\":\"" + "s".repeat(8193) + "\"}"), "stack"),
                Map.entry(ok.replace("}", ",\"metadata\":{\"k\":\"" + "m".repeat(4100) + "\"}}"), "metadata"),
                Map.entry(ok.replace("}", ",\"metadata\":[1,2]}"), "metadata"),
                Map.entry(ok.replace("}", ",\"http_status\":600}"), "http_status"),
                Map.entry(ok.replace("}", ",\"http_status\":\"500\"}"), "http_status"),
                Map.entry(ok.replace("}", ",\"fingerprint\":\"" + "f".repeat(257) + "\"}"), "fingerprint"),
                Map.entry(ok.replace("\"valid\"", "42"), "message"),
                Map.entry(ok.replace("1700000000000", "\"1700000000000\""), "timestamp"),
                Map.entry(ok.replace("}", ",\"colour\":\"red\"}"), "colour"));
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> r = BLOOP.ingest("/v1/ingest", c.getKey());
            assertThat(r.statusCode()).as(c.getValue() + ": " + r.body()).isEqualTo(400);
            assertThat(body(r).get("field").asText()).as(r.body()).isEqualTo(c.getValue());
            assertThat(body(r).get("error").asText()).as(r.body()).contains(c.getValue());
        }
    }

    @Test
    void contentTypeAndJsonShapeProblemsAre400() throws Exception {
        String ok = BloopTestApp.event("shape");
        HttpResponse<String> noType = BLOOP.post("/v1/ingest", ok, Map.of("X-Signature", Signatures.sign(BloopTestApp.SECRET, ok)));
        assertThat(noType.statusCode()).isEqualTo(400);
        assertThat(body(noType).get("field").asText()).isEqualTo("Content-Type");
        HttpResponse<String> textPlain = BLOOP.post("/v1/ingest", ok,
                Map.of("Content-Type", "text/plain", "X-Signature", Signatures.sign(BloopTestApp.SECRET, ok)));
        assertThat(textPlain.statusCode()).isEqualTo(400);
        assertThat(BLOOP.post("/v1/ingest", ok, Map.of("Content-Type", "application/json; charset=utf-8",
                "X-Signature", Signatures.sign(BloopTestApp.SECRET, ok))).statusCode()).isEqualTo(200);
        for (String bad : List.of("", "{", "[]", "null", "{\"timestamp\":1}{}", "{\"message\":\"a\",\"message\":\"b\"}")) {
            HttpResponse<String> r = BLOOP.ingest("/v1/ingest", bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(body(r).get("error").asText()).isNotBlank();
        }
    }

    @Test
    void overflowingNumbersAndInvalidUtf8AreRefusedNotStoredAsSomethingElse() throws Exception {
        long before = BLOOP.count("SELECT count(*) FROM raw_events");
        String ok = BloopTestApp.event("hostile body");
        for (String number : List.of("1e999999999", "-1e999999999", "1E400", "123456789e999")) {
            String single = ok.replace("}", ",\"metadata\":{\"n\":" + number + "}}");
            HttpResponse<String> r = BLOOP.ingest("/v1/ingest", single);
            assertThat(r.statusCode()).as(number + " " + r.body()).isEqualTo(400);
            assertThat(body(r).get("error").asText()).contains("out of range");
            HttpResponse<String> batch = BLOOP.ingest("/v1/ingest/batch", "{\"events\":[" + ok + "," + single + "]}");
            assertThat(batch.statusCode()).as(number + " in a batch " + batch.body()).isEqualTo(400);
        }
        // An overlong "/" (C0 AF), an overlong "." (E0 80 AE), an encoded surrogate, bytes that are never UTF-8,
        // and a sequence cut short by the closing quote.
        for (byte[] hostile : List.of(new byte[] {(byte) 0xc0, (byte) 0xaf}, new byte[] {(byte) 0xe0, (byte) 0x80, (byte) 0xae},
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80},
                new byte[] {(byte) 0xff}, new byte[] {(byte) 0xe2, (byte) 0x82})) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] event = ok.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int at = ok.indexOf("hostile");
            out.write(event, 0, at);
            out.write(hostile);
            out.write(event, at, event.length - at);
            byte[] raw = out.toByteArray();
            HttpResponse<String> r = BloopTestApp.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            BLOOP.url("/v1/ingest"))).header("Content-Type", JSON_TYPE)
                    .header("X-Signature", Signatures.sign(BloopTestApp.SECRET, raw))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(raw)).build());
            assertThat(r.statusCode()).as(java.util.HexFormat.of().formatHex(hostile) + " " + r.body()).isEqualTo(400);
            assertThat(body(r).get("error").asText()).contains("UTF-8");
        }
        HttpResponse<String> emoji = BLOOP.ingest("/v1/ingest", ok.replace("hostile body", "crash \uD83D\uDCA5 \u00e9t\u00e9"));
        assertThat(emoji.statusCode()).as("four-byte and two-byte characters are fine " + emoji.body()).isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM raw_events", before + 1);
        assertThat(BLOOP.count("SELECT count(*) FROM raw_events")).as("nothing of the refused bodies").isEqualTo(before + 1);
        assertThat(BLOOP.count("SELECT count(*) FROM raw_events WHERE metadata LIKE '%Infinity%' OR message LIKE '%hostile/%'"))
                .isZero();
    }

    @Test
    void malformedJsonAnswersNeverNameALibraryFeature() throws Exception {
        String ok = BloopTestApp.event("nan");
        for (String bad : List.of(ok.replace("}", ",\"metadata\":{\"x\":NaN}}"), ok.replace("}", ",\"metadata\":{\"x\":Infinity}}"),
                ok.replace("}", ",\"metadata\":{\"x\":'single'}}"), ok.replace("}", ",\"metadata\":{x:1}}"), "{\"a\":1,}")) {
            HttpResponse<String> r = BLOOP.ingest("/v1/ingest", bad);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(body(r).get("error").asText()).as(bad).startsWith("malformed JSON").doesNotContain("JsonReadFeature")
                    .doesNotContain("enable").doesNotContain("ALLOW_").doesNotContain("jackson").doesNotContain("code ");
        }
    }

    @Test
    void timestampsInSecondsAreConvertedToMilliseconds() {
        String event = BloopTestApp.event("seconds timestamp").replace("1700000000000", "1700000000");
        assertThat(BLOOP.ingest("/v1/ingest", event).statusCode()).isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE message = 'seconds timestamp' AND timestamp = 1700000000000", 1);
    }

    @Test
    void batchAcceptsValidEventsAndReportsInvalidOnesByIndex() throws Exception {
        List<String> events = new ArrayList<>();
        events.add(BloopTestApp.event("batch ok 0"));
        events.add(BloopTestApp.event("batch ok 1").replace("\"prod\"", "\"\""));
        events.add(BloopTestApp.event("batch ok 2"));
        events.add("42");
        events.add(BloopTestApp.event("batch ok 4").replace("}", ",\"bogus\":1}"));
        HttpResponse<String> r = BLOOP.ingest("/v1/ingest/batch", "{\"events\":[" + String.join(",", events) + "]}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = body(r);
        assertThat(body.get("accepted").asInt()).isEqualTo(2);
        assertThat(body.get("errors")).hasSize(3);
        assertThat(body.get("errors").get(0).get("index").asInt()).isEqualTo(1);
        assertThat(body.get("errors").get(0).get("field").asText()).isEqualTo("environment");
        assertThat(body.get("errors").get(1).get("index").asInt()).isEqualTo(3);
        assertThat(body.get("errors").get(2).get("index").asInt()).isEqualTo(4);
        assertThat(body.get("errors").get(2).get("field").asText()).isEqualTo("bogus");
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE message LIKE 'batch ok %'", 2);
        assertThat(BLOOP.count("SELECT count(*) FROM raw_events WHERE message LIKE 'batch ok %'")).isEqualTo(2);
    }

    @Test
    void batchOverFiftyIsRejectedWhole() throws Exception {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            events.add(BloopTestApp.event("too many " + i));
        }
        HttpResponse<String> r = BLOOP.ingest("/v1/ingest/batch", "{\"events\":[" + String.join(",", events) + "]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(body(r).get("field").asText()).isEqualTo("events");
        assertThat(BLOOP.ingest("/v1/ingest/batch", "{\"events\":{}}").statusCode()).isEqualTo(400);
        assertThat(BLOOP.ingest("/v1/ingest/batch", "{}").statusCode()).isEqualTo(400);
        HttpResponse<String> empty = BLOOP.ingest("/v1/ingest/batch", "{\"events\":[]}");
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(body(empty).get("accepted").asInt()).isZero();
        Thread.sleep(100);
        assertThat(BLOOP.count("SELECT count(*) FROM raw_events WHERE message LIKE 'too many %'")).isZero();
    }

    @Test
    void otherMethodsAre405AndPreflightIsAnswered() throws Exception {
        HttpResponse<String> get = BLOOP.get(BLOOP.url("/v1/ingest"));
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(body(get).get("error").asText()).contains("POST");
        var preflight = BloopTestApp.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(BLOOP.url("/v1/ingest/batch")))
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example.com").build());
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers")).hasValueSatisfying(
                h -> assertThat(h).contains("X-Signature").contains("X-Project-Key"));
    }

    @Test
    void errorsJettyAnswersItselfAreJsonToo() throws Exception {
        HttpResponse<String> ambiguous = BLOOP.get(BLOOP.url("/v1/errors//x"));
        assertThat(ambiguous.statusCode()).isEqualTo(400);
        assertThat(body(ambiguous).get("error").asText()).contains("ambiguous");
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", APP.getLocalPort())) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400").contains("application/json").contains("{\"error\":");
        }
        HttpResponse<String> unknown = BLOOP.get(BLOOP.url("/v1/nothing-here"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(body(unknown).get("error").asText()).startsWith("not found");
    }

    @Test
    void aRefusalBeforeTheBodyClosesTheConnectionOnlyWhenBodyBytesAreStillOnTheWay() throws Exception {
        String head = "POST /v1/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", APP.getLocalPort())) {
            socket.setSoTimeout(10_000);
            // A tenth of the body: the 401 must tell the client not to reuse this connection.
            socket.getOutputStream().write((head + "{\"x\":1234}").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = BloopTestApp.readResponseHead(socket.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 401").containsIgnoringCase("Connection: close");
        }
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", APP.getLocalPort())) {
            socket.setSoTimeout(10_000);
            String whole = head + "{" + " ".repeat(98) + "}";
            socket.getOutputStream().write(whole.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String first = BloopTestApp.readResponseHead(socket.getInputStream());
            assertThat(first).startsWith("HTTP/1.1 401").doesNotContainIgnoringCase("Connection: close");
            // The body that had arrived was dropped, so the next request on the same connection is understood.
            socket.getOutputStream().write(whole.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(BloopTestApp.readResponseHead(socket.getInputStream())).startsWith("HTTP/1.1 401");
        }
    }

    @Test
    void healthReportsDatabaseQueueAndTheDefaultSecretWarning() throws Exception {
        HttpResponse<String> r = BLOOP.get(BLOOP.url("/health"));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode h = body(r);
        assertThat(h.get("status").asText()).isEqualTo("ok");
        assertThat(h.get("db_ok").asBoolean()).isTrue();
        assertThat(h.get("queue_usage").asDouble()).isBetween(0.0, 1.0);
        assertThat(h.get("writer_running").asBoolean()).isTrue();
        // The test secret is not the quick-start one, so no warning here.
        assertThat(h.has("warnings")).isFalse();
    }

    @Test
    void adminPortServesHealthChecksMetricsAndPrometheusText() {
        BLOOP.ingest("/v1/ingest", BloopTestApp.event("metrics"));
        post("/v1/ingest", BloopTestApp.event("bad sig"), "00");
        HttpResponse<String> checks = BLOOP.get(BLOOP.adminUrl("/healthcheck"));
        assertThat(checks.statusCode()).isEqualTo(200);
        assertThat(checks.body()).contains("\"database\"").contains("\"pipeline\"");
        HttpResponse<String> metrics = BLOOP.get(BLOOP.adminUrl("/metrics"));
        assertThat(metrics.body()).contains("pipeline.queue.depth").contains("pipeline.flush.latency")
                .contains("ingest.events.accepted").contains("ingest.rejected.bad_signature");
        HttpResponse<String> prom = BLOOP.get(BLOOP.adminUrl("/prometheus"));
        assertThat(prom.statusCode()).isEqualTo(200);
        assertThat(prom.body()).contains("ingest_events_accepted_total").contains("pipeline_queue_depth")
                .containsPattern("ingest_rejected_bad_signature_total [1-9]");
    }
}
