package dev.bloop.service.sentry;

import static dev.bloop.service.auth.WebSession.json;
import static dev.bloop.service.sentry.SentryWire.auth;
import static dev.bloop.service.sentry.SentryWire.deflate;
import static dev.bloop.service.sentry.SentryWire.envelope;
import static dev.bloop.service.sentry.SentryWire.eventEnvelope;
import static dev.bloop.service.sentry.SentryWire.eventId;
import static dev.bloop.service.sentry.SentryWire.gzip;
import static dev.bloop.service.sentry.SentryWire.nodeError;
import static dev.bloop.service.sentry.SentryWire.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.auth.Ceremonies;
import dev.bloop.service.auth.WebSession;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Any Sentry SDK sends to bloop by its DSN: envelopes and legacy store events, authenticated by the
 * DSN's key in any of the three places, compressed or not, within size caps; events become bloop
 * issues through the same validation, grouping, quota and queue; sessions feed release health,
 * client reports the ledger; other items are skipped and rate-limited by category.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SentryIngestIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of("BLOOP__SENTRY__ENABLED", "true",
            "BLOOP__SENTRY__MAX_ENVELOPE_SIZE", "256KiB", "BLOOP__SENTRY__MAX_DECOMPRESSED_SIZE", "2MiB"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static WebSession admin;
    private static String key;
    private static String number;
    private static String envelopePath;

    @BeforeAll
    static void signIn() {
        admin = Ceremonies.registerFirstAdmin(BLOOP, "ann", Ceremonies.passkey(BLOOP));
        JsonNode project = json(admin.get("/v1/projects/default"));
        String dsn = project.get("dsn").asText();
        URI u = URI.create(dsn);
        key = u.getUserInfo();
        number = u.getPath().substring(1);
        envelopePath = "/api/" + number + "/envelope/";
    }

    private static HttpResponse<String> send(String body, String... headers) {
        return SentryWire.post(BLOOP, envelopePath, utf8(body), headers);
    }

    private static HttpResponse<String> sendAuthed(String body) {
        return send(body, "X-Sentry-Auth", auth(key), "Content-Type", "application/x-sentry-envelope");
    }

    private static JsonNode row(String sql) throws Exception {
        try (var c = BLOOP.connection();
             var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            var node = JSON.createObjectNode();
            if (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    node.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
                }
            }
            return node;
        }
    }

    @Test
    void theProjectShowsItsDsnWithANumericProjectIdAndAHexKey() throws Exception {
        JsonNode project = json(admin.get("/v1/projects/default"));
        assertThat(project.get("dsn").asText())
                .isEqualTo("http://" + key + "@127.0.0.1:" + APP.getLocalPort() + "/" + project.get("numeric_id").asLong());
        assertThat(key).matches("[0-9a-f]{32}");
        assertThat(number).matches("[0-9]+");

        HttpResponse<String> created = admin.post("/v1/projects", "{\"name\":\"Web\",\"slug\":\"web-dsn\"}");
        JsonNode web = json(created);
        assertThat(web.get("numeric_id").asLong()).isGreaterThan(Long.parseLong(number));
        assertThat(web.get("dsn").asText()).doesNotContain(key);
    }

    @Test
    void rotatingTheDsnRefusesTheOldKeyAtOnceAndLeavesTheIngestKeyAlone() {
        JsonNode p = json(admin.post("/v1/projects", "{\"name\":\"Rotating\",\"slug\":\"rotating\"}"));
        URI before = URI.create(p.get("dsn").asText());
        String path = "/api" + before.getPath() + "/envelope/";
        String body = eventEnvelope(eventId(), "{\"message\":\"before rotation\"}");
        assertThat(SentryWire.post(BLOOP, path, utf8(body), "X-Sentry-Auth", auth(before.getUserInfo())).statusCode())
                .isEqualTo(200);
        HttpResponse<String> rotated = admin.post("/v1/projects/rotating/rotate-dsn", null);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        URI after = URI.create(json(rotated).get("dsn").asText());
        assertThat(after.getUserInfo()).isNotEqualTo(before.getUserInfo()).matches("[0-9a-f]{32}");
        assertThat(after.getPath()).as("the project number stays").isEqualTo(before.getPath());
        assertThat(json(rotated).get("ingest_key").asText()).isEqualTo(p.get("ingest_key").asText());
        assertThat(SentryWire.post(BLOOP, path, utf8(body), "X-Sentry-Auth", auth(before.getUserInfo())).statusCode())
                .isEqualTo(401);
        assertThat(SentryWire.post(BLOOP, path, utf8(eventEnvelope(eventId(), "{\"message\":\"after rotation\"}")),
                "X-Sentry-Auth", auth(after.getUserInfo())).statusCode()).isEqualTo(200);
    }

    @Test
    void anEnvelopeEventBecomesAnIssueWithEverythingSentryMeansByIt() throws Exception {
        String id = eventId();
        String event = "{\"event_id\":\"ignored-in-favour-of-the-envelope\",\"platform\":\"python\",\"level\":\"warning\","
                + "\"logger\":\"app.views\",\"timestamp\":\"2026-11-30T13:29:08.532293Z\",\"release\":\"shop@2.1.0\","
                + "\"environment\":\"staging\",\"transaction\":\"/orders/{id}\",\"server_name\":\"web-1\","
                + "\"user\":{\"id\":\"u-42\",\"email\":\"ann@example.com\"},\"tags\":{\"region\":\"eu\"},"
                + "\"contexts\":{\"runtime\":{\"name\":\"CPython\",\"version\":\"3.11.2\"},"
                + "\"app\":{\"app_version\":\"2.1\",\"app_build\":\"77\"},\"response\":{\"status_code\":502}},"
                + "\"request\":{\"method\":\"POST\",\"url\":\"https://shop.example.com/orders/9?token=secret\"},"
                + "\"exception\":{\"values\":["
                + "{\"type\":\"ConnectionError\",\"value\":\"db down\",\"stacktrace\":{\"frames\":["
                + "{\"filename\":\"app/db.py\",\"abs_path\":\"/srv/shop/app/db.py\",\"function\":\"connect\","
                + "\"lineno\":10,\"in_app\":true}]}},"
                + "{\"type\":\"OrderFailed\",\"value\":\"order 9 failed\",\"mechanism\":{\"type\":\"django\",\"handled\":false},"
                + "\"stacktrace\":{\"frames\":["
                + "{\"filename\":\"django/core/handlers/base.py\",\"abs_path\":\"/usr/lib/python3/dist-packages/django/core/handlers/base.py\","
                + "\"function\":\"get_response\",\"lineno\":181,\"in_app\":false},"
                + "{\"filename\":\"app/views.py\",\"abs_path\":\"/srv/shop/app/views.py\",\"function\":\"place_order\","
                + "\"lineno\":33,\"context_line\":\"    raise OrderFailed(order)\",\"in_app\":true}]}}]}}";
        HttpResponse<String> r = sendAuthed(eventEnvelope(id, event));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).get("id").asText()).isEqualTo(id);

        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE message = 'order 9 failed'", 1);
        JsonNode e = row("SELECT * FROM raw_events WHERE message = 'order 9 failed'");
        assertThat(e.get("error_type").asText()).isEqualTo("OrderFailed");
        assertThat(e.get("release").asText()).isEqualTo("shop@2.1.0");
        assertThat(e.get("environment").asText()).isEqualTo("staging");
        assertThat(e.get("source").asText()).isEqualTo("python");
        assertThat(e.get("route_or_procedure").asText()).isEqualTo("/orders/{id}");
        assertThat(e.get("app_version").asText()).isEqualTo("2.1");
        assertThat(e.get("build_number").asText()).isEqualTo("77");
        assertThat(e.get("http_status").asInt()).isEqualTo(502);
        assertThat(e.get("timestamp").asLong()).isEqualTo(java.time.Instant.parse("2026-11-30T13:29:08.532Z").toEpochMilli());
        assertThat(e.get("user_id_hash").asText()).matches("[0-9a-f]{32}").doesNotContain("u-42");
        // Innermost frame first, then the cause; the source line under its frame, as Python prints it.
        assertThat(e.get("stack").asText()).isEqualTo(String.join("\n",
                "File \"/srv/shop/app/views.py\", line 33, in place_order",
                "    raise OrderFailed(order)",
                "File \"/usr/lib/python3/dist-packages/django/core/handlers/base.py\", line 181, in get_response",
                "Caused by: ConnectionError: db down",
                "File \"/srv/shop/app/db.py\", line 10, in connect"));
        JsonNode metadata = JSON.readTree(e.get("metadata").asText());
        assertThat(metadata.get("sentry").get("event_id").asText()).isEqualTo(id);
        assertThat(metadata.get("sentry").get("level").asText()).isEqualTo("warning");
        assertThat(metadata.get("sentry").get("logger").asText()).isEqualTo("app.views");
        assertThat(metadata.get("sentry").get("handled").asBoolean()).isFalse();
        assertThat(metadata.get("tags").get("region").asText()).isEqualTo("eu");
        assertThat(metadata.get("contexts").get("runtime").get("version").asText()).isEqualTo("3.11.2");
        assertThat(metadata.get("request").get("url").asText()).isEqualTo("https://shop.example.com/orders/9");
        assertThat(metadata.toString()).doesNotContain("secret").doesNotContain("ann@example.com");
        JsonNode group = row("SELECT * FROM error_groups WHERE fingerprint = '" + e.get("fingerprint").asText() + "'");
        assertThat(group.get("grouping_frame").asText()).isEqualTo("File \"app/views.py\", in place_order");
    }

    @Test
    void theSameThrowSiteTwiceIsOneIssueAndTheSdksInAppFrameIsWhatGroups() throws Exception {
        HttpResponse<String> first = sendAuthed(eventEnvelope(eventId(),
                nodeError("TypeError", "user 17 not found", "/srv/app/users.js", 12, "web@1.0.0")));
        HttpResponse<String> second = sendAuthed(eventEnvelope(eventId(),
                nodeError("TypeError", "user 99 not found", "/srv/app/users.js", 14, "web@1.0.1")));
        HttpResponse<String> elsewhere = sendAuthed(eventEnvelope(eventId(),
                nodeError("TypeError", "user 5 not found", "/srv/app/admin.js", 12, "web@1.0.1")));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(elsewhere.statusCode()).isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE message LIKE 'user % not found'", 3);
        assertThat(BLOOP.count("SELECT count(DISTINCT fingerprint) FROM raw_events WHERE message LIKE 'user % not found'"))
                .isEqualTo(2);
        String fp = row("SELECT fingerprint FROM raw_events WHERE message = 'user 17 not found'").get("fingerprint").asText();
        JsonNode group = row("SELECT * FROM error_groups WHERE fingerprint = '" + fp + "'");
        assertThat(group.get("total_count").asInt()).isEqualTo(2);
        // The innermost frame (a vendored library the SDK marks as not the app's) is passed over.
        assertThat(group.get("grouping_frame").asText()).isEqualTo("at loadUser (/srv/app/users.js)");
        assertThat(group.get("source").asText()).isEqualTo("node");
    }

    @Test
    void theKeyIsReadFromTheHeaderTheQueryAuthorizationOrTheEnvelopesDsn() {
        String event = "{\"message\":\"auth via %s\",\"platform\":\"javascript\"}";
        assertThat(send(eventEnvelope(eventId(), event.formatted("header")), "X-Sentry-Auth", auth(key)).statusCode())
                .isEqualTo(200);
        assertThat(send(eventEnvelope(eventId(), event.formatted("authorization")), "Authorization", auth(key))
                .statusCode()).isEqualTo(200);
        assertThat(SentryWire.post(BLOOP, envelopePath + "?sentry_version=7&sentry_key=" + key,
                utf8(eventEnvelope(eventId(), event.formatted("query")))).statusCode()).isEqualTo(200);
        // The tunnel option: the app's backend forwards the envelope as it is, the DSN in its header.
        String tunneled = envelope("{\"event_id\":\"" + eventId() + "\",\"dsn\":\"http://" + key + "@example.com/"
                + number + "\"}", "event", event.formatted("tunnel"));
        assertThat(send(tunneled, "Content-Type", "text/plain;charset=UTF-8").statusCode()).isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE message LIKE 'auth via %'", 4);
        assertThat(BLOOP.count("SELECT count(*) FROM raw_events WHERE message LIKE 'auth via %' AND source = 'web' "
                + "AND error_type = 'Message' AND release = 'unknown' AND environment = 'production'")).isEqualTo(4);
    }

    @Test
    void noKeyIs403AnUnknownKeyIs401AndAKeyOfAnotherProjectIs401() throws Exception {
        String body = eventEnvelope(eventId(), "{\"message\":\"never kept\"}");
        HttpResponse<String> none = send(body);
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(json(none).get("error").asText()).contains("no Sentry key");
        assertThat(none.headers().firstValue("X-Sentry-Error")).hasValueSatisfying(v -> assertThat(v).contains("key"));

        HttpResponse<String> unknown = send(body, "X-Sentry-Auth", auth("0123456789abcdef0123456789abcdef"));
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(json(unknown).get("error").asText()).contains("unknown Sentry key");
        String unknownDsn = envelope("{\"dsn\":\"http://ffffffffffffffffffffffffffffffff@h/" + number + "\"}",
                "event", "{\"message\":\"never kept\"}");
        assertThat(send(unknownDsn).statusCode()).isEqualTo(401);

        HttpResponse<String> store = SentryWire.post(BLOOP, "/api/" + number + "/store/", utf8("{\"message\":\"never kept\"}"));
        assertThat(store.statusCode()).isEqualTo(403);

        HttpResponse<String> wrongProject = SentryWire.post(BLOOP, "/api/999999/envelope/", utf8(body),
                "X-Sentry-Auth", auth(key));
        assertThat(wrongProject.statusCode()).isEqualTo(401);
        assertThat(json(wrongProject).get("error").asText()).contains("another project");
        Thread.sleep(100);
        assertThat(BLOOP.count("SELECT count(*) FROM raw_events WHERE message = 'never kept'")).isZero();
    }

    @Test
    void aRefusalBeforeTheBodyClosesTheConnectionOnlyWhenBodyBytesAreStillOnTheWay() throws Exception {
        // An SDK's keep-alive agent sends its next envelope on the same connection after a 401.
        String head = "POST " + envelopePath + " HTTP/1.1\r\nHost: x\r\nX-Sentry-Auth: "
                + auth("0123456789abcdef0123456789abcdef") + "\r\nContent-Type: application/x-sentry-envelope\r\n"
                + "Content-Length: 100\r\n\r\n";
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", APP.getLocalPort())) {
            socket.setSoTimeout(10_000);
            // A tenth of the body: the 401 must tell the client not to reuse this connection.
            socket.getOutputStream().write((head + "{\"x\":1234}").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(BloopTestApp.readResponseHead(socket.getInputStream())).startsWith("HTTP/1.1 401")
                    .containsIgnoringCase("Connection: close");
        }
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", APP.getLocalPort())) {
            socket.setSoTimeout(10_000);
            String whole = head + "{" + " ".repeat(98) + "}";
            socket.getOutputStream().write(whole.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(BloopTestApp.readResponseHead(socket.getInputStream())).startsWith("HTTP/1.1 401")
                    .doesNotContainIgnoringCase("Connection: close");
            // The body that had arrived was dropped, so the next request on the same connection is understood.
            socket.getOutputStream().write(whole.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(BloopTestApp.readResponseHead(socket.getInputStream())).startsWith("HTTP/1.1 401");
        }
    }

    @Test
    void bodiesMayBeGzipOrDeflateOrPlainAndAnythingElseIsRefusedByName() {
        String event = "{\"message\":\"encoded %s\"}";
        assertThat(SentryWire.post(BLOOP, envelopePath, gzip(utf8(eventEnvelope(eventId(), event.formatted("gzip")))),
                "X-Sentry-Auth", auth(key), "Content-Encoding", "gzip").statusCode()).isEqualTo(200);
        assertThat(SentryWire.post(BLOOP, envelopePath, deflate(utf8(eventEnvelope(eventId(), event.formatted("zlib"))),
                false), "X-Sentry-Auth", auth(key), "Content-Encoding", "deflate").statusCode()).isEqualTo(200);
        assertThat(SentryWire.post(BLOOP, envelopePath, deflate(utf8(eventEnvelope(eventId(), event.formatted("raw"))),
                true), "X-Sentry-Auth", auth(key), "Content-Encoding", "deflate").statusCode()).isEqualTo(200);
        // sentry-ruby 5 sends an empty Content-Encoding; sentry-java for Android 2 sends UTF-8.
        assertThat(SentryWire.post(BLOOP, envelopePath, utf8(eventEnvelope(eventId(), event.formatted("utf8"))),
                "X-Sentry-Auth", auth(key), "Content-Encoding", "UTF-8").statusCode()).isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE message LIKE 'encoded %'", 4);

        HttpResponse<String> br = SentryWire.post(BLOOP, envelopePath, utf8("x"), "X-Sentry-Auth", auth(key),
                "Content-Encoding", "br");
        assertThat(br.statusCode()).isEqualTo(415);
        assertThat(json(br).get("field").asText()).isEqualTo("Content-Encoding");
        HttpResponse<String> corrupt = SentryWire.post(BLOOP, envelopePath, utf8("not gzip at all"),
                "X-Sentry-Auth", auth(key), "Content-Encoding", "gzip");
        assertThat(corrupt.statusCode()).isEqualTo(400);
        assertThat(json(corrupt).get("error").asText()).contains("decompressed");
    }

    @Test
    void sizeCapsAnswer413ForLargeBodiesAndDecompressionBombs() {
        HttpResponse<String> bomb = SentryWire.post(BLOOP, envelopePath, SentryWire.gzipBomb(16L << 20),
                "X-Sentry-Auth", auth(key), "Content-Encoding", "gzip");
        assertThat(bomb.statusCode()).isEqualTo(413);
        assertThat(json(bomb).get("error").asText()).contains("decompressed");

        byte[] large = utf8(eventEnvelope(eventId(), "{\"message\":\"" + "x".repeat(300_000) + "\"}"));
        assertThat(SentryWire.post(BLOOP, envelopePath, large, "X-Sentry-Auth", auth(key)).statusCode()).isEqualTo(413);
        // Without a Content-Length (chunked), the cap is met while reading.
        HttpRequest chunked = HttpRequest.newBuilder(URI.create(BLOOP.url(envelopePath)))
                .header("X-Sentry-Auth", auth(key))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(large))).build();
        assertThat(BloopTestApp.send(chunked).statusCode()).isEqualTo(413);
    }

    @Test
    void malformedEnvelopesAre400WithTheReason() {
        Map<String, String> cases = Map.of(
                "", "empty",
                "{not json\n{\"type\":\"event\"}\n{}", "envelope header",
                "{}\n{\"length\":2}\n{}", "no type",
                "{}\n{\"type\":\"event\",\"length\":500}\n{\"message\":\"short\"}", "shorter than its length",
                "{}\n{\"type\":\"event\",\"length\":2}\n{}xyz\n", "not followed by a newline",
                "{}\n{\"type\":\"event\"}\n[1,2]\n", "JSON object",
                "{}\n{\"type\":\"event\",\"length\":-1}\n", "non-negative");
        cases.forEach((body, reason) -> {
            HttpResponse<String> r = sendAuthed(body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(json(r).get("error").asText()).as(body).contains(reason);
        });
    }

    @Test
    void theLegacyStoreEndpointTakesJsonGzipAndRavensBase64Zlib() {
        String path = "/api/" + number + "/store/";
        String id = eventId();
        HttpResponse<String> plain = SentryWire.post(BLOOP, path, gzip(utf8("{\"event_id\":\"" + id
                        + "\",\"platform\":\"python\",\"exception\":{\"values\":[{\"type\":\"KeyError\",\"value\":\"'sku'\"}]}}")),
                "X-Sentry-Auth", auth(key), "Content-Type", "application/json", "Content-Encoding", "gzip");
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
        assertThat(json(plain).get("id").asText()).isEqualTo(id);
        String raven = Base64.getEncoder().encodeToString(deflate(utf8("{\"message\":\"from raven\"}"), false));
        HttpResponse<String> old = SentryWire.post(BLOOP, path + "?sentry_key=" + key, utf8(raven));
        assertThat(old.statusCode()).as(old.body()).isEqualTo(200);
        assertThat(json(old).get("id").asText()).matches("[0-9a-f]{32}");
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE message IN ('''sku''', 'from raven')", 2);
    }

    @Test
    void sessionsFeedReleaseHealthPerRelease() throws Exception {
        String release = "health@1.0";
        String attrs = "\"attrs\":{\"release\":\"" + release + "\",\"environment\":\"prod\"}";
        for (int user = 1; user <= 4; user++) {
            String sid = eventId();
            sendAuthed(envelope("{}", "session", "{\"sid\":\"" + sid + "\",\"did\":\"user-" + user
                    + "\",\"init\":true,\"status\":\"ok\",\"errors\":0," + attrs + "}"));
            String end = user == 4 ? "crashed" : "exited";
            HttpResponse<String> r = sendAuthed(envelope("{}", "session", "{\"sid\":\"" + sid + "\",\"did\":\"user-"
                    + user + "\",\"init\":false,\"status\":\"" + end + "\",\"errors\":" + (user >= 3 ? 1 : 0) + ","
                    + attrs + "}"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r).has("id")).isFalse();
        }
        // Server-mode SDKs send aggregates: 10 sessions, 2 of them with errors, 1 crashed.
        sendAuthed(envelope("{}", "sessions", "{\"aggregates\":[{\"started\":\"2026-01-01T00:00:00Z\",\"exited\":7,"
                + "\"errored\":2,\"crashed\":1}]," + attrs + "}"));
        String token = BLOOP.token("releases", "default", dev.bloop.service.access.Scope.ERRORS_READ);
        HttpResponse<String> releases = BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url("/v1/releases")))
                .header("Authorization", "Bearer " + token).GET().build());
        JsonNode health = null;
        for (JsonNode r : json(releases)) {
            if (r.get("release").asText().equals(release)) {
                health = r.get("health");
                assertThat(r.get("events").asLong()).as("a release with sessions but no error is listed").isZero();
            }
        }
        assertThat(health).as(releases.body()).isNotNull();
        assertThat(health.get("sessions").asLong()).isEqualTo(14);
        assertThat(health.get("crashed").asLong()).isEqualTo(2);
        assertThat(health.get("errored").asLong()).isEqualTo(2 + 3);
        assertThat(health.get("crash_free_sessions").asDouble()).isEqualTo(0.8571);
        assertThat(health.get("users").asLong()).isEqualTo(4);
        assertThat(health.get("crashed_users").asLong()).isEqualTo(1);
        assertThat(health.get("crash_free_users").asDouble()).isEqualTo(0.75);
    }

    @Test
    void clientReportsAndSkippedItemsAreCountedAndSkippedCategoriesAreRateLimited() {
        String id = eventId();
        HttpResponse<String> r = sendAuthed(envelope("{\"event_id\":\"" + id + "\"}",
                "event", "{\"message\":\"with friends\"}",
                "transaction", "{\"type\":\"transaction\",\"spans\":[]}",
                "attachment", "binary\u0000data",
                "a_type_nobody_knows", "{}",
                "client_report", "{\"timestamp\":1.0,\"discarded_events\":[{\"reason\":\"queue_overflow\","
                        + "\"category\":\"error\",\"quantity\":3},{\"reason\":\"Bad Reason!\",\"category\":\"error\","
                        + "\"quantity\":2}]}"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).get("id").asText()).isEqualTo(id);
        assertThat(r.headers().firstValue("X-Sentry-Rate-Limits")).hasValue("3600:attachment;transaction:organization");
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE message = 'with friends'", 1);
        BLOOP.awaitCount("SELECT coalesce(sum(count), 0) FROM ingest_ledger WHERE reason = 'sdk:queue_overflow:error'", 3);
        assertThat(BLOOP.count("SELECT sum(count) FROM ingest_ledger WHERE reason = 'sdk:other:error'")).isEqualTo(2);
        assertThat(BLOOP.count("SELECT sum(count) FROM ingest_ledger WHERE reason = 'skipped:transaction'")).isEqualTo(1);
        assertThat(BLOOP.count("SELECT sum(count) FROM ingest_ledger WHERE reason = 'skipped:a_type_nobody_knows'"))
                .isEqualTo(1);
    }

    @Test
    void theProjectQuotaAnswers429WithSentrysRateLimitHeaders() {
        HttpResponse<String> created = admin.post("/v1/projects", "{\"name\":\"Quota\",\"slug\":\"quota-sentry\"}");
        JsonNode p = json(created);
        URI dsn = URI.create(p.get("dsn").asText());
        String path = "/api" + dsn.getPath() + "/envelope/";
        assertThat(admin.put("/v1/projects/quota-sentry/ingest", "{\"events_per_minute\":1,\"burst\":2}").statusCode())
                .isEqualTo(200);
        for (int i = 0; i < 2; i++) {
            assertThat(SentryWire.post(BLOOP, path, utf8(eventEnvelope(eventId(), "{\"message\":\"quota " + i + "\"}")),
                    "X-Sentry-Auth", auth(dsn.getUserInfo())).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> over = SentryWire.post(BLOOP, path, utf8(eventEnvelope(eventId(),
                "{\"message\":\"quota 3\"}")), "X-Sentry-Auth", auth(dsn.getUserInfo()));
        assertThat(over.statusCode()).isEqualTo(429);
        long retry = Long.parseLong(over.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retry).isBetween(1L, 60L);
        assertThat(over.headers().firstValue("X-Sentry-Rate-Limits")).hasValue(retry + ":error;default:project:quota");
    }

    @Test
    void anEventSentTwiceWithTheSameIdIsKeptOnce() throws Exception {
        String body = eventEnvelope(eventId(), "{\"message\":\"retried by the sdk\"}");
        assertThat(sendAuthed(body).statusCode()).isEqualTo(200);
        assertThat(sendAuthed(body).statusCode()).isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE message = 'retried by the sdk'", 1);
        Thread.sleep(200);
        assertThat(BLOOP.count("SELECT count(*) FROM raw_events WHERE message = 'retried by the sdk'")).isEqualTo(1);
    }

    @Test
    void fieldsOverBloopsCapsAreTrimmedNotRefused() throws Exception {
        StringBuilder frames = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            frames.append(i == 0 ? "" : ",").append("{\"filename\":\"/srv/app/module").append(i)
                    .append(".js\",\"function\":\"f").append(i).append("\",\"lineno\":").append(i).append(",\"in_app\":true}");
        }
        StringBuilder tags = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            tags.append(i == 0 ? "" : ",").append("\"tag").append(i).append("\":\"").append("v".repeat(150)).append('"');
        }
        String event = "{\"platform\":\"node\",\"release\":\"" + "r".repeat(500) + "\",\"tags\":{" + tags + "},"
                + "\"exception\":{\"values\":[{\"type\":\"RangeError\",\"value\":\"é" + "ü".repeat(5000) + "\","
                + "\"stacktrace\":{\"frames\":[" + frames + "]}}]}}";
        HttpResponse<String> r = sendAuthed(eventEnvelope(eventId(), event));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE error_type = 'RangeError'", 1);
        JsonNode e = row("SELECT * FROM raw_events WHERE error_type = 'RangeError'");
        assertThat(e.get("message").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(2048);
        assertThat(e.get("stack").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(8192);
        assertThat(e.get("stack").asText()).startsWith("at f399 (/srv/app/module399.js:399)").contains(" more");
        assertThat(e.get("metadata").asText().length()).isLessThanOrEqualTo(4096);
        assertThat(e.get("release").asText()).hasSize(200);
    }

    @Test
    void browsersGetCorsAnswersIncludingThePreflight() {
        HttpResponse<String> preflight = BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url(envelopePath)))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://shop.example.com")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type, sentry-trace, baggage").build());
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
                .contains("x-sentry-auth", "content-type", "sentry-trace", "baggage");
        HttpResponse<String> r = sendAuthed(eventEnvelope(eventId(), "{\"message\":\"cors\"}"));
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(r.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
                .contains("x-sentry-rate-limits", "retry-after");
    }

    @Test
    void unknownSentryPathsAnswer404AndOtherMethods405() {
        assertThat(SentryWire.post(BLOOP, "/api/" + number + "/minidump/", utf8("x")).statusCode()).isEqualTo(404);
        assertThat(BLOOP.get(BLOOP.url(envelopePath)).statusCode()).isEqualTo(405);
    }
}
