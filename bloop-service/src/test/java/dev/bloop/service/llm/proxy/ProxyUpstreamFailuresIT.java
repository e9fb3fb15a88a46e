package dev.bloop.service.llm.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A provider that never answers in time (504) and one that cannot be reached (502): the caller gets a
 * JSON error saying which, with the trace id, and the call is recorded as an error span.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ProxyUpstreamFailuresIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StandInProvider PROVIDER = LlmProxyIT.standIn();
    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of(
            "BLOOP__LLM_TRACING__ENABLED", "true",
            "BLOOP__LLM_TRACING__FLUSH_BATCH_SIZE", "1",
            "BLOOP__LLM_TRACING__PROXY__RESPONSE_TIMEOUT_SECS", "1",
            "BLOOP__LLM_TRACING__PROXY__OPENAI_BASE_URL", PROVIDER.baseUrl(),
            "BLOOP__LLM_TRACING__PROXY__ANTHROPIC_BASE_URL", "http://127.0.0.1:" + closedPort()));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final AtomicInteger PROJECTS = new AtomicInteger();

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String token() {
        int n = PROJECTS.incrementAndGet();
        BLOOP.addProject("p-upstream-" + n, "upstream-" + n, "bloop_pk_upstream_" + n, "bloop_sk_upstream_secret_" + n);
        return BLOOP.token("upstream", "p-upstream-" + n, Scope.LLM_READ, Scope.LLM_WRITE);
    }

    private static HttpResponse<String> post(String path, String token, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BLOOP.url("/v1/proxy/" + path)))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[]}"))
                .header("Content-Type", "application/json").header("X-Bloop-Token", token);
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode errorSpan(String token, HttpResponse<String> r) {
        String id = r.headers().firstValue("X-Bloop-Trace-Id").orElseThrow();
        return LlmProxyIT.trace(BLOOP, token, id, t -> t.get("spans").size() > 0).get("spans").get(0);
    }

    @Test
    void aProviderSlowerThanTheResponseTimeoutIsA504AndAnErrorSpan() throws Exception {
        String token = token();
        long start = System.nanoTime();
        HttpResponse<String> r = post("openai/chat/completions", token,
                Map.of("Authorization", "Bearer sk-test", "X-Stand-In", "think-4000ms"));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(tookMs).isLessThan(3_500);
        assertThat(JSON.readTree(r.body()).get("error").asText()).contains("response_timeout_secs");
        JsonNode span = errorSpan(token, r);
        assertThat(span.get("status").asText()).isEqualTo("error");
        assertThat(span.get("error_message").asText()).contains("response_timeout_secs");
    }

    @Test
    void aProviderThatCannotBeReachedIsA502NamingTheConnection() throws Exception {
        String token = token();
        HttpResponse<String> r = post("anthropic/v1/messages", token, Map.of("x-api-key", "sk-ant-test"));
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(r.body()).get("error").asText()).startsWith("cannot connect to the provider");
        assertThat(errorSpan(token, r).get("status").asText()).isEqualTo("error");
    }
}
