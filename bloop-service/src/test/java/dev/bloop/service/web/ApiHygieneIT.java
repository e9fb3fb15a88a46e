package dev.bloop.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Small things the HTTP layer must get right for every client: a release named with a slash is
 * reachable with the slash encoded (and only there is an encoded slash accepted), and every answer
 * tells browsers not to sniff its type.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ApiHygieneIT {
    private static final BloopTestApp BLOOP = new BloopTestApp();
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String token;
    private static String fingerprint;

    @BeforeAll
    static void seed() throws Exception {
        token = BLOOP.token("reader", "default", Scope.ERRORS_READ);
        String event = BloopTestApp.event("crash on launch").replace("\"1.0.0\"", "\"ios/2.3.1\"");
        HttpResponse<String> r = BLOOP.ingest("/v1/ingest", event);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        fingerprint = JSON.readTree(r.body()).get("fingerprint").asText();
        BLOOP.awaitCount("SELECT count(*) FROM error_groups", 1);
    }

    private static HttpResponse<String> get(String path, boolean withToken) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BLOOP.url(path)));
        if (withToken) {
            b.header("Authorization", "Bearer " + token);
        }
        return BloopTestApp.send(b.GET().build());
    }

    @Test
    void anErrorAnsweredBeforeTheBodyIsReadTellsTheClientTheConnectionCloses() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", APP.getLocalPort())) {
            socket.setSoTimeout(10_000);
            // No token, and only part of the body: the 401 comes before the body, and the connection will close.
            socket.getOutputStream().write(("POST /v1/alerts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"name\":").getBytes(StandardCharsets.US_ASCII));
            String head = BloopTestApp.readResponseHead(socket.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 401").containsIgnoringCase("Connection: close");
        }
        try (Socket socket = new Socket("127.0.0.1", APP.getLocalPort())) {
            socket.setSoTimeout(10_000);
            // Without a body nothing is left unread: the connection stays open for the next request.
            socket.getOutputStream().write("GET /v1/alerts HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(BloopTestApp.readResponseHead(socket.getInputStream())).startsWith("HTTP/1.1 401")
                    .doesNotContainIgnoringCase("Connection: close");
        }
    }

    @Test
    void aReleaseNamedWithASlashIsReachableWithTheSlashEncoded() throws Exception {
        HttpResponse<String> r = get("/v1/releases/ios%2F2.3.1/errors", true);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode groups = JSON.readTree(r.body());
        assertThat(groups).hasSize(1);
        assertThat(groups.get(0).get("fingerprint").asText()).isEqualTo(fingerprint);
        assertThat(get("/v1/releases/ios%2f2.3.1/errors", true).statusCode()).as("lower-case hex too").isEqualTo(200);
        assertThat(get("/v1/releases", true).body()).contains("\"ios/2.3.1\"");
        assertThat(JSON.readTree(get("/v1/errors?release=ios%2F2.3.1", true).body())).hasSize(1);
        assertThat(JSON.readTree(get("/v1/releases/ios%2F9.9.9/errors", true).body())).isEmpty();

        HttpResponse<String> page = get("/releases/ios%2F2.3.1", false);
        assertThat(page.statusCode()).as("the dashboard's release page").isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    }

    @Test
    void anEncodedSlashAnywhereElseIsStillRefused() throws Exception {
        List<String> accepted = new ArrayList<>();
        for (String path : List.of("/v1/errors/" + fingerprint.substring(0, 8) + "%2F" + fingerprint.substring(8),
                "/v1/errors%2F" + fingerprint, "/ui/js%2F..%2F..%2Fdashboard/index.html", "/ui/..%2F..%2Fconfig.yml",
                "/webjars/preact%2F10.25.4%2Fdist%2Fpreact.module.js", "/v1/releases/ios%2F2.3.1/errors%2Fx",
                "/v1/releases/ios%2F2.3.1%2Ferrors", "/releases/ios%2F2.3.1/x", "/issues/ab%2Fcd", "/v1/ingest%2Fbatch")) {
            HttpResponse<String> r = get(path, true);
            if (r.statusCode() != 400 || !r.body().toLowerCase(java.util.Locale.ROOT).contains("ambiguous uri path separator")) {
                accepted.add(path + " -> " + r.statusCode() + " " + r.body());
            }
        }
        assertThat(accepted).isEmpty();
        assertThat(get("/v1/errors//x", true).statusCode()).as("empty segments stay refused").isEqualTo(400);
    }

    @Test
    void everyAnswerTellsBrowsersNotToSniffItsType() throws Exception {
        List<String> missing = new ArrayList<>();
        Map<String, HttpResponse<String>> answers = new java.util.LinkedHashMap<>();
        answers.put("health", get("/health", false));
        answers.put("query 200", get("/v1/errors", true));
        answers.put("query 401", get("/v1/errors", false));
        answers.put("unknown route", get("/v1/nope", true));
        answers.put("refused encoded slash", get("/v1/errors/a%2Fb", true));
        answers.put("dashboard", get("/", false));
        answers.put("asset", get("/ui/js/app.js", false));
        answers.put("ingest 200", BLOOP.ingest("/v1/ingest", BloopTestApp.event("sniff")));
        answers.put("ingest 401", BLOOP.post("/v1/ingest", "{}", Map.of("Content-Type", "application/json")));
        answers.put("wrong method", BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url("/v1/errors")))
                .header("Authorization", "Bearer " + token).DELETE().build()));
        answers.forEach((what, r) -> {
            if (!"nosniff".equals(r.headers().firstValue("X-Content-Type-Options").orElse(null))) {
                missing.add(what + " (" + r.statusCode() + ")");
            }
            if (r.headers().allValues("X-Content-Type-Options").size() != 1) {
                missing.add(what + " has it " + r.headers().allValues("X-Content-Type-Options").size() + " times");
            }
        });
        try (Socket socket = new Socket("127.0.0.1", APP.getLocalPort())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!answer.startsWith("HTTP/1.1 400") || !answer.toLowerCase(java.util.Locale.ROOT)
                    .contains("x-content-type-options: nosniff")) {
                missing.add("a request Jetty refuses itself: " + answer);
            }
        }
        assertThat(missing).isEmpty();
    }
}
