package dev.bloop.service.llm.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.bloop.api.Signatures;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * OTLP/HTTP import at the wire: JSON by the OTLP rules (hex ids, int64 as strings), protobuf answered in
 * protobuf, partialSuccess for spans over the per-trace cap, the content policy, the three ways to
 * authenticate, and bad input answered 4xx with the reason (never 5xx).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class OtlpImportIT {
    private static final int CAP = 65_536;
    private static final BloopTestApp BLOOP = Exchanges.app(Map.of("BLOOP__LLM_TRACING__OTLP_MAX_BODY_BYTES",
            Integer.toString(CAP), "BLOOP__LLM_TRACING__MAX_SPANS_PER_TRACE", "5"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final String PATH = "/v1/otlp/v1/traces";

    private static String jsonRequest(String traceId) {
        return """
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"app"}}]},
                 "scopeSpans":[{"scope":{"name":"openinference.instrumentation.openai","version":"0.1"},
                  "spans":[{"traceId":"%s","spanId":"EEE19B7EC3C1B174",
                   "parentSpanId":"","name":"chat gpt-4o-mini","kind":3,
                   "startTimeUnixNano":"1718000000000000000","endTimeUnixNano":"1718000001200000000",
                   "attributes":[{"key":"gen_ai.usage.input_tokens","value":{"intValue":"120"}},
                                 {"key":"gen_ai.usage.output_tokens","value":{"intValue":30}},
                                 {"key":"gen_ai.system","value":{"stringValue":"openai"}},
                                 {"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o-mini"}},
                                 {"key":"gen_ai.conversation.id","value":{"stringValue":"conv-1"}},
                                 {"key":"gen_ai.prompt.name","value":{"stringValue":"greeter"}},
                                 {"key":"gen_ai.input.messages","value":{"stringValue":"[{\\"role\\":\\"user\\",\\"parts\\":[{\\"type\\":\\"text\\",\\"content\\":\\"hi\\"}]}]"}},
                                 {"key":"gen_ai.request.temperature","value":{"doubleValue":0.2}},
                                 {"key":"gen_ai.response.finish_reasons","value":{"arrayValue":{"values":[{"stringValue":"stop"}]}}}],
                   "events":[{"timeUnixNano":"1718000000500000000","name":"gen_ai.choice","attributes":[]}],
                   "status":{"code":0}}]}]}]}
                """.formatted(traceId);
    }

    private static Map<String, String> bearer(Exchanges.Project p, String type) {
        return Map.of("Content-Type", type, "Authorization", "Bearer " + p.token());
    }

    private static HttpResponse<byte[]> postJson(Exchanges.Project p, String body) {
        return Exchanges.post(BLOOP, PATH, body.getBytes(StandardCharsets.UTF_8), bearer(p, "application/json"));
    }

    private static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static void setContentStorage(Exchanges.Project p, String storage) {
        HttpResponse<String> r = BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url("/v1/llm/settings")))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + p.token())
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"content_storage\":\"" + storage + "\"}")).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void otlpJsonWithHexIdsAndStringIntegersBecomesATraceAnsweredInJson() {
        Exchanges.Project p = Exchanges.project(BLOOP, "json");
        HttpResponse<byte[]> r = postJson(p, jsonRequest("5B8EFFF798038103D269B633813FC60C"));
        assertThat(r.statusCode()).as(body(r)).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(Exchanges.json(r.body()).size()).as("an ExportTraceServiceResponse without partialSuccess")
                .isZero();
        JsonNode trace = Exchanges.await(BLOOP, "/v1/llm/traces/5b8efff798038103d269b633813fc60c", p.token(),
                t -> t.get("spans").size() == 1);
        assertThat(trace.get("session_id").asText()).isEqualTo("conv-1");
        assertThat(trace.get("prompt_name").asText()).isEqualTo("greeter");
        assertThat(trace.get("name").asText()).isEqualTo("chat gpt-4o-mini");
        JsonNode span = trace.get("spans").get(0);
        assertThat(span.get("id").asText()).isEqualTo("eee19b7ec3c1b174");
        assertThat(span.get("span_type").asText()).isEqualTo("generation");
        assertThat(span.get("provider").asText()).as("from the older gen_ai.system").isEqualTo("openai");
        assertThat(span.get("input_tokens").asLong()).isEqualTo(120);
        assertThat(span.get("output_tokens").asLong()).isEqualTo(30);
        assertThat(span.get("latency_ms").asLong()).isEqualTo(1200);
        // 120 × $0.15/M + 30 × $0.60/M = $0.000036
        assertThat(span.get("cost").decimalValue()).isEqualByComparingTo("0.000036");
        // The default content storage (none) keeps neither the prompt nor metadata.
        assertThat(span.get("input").isNull()).isTrue();
    }

    /** One span of an agent trace as its own OTLP JSON request, the way a simple span processor sends it. */
    private static String partRequest(String traceId, String part) {
        String span = switch (part) {
            case "agent" -> """
                    {"traceId":"%s","spanId":"a000000000000001","parentSpanId":"","name":"invoke_agent shopper",
                     "startTimeUnixNano":"1718000000000000000","endTimeUnixNano":"1718000001500000000",
                     "attributes":[{"key":"session.id","value":{"stringValue":"session-7"}},
                                   {"key":"user.id","value":{"stringValue":"user-3"}}],"status":{"code":2}}""";
            case "chat" -> """
                    {"traceId":"%s","spanId":"c000000000000002","parentSpanId":"a000000000000001",
                     "name":"chat gpt-4o-mini","startTimeUnixNano":"1718000000010000000",
                     "endTimeUnixNano":"1718000001210000000",
                     "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
                                   {"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o-mini"}},
                                   {"key":"gen_ai.usage.input_tokens","value":{"intValue":"100"}},
                                   {"key":"gen_ai.usage.output_tokens","value":{"intValue":"20"}}]}""";
            default -> """
                    {"traceId":"%s","spanId":"d000000000000003","parentSpanId":"a000000000000001",
                     "name":"execute_tool lookup","startTimeUnixNano":"1718000001300000000",
                     "endTimeUnixNano":"1718000001400000000",
                     "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"execute_tool"}}]}""";
        };
        return "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + span.formatted(traceId) + "]}]}]}";
    }

    @Test
    void aTraceSentOneSpanPerRequestIsWholeWhateverTheOrderTheRequestsLandIn() {
        Exchanges.Project p = Exchanges.project(BLOOP, "parts");
        java.util.List<java.util.List<String>> orders = java.util.List.of(
                java.util.List.of("agent", "chat", "tool"), java.util.List.of("agent", "tool", "chat"),
                java.util.List.of("chat", "agent", "tool"), java.util.List.of("chat", "tool", "agent"),
                java.util.List.of("tool", "agent", "chat"), java.util.List.of("tool", "chat", "agent"));
        int n = 0;
        for (boolean committedBetween : new boolean[] {false, true}) {
            for (java.util.List<String> order : orders) {
                String traceId = "%032x".formatted(++n);
                int sent = 0;
                for (String part : order) {
                    HttpResponse<byte[]> r = postJson(p, partRequest(traceId, part));
                    assertThat(r.statusCode()).as(body(r)).isEqualTo(200);
                    assertThat(Exchanges.json(r.body()).size()).as(order + ": " + body(r)).isZero();
                    int expected = ++sent;
                    if (committedBetween) {
                        Exchanges.await(BLOOP, "/v1/llm/traces/" + traceId, p.token(),
                                t -> t.get("span_count").asInt() >= expected);
                    }
                }
                JsonNode trace = Exchanges.await(BLOOP, "/v1/llm/traces/" + traceId, p.token(),
                        t -> t.get("span_count").asInt() == 3
                                && Exchanges.span(t.get("spans"), "invoke_agent shopper") != null);
                String as = order + (committedBetween ? ", each part committed before the next" : ", queued together");
                assertThat(trace.get("spans")).as(as).hasSize(1);
                assertThat(trace.get("spans").get(0).get("children")).as(as).hasSize(2);
                assertThat(trace.get("name").asText()).as(as).isEqualTo("invoke_agent shopper");
                assertThat(trace.get("status").asText()).as(as).isEqualTo("error");
                assertThat(trace.get("started_at").asLong()).as(as).isEqualTo(1_718_000_000_000L);
                assertThat(trace.get("ended_at").asLong()).as(as).isEqualTo(1_718_000_001_500L);
                assertThat(trace.get("session_id").asText()).as(as).isEqualTo("session-7");
                assertThat(trace.get("user_id").asText()).as(as).isEqualTo("user-3");
                assertThat(trace.get("input_tokens").asLong()).as(as).isEqualTo(100);
                assertThat(trace.get("output_tokens").asLong()).as(as).isEqualTo(20);
            }
        }
    }

    @Test
    void promptsAreKeptOnlyWhenTheProjectKeepsContent() {
        Exchanges.Project p = Exchanges.project(BLOOP, "content");
        setContentStorage(p, "full");
        assertThat(postJson(p, jsonRequest("00000000000000000000000000000abc")).statusCode()).isEqualTo(200);
        JsonNode trace = Exchanges.await(BLOOP, "/v1/llm/traces/00000000000000000000000000000abc", p.token(),
                t -> t.get("spans").size() == 1);
        JsonNode span = trace.get("spans").get(0);
        assertThat(span.get("input").get(0).get("role").asText()).isEqualTo("user");
        assertThat(span.get("metadata").get("gen_ai.request.temperature").asDouble()).isEqualTo(0.2);
        assertThat(span.get("metadata").get("service.name").asText()).isEqualTo("app");
        setContentStorage(p, "metadata_only");
        assertThat(postJson(p, jsonRequest("00000000000000000000000000000abd")).statusCode()).isEqualTo(200);
        JsonNode second = Exchanges.await(BLOOP, "/v1/llm/traces/00000000000000000000000000000abd", p.token(),
                t -> t.get("spans").size() == 1).get("spans").get(0);
        assertThat(second.get("input").isNull()).isTrue();
        assertThat(second.get("metadata").get("gen_ai.request.temperature").asDouble()).isEqualTo(0.2);
    }

    private static Span span(String traceHex, String spanHex, String parentHex, String name, long startMs) {
        Span.Builder s = Span.newBuilder().setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(traceHex)))
                .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(spanHex))).setName(name)
                .setStartTimeUnixNano(startMs * 1_000_000L).setEndTimeUnixNano((startMs + 5) * 1_000_000L)
                .addAttributes(KeyValue.newBuilder().setKey("gen_ai.operation.name")
                        .setValue(AnyValue.newBuilder().setStringValue("chat")))
                .addAttributes(KeyValue.newBuilder().setKey("gen_ai.request.model")
                        .setValue(AnyValue.newBuilder().setStringValue("gpt-4o")));
        if (parentHex != null) {
            s.setParentSpanId(ByteString.copyFrom(HexFormat.of().parseHex(parentHex)));
        }
        return s.build();
    }

    @Test
    void protobufIsAnsweredInProtobufAndSpansOverThePerTraceCapAreReportedAsRejected() throws Exception {
        Exchanges.Project p = Exchanges.project(BLOOP, "proto");
        String trace = "11111111111111111111111111111111";
        ScopeSpans.Builder scope = ScopeSpans.newBuilder();
        long t0 = 1_760_000_000_000L;
        scope.addSpans(span(trace, "1000000000000000", null, "root", t0));
        for (int i = 1; i <= 6; i++) {
            scope.addSpans(span(trace, "100000000000000" + i, "1000000000000000", "child " + i, t0 + i));
        }
        byte[] request = ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(scope)).build().toByteArray();
        HttpResponse<byte[]> r = Exchanges.post(BLOOP, PATH, request, bearer(p, "application/x-protobuf"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-protobuf");
        ExportTraceServiceResponse response = ExportTraceServiceResponse.parseFrom(r.body());
        assertThat(response.getPartialSuccess().getRejectedSpans()).isEqualTo(2);
        assertThat(response.getPartialSuccess().getErrorMessage()).contains("at most 5 per trace");
        JsonNode stored = Exchanges.await(BLOOP, "/v1/llm/traces/" + trace, p.token(),
                t -> t.get("span_count").asInt() == 5);
        assertThat(stored.get("spans").get(0).get("children")).hasSize(4);
    }

    @Test
    void gzipBodiesAreInflatedAndTheCapAppliesAfterInflating() throws Exception {
        Exchanges.Project p = Exchanges.project(BLOOP, "gzip");
        Map<String, String> headers = new HashMap<>(bearer(p, "application/json"));
        headers.put("Content-Encoding", "gzip");
        HttpResponse<byte[]> ok = Exchanges.post(BLOOP, PATH, gzip(jsonRequest("22222222222222222222222222222222")
                .getBytes(StandardCharsets.UTF_8)), headers);
        assertThat(ok.statusCode()).as(body(ok)).isEqualTo(200);
        Exchanges.await(BLOOP, "/v1/llm/traces/22222222222222222222222222222222", p.token(),
                t -> t.get("spans").size() == 1);
        // 1 MiB of spaces inflates past the 64 KiB cap from a body of about 1 KiB.
        byte[] bomb = gzip(("{" + " ".repeat(1 << 20) + "}").getBytes(StandardCharsets.UTF_8));
        assertThat(bomb.length).isLessThan(CAP);
        HttpResponse<byte[]> big = Exchanges.post(BLOOP, PATH, bomb, headers);
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(body(big)).contains("otlp_max_body_bytes");
        HttpResponse<byte[]> notGzip = Exchanges.post(BLOOP, PATH, "{}".getBytes(StandardCharsets.UTF_8), headers);
        assertThat(notGzip.statusCode()).as("a body that is not gzip").isEqualTo(400);
    }

    @Test
    void aBodyOverTheCapIs413() {
        Exchanges.Project p = Exchanges.project(BLOOP, "big");
        byte[] big = ("{\"resourceSpans\":[],\"pad\":\"" + "x".repeat(CAP) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> r = Exchanges.post(BLOOP, PATH, big, bearer(p, "application/json"));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(body(r)).contains(Integer.toString(CAP));
    }

    @Test
    void malformedBodiesAre400WithTheReasonNever5xx() {
        Exchanges.Project p = Exchanges.project(BLOOP, "bad");
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"resourceSpans\":", "not valid JSON");
        cases.put("[1,2]", "must be a JSON object");
        cases.put("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz\",\"spanId\":\"0102030405060708\"}]}]}]}",
                "resourceSpans[0].scopeSpans[0].spans[0].traceId must be 32 hex characters");
        cases.put("{\"resourceSpans\":{}}", "resourceSpans must be an array");
        cases.put("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5b8efff798038103d269b633813fc60c\","
                + "\"spanId\":\"0102030405060708\",\"startTimeUnixNano\":\"soon\"}]}]}]}", "startTimeUnixNano must be a whole number");
        cases.put("{\"resourceLogs\":[]}", "OTLP logs");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<byte[]> r = postJson(p, c.getKey());
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
            assertThat(Exchanges.json(r.body()).get("error").asText()).as(c.getKey()).contains(c.getValue());
        }
        HttpResponse<byte[]> garbage = Exchanges.post(BLOOP, PATH, new byte[] {(byte) 0xff, 0x13, 0x07, 0x00},
                bearer(p, "application/x-protobuf"));
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(body(garbage)).contains("not a protobuf ExportTraceServiceRequest");
        HttpResponse<byte[]> text = Exchanges.post(BLOOP, PATH, "hello".getBytes(StandardCharsets.UTF_8),
                bearer(p, "text/plain"));
        assertThat(text.statusCode()).isEqualTo(415);
        // An empty request is a success, as the OTLP spec says.
        assertThat(Exchanges.post(BLOOP, PATH, new byte[0], bearer(p, "application/x-protobuf")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void bearerTokensNeedLlmWriteAndGoToTheTokensProject() {
        Exchanges.Project p = Exchanges.project(BLOOP, "auth");
        byte[] body = jsonRequest("33333333333333333333333333333333").getBytes(StandardCharsets.UTF_8);
        assertThat(Exchanges.post(BLOOP, PATH, body, Map.of("Content-Type", "application/json")).statusCode())
                .isEqualTo(401);
        assertThat(Exchanges.post(BLOOP, PATH, body, Map.of("Content-Type", "application/json",
                "Authorization", "Bearer bloop_tk_nope")).statusCode()).isEqualTo(401);
        String readOnly = BLOOP.token("ro", p.id(), Scope.LLM_READ);
        HttpResponse<byte[]> forbidden = Exchanges.post(BLOOP, PATH, body, Map.of("Content-Type", "application/json",
                "Authorization", "Bearer " + readOnly));
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(body(forbidden)).contains("llm:write");
        // The token's project, whatever else the request says.
        Exchanges.Project other = Exchanges.project(BLOOP, "auth-other");
        HttpResponse<byte[]> ok = Exchanges.post(BLOOP, "/v1/llm/export/otlp", body, Map.of(
                "Content-Type", "application/json", "Authorization", "Bearer " + p.token(),
                "X-Project-Key", other.key()));
        assertThat(ok.statusCode()).isEqualTo(200);
        Exchanges.await(BLOOP, "/v1/llm/traces/33333333333333333333333333333333", p.token(),
                t -> t.get("spans").size() == 1);
        assertThat(Exchanges.get(BLOOP, "/v1/llm/traces/33333333333333333333333333333333", other.token())
                .statusCode()).isEqualTo(404);
    }

    @Test
    void theProjectKeyWithItsSecretOrASignatureAlsoAuthenticates() {
        Exchanges.Project p = Exchanges.project(BLOOP, "keyed");
        byte[] body = jsonRequest("44444444444444444444444444444444").getBytes(StandardCharsets.UTF_8);
        assertThat(Exchanges.post(BLOOP, PATH, body, Map.of("Content-Type", "application/json",
                "X-Project-Key", p.key())).statusCode()).as("the public key alone").isEqualTo(401);
        assertThat(Exchanges.post(BLOOP, PATH, body, Map.of("Content-Type", "application/json",
                "X-Project-Key", p.key(), "X-Project-Secret", "wrong")).statusCode()).isEqualTo(401);
        assertThat(Exchanges.post(BLOOP, PATH, body, Map.of("Content-Type", "application/json",
                "X-Project-Key", p.key(), "X-Project-Secret", p.secret())).statusCode()).isEqualTo(200);
        Exchanges.await(BLOOP, "/v1/llm/traces/44444444444444444444444444444444", p.token(),
                t -> t.get("spans").size() == 1);

        byte[] signed = jsonRequest("55555555555555555555555555555555").getBytes(StandardCharsets.UTF_8);
        String signature = Signatures.sign(p.secret(), new String(signed, StandardCharsets.UTF_8));
        assertThat(Exchanges.post(BLOOP, PATH, signed, Map.of("Content-Type", "application/json",
                "X-Project-Key", p.key(), "X-Signature", "00" + signature.substring(2))).statusCode()).isEqualTo(401);
        HttpResponse<byte[]> ok = Exchanges.post(BLOOP, PATH, signed, Map.of("Content-Type", "application/json",
                "X-Project-Key", p.key(), "X-Signature", signature));
        assertThat(ok.statusCode()).as(body(ok)).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        Exchanges.await(BLOOP, "/v1/llm/traces/55555555555555555555555555555555", p.token(),
                t -> t.get("spans").size() == 1);
    }

    private static byte[] gzip(byte[] raw) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }
}
