package dev.bloop.service.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.bloop.api.Signatures;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Alerting against real peers: a local HTTP receiver for Slack and webhooks, GreenMail for e-mail.
 * Each test scopes its rules to its own environment, so tests cannot trigger each other's rules.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AlertingIT {
    private static final GreenMail MAIL = startMail();
    private static final Receiver RECEIVER = startReceiver();
    private static final BloopTestApp BLOOP = new BloopTestApp(Map.ofEntries(
            Map.entry("BLOOP__ALERTING__ALLOW_PRIVATE_TARGETS", "true"),
            Map.entry("BLOOP__ALERTING__EVALUATION_INTERVAL", "200ms"),
            Map.entry("BLOOP__ALERTING__DELIVERY_TIMEOUT", "2s"),
            Map.entry("BLOOP__ALERTING__DELIVERY_ATTEMPTS", "2"),
            Map.entry("BLOOP__ALERTING__BASE_URL", "https://bloop.example.com"),
            Map.entry("BLOOP__SMTP__HOST", "127.0.0.1"),
            Map.entry("BLOOP__SMTP__PORT", Integer.toString(MAIL.getSmtp().getPort())),
            Map.entry("BLOOP__SMTP__FROM", "alerts@bloop.example.com"),
            Map.entry("BLOOP__ALERTING__DEFAULT_WEBHOOK_URL", RECEIVER.url("/default"))));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Receiver receiver;
    private static String admin;
    private static String readOnly;

    private static Receiver startReceiver() {
        try {
            return new Receiver();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static GreenMail startMail() {
        GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        return mail;
    }

    @BeforeAll
    static void setUp() throws Exception {
        receiver = RECEIVER;
        admin = BLOOP.token("alert-admin", "default", Scope.ALERTS_READ, Scope.ALERTS_WRITE, Scope.ERRORS_READ, Scope.ERRORS_WRITE);
        readOnly = BLOOP.token("alert-reader", "default", Scope.ALERTS_READ);
    }

    @AfterAll
    static void tearDown() {
        receiver.close();
        MAIL.stop();
    }

    private static HttpResponse<String> call(String token, String method, String path, String body) {
        return BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url(path)))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private static JsonNode json(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    private static long rule(String body) throws Exception {
        return json(call(admin, "POST", "/v1/alerts", body), 201).get("id").asLong();
    }

    private static void channel(long rule, String body) throws Exception {
        json(call(admin, "POST", "/v1/alerts/" + rule + "/channels", body), 201);
    }

    private static String ingest(String env, String source, String type, String message) throws Exception {
        return ingest(env, source, type, message, "9.9.9");
    }

    private static String ingest(String env, String source, String type, String message, String release)
            throws Exception {
        String body = "{\"timestamp\":" + System.currentTimeMillis() + ",\"source\":\"" + source + "\",\"environment\":\""
                + env + "\",\"release\":\"" + release + "\",\"error_type\":\"" + type + "\",\"message\":\"" + message + "\"}";
        HttpResponse<String> r = BLOOP.ingest("/v1/ingest", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("fingerprint").asText();
    }

    @Test
    void aNewIssueNotifiesWebhookSlackAndEmailOnce() throws Exception {
        long id = rule("{\"name\":\"new in t-new\",\"environment_filter\":\"t-new\",\"config\":{\"type\":\"new_issue\"}}");
        channel(id, "{\"type\":\"webhook\",\"url\":\"" + receiver.url("/hook-new") + "\",\"secret\":\"s3cret-value\"}");
        channel(id, "{\"type\":\"slack\",\"webhook_url\":\"" + receiver.url("/slack-new") + "\"}");
        channel(id, "{\"type\":\"email\",\"to\":\"ops@example.com, dev@example.com\"}");
        JsonNode channels = json(call(readOnly, "GET", "/v1/alerts/" + id + "/channels", null), 200);
        assertThat(channels).hasSize(3);
        assertThat(channels.get(0).get("config").has("secret")).as("secret never shown").isFalse();
        assertThat(channels.get(0).get("config").get("has_secret").asBoolean()).isTrue();

        String fp = ingest("t-new", "api", "CheckoutError", "payment 42 failed");
        Receiver.Received hook = receiver.nextFor("/hook-new", 5000);
        assertThat(hook).as("webhook delivered").isNotNull();
        JsonNode body = JSON.readTree(hook.body());
        assertThat(body.get("fingerprint").asText()).isEqualTo(fp);
        assertThat(body.get("error_type").asText()).isEqualTo("CheckoutError");
        assertThat(body.get("rule").get("name").asText()).isEqualTo("new in t-new");
        assertThat(body.get("environment").asText()).isEqualTo("t-new");
        assertThat(body.get("release").asText()).isEqualTo("9.9.9");
        assertThat(body.get("count").asLong()).isEqualTo(1);
        String link = "https://bloop.example.com/issues/" + fp + "?project=default";
        assertThat(body.get("url").asText()).isEqualTo(link);
        assertThat(hook.headers().get("x-bloop-signature")).isEqualTo(Signatures.sign("s3cret-value", hook.body()));

        Receiver.Received slack = receiver.nextFor("/slack-new", 5000);
        assertThat(slack).isNotNull();
        assertThat(JSON.readTree(slack.body()).get("text").asText()).contains("CheckoutError").contains("New issue")
                .contains("<" + link + "|Open in bloop>");

        long deadline = System.currentTimeMillis() + 5000;
        while (MAIL.getReceivedMessages().length < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        MimeMessage[] mails = MAIL.getReceivedMessages();
        assertThat(mails).hasSize(2); // one message, two recipients
        assertThat(mails[0].getSubject()).contains("CheckoutError").contains("payment 42 failed");
        assertThat(mails[0].getFrom()[0].toString()).isEqualTo("alerts@bloop.example.com");
        assertThat(mails[0].getContent().toString()).contains(link);

        // The same group again is not new: nothing more.
        ingest("t-new", "api", "CheckoutError", "payment 43 failed");
        assertThat(receiver.nextFor("/hook-new", 1000)).isNull();
        deadline = System.currentTimeMillis() + 5000;
        JsonNode deliveries;
        do {
            deliveries = json(call(readOnly, "GET", "/v1/alerts/" + id + "/deliveries", null), 200);
            Thread.sleep(20);
        } while (countStatus(deliveries, "sent") < 3 && System.currentTimeMillis() < deadline);
        assertThat(deliveries).hasSize(3);
        assertThat(countStatus(deliveries, "sent")).isEqualTo(3);
    }

    private static int countStatus(JsonNode deliveries, String status) {
        int n = 0;
        for (JsonNode d : deliveries) {
            n += d.get("status").asText().equals(status) ? 1 : 0;
        }
        return n;
    }

    @Test
    void alertLinksOpenTheIssuePageOfTheRulesProjectBySlug() throws Exception {
        BLOOP.addProject("p-link", "mobile-shop", "bloop_pk_link", "bloop_sk_link_secret_value");
        String token = BLOOP.token("link-admin", "p-link", Scope.ALERTS_READ, Scope.ALERTS_WRITE);
        long id = json(call(token, "POST", "/v1/alerts", "{\"name\":\"links\",\"config\":{\"type\":\"new_issue\"}}"), 201)
                .get("id").asLong();
        json(call(token, "POST", "/v1/alerts/" + id + "/channels", "{\"type\":\"webhook\",\"url\":\""
                + receiver.url("/hook-link") + "\"}"), 201);
        String body = "{\"timestamp\":" + System.currentTimeMillis() + ",\"source\":\"ios\",\"environment\":\"prod\","
                + "\"release\":\"1.0\",\"error_type\":\"LinkError\",\"message\":\"where does this go\"}";
        HttpResponse<String> r = BLOOP.post("/v1/ingest", body, Map.of("Content-Type", "application/json",
                "X-Project-Key", "bloop_pk_link", "X-Signature", Signatures.sign("bloop_sk_link_secret_value", body)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String fp = JSON.readTree(r.body()).get("fingerprint").asText();
        Receiver.Received hook = receiver.nextFor("/hook-link", 5000);
        assertThat(hook).isNotNull();
        assertThat(JSON.readTree(hook.body()).get("url").asText())
                .isEqualTo("https://bloop.example.com/issues/" + fp + "?project=mobile-shop");
    }

    @Test
    void slackTextEscapesEventDataSoAMessageCannotPingTheChannelOrDisguiseALink() throws Exception {
        long id = rule("{\"name\":\"slack <b>\",\"environment_filter\":\"t-slack\",\"config\":{\"type\":\"new_issue\"}}");
        channel(id, "{\"type\":\"slack\",\"webhook_url\":\"" + receiver.url("/slack-escape") + "\"}");
        ingest("t-slack", "api", "Phish<Error>", "<!channel> urgent: <https://evil.example/login|Open in bloop> & reset");
        Receiver.Received slack = receiver.nextFor("/slack-escape", 5000);
        assertThat(slack).isNotNull();
        String text = JSON.readTree(slack.body()).get("text").asText();
        assertThat(text).contains("&lt;!channel&gt; urgent: &lt;https://evil.example/login|Open in bloop&gt; &amp; reset")
                .contains("Phish&lt;Error&gt;").contains("slack &lt;b&gt;")
                .doesNotContain("<!channel>").doesNotContain("<https://evil");
        assertThat(text.chars().filter(c -> c == '<').count()).as("only bloop's own link: " + text).isEqualTo(1);
        assertThat(text).contains("<https://bloop.example.com/issues/");
    }

    @Test
    void aSlackWebhookUrlIsShownWholeOnlyInTheAnswerThatCreatedIt() throws Exception {
        long id = rule("{\"name\":\"slack secret\",\"environment_filter\":\"t-mask\",\"config\":{\"type\":\"new_issue\"}}");
        String url = receiver.url("/services/T0SECRET/B0SECRET/xoxoSECRETxyzW");
        JsonNode created = json(call(admin, "POST", "/v1/alerts/" + id + "/channels",
                "{\"type\":\"slack\",\"webhook_url\":\"" + url + "\"}"), 201);
        assertThat(created.get("config").get("webhook_url").asText()).isEqualTo(url);
        String masked = "http://127.0.0.1/…xyzW";
        for (String token : List.of(admin, readOnly)) {
            JsonNode listed = json(call(token, "GET", "/v1/alerts/" + id + "/channels", null), 200);
            assertThat(listed.get(0).get("config").get("webhook_url").asText()).isEqualTo(masked);
        }
        JsonNode results = json(call(admin, "POST", "/v1/alerts/" + id + "/test", null), 200).get("results");
        assertThat(results.get(0).get("target").asText()).isEqualTo(masked);
        ingest("t-mask", "api", "MaskError", "who sees the url");
        assertThat(receiver.nextFor("/services/T0SECRET/B0SECRET/xoxoSECRETxyzW", 5000)).as("still delivered").isNotNull();
        long deadline = System.currentTimeMillis() + 5000;
        JsonNode deliveries;
        do {
            deliveries = json(call(readOnly, "GET", "/v1/alerts/" + id + "/deliveries", null), 200);
            Thread.sleep(20);
        } while (deliveries.size() < 2 && System.currentTimeMillis() < deadline);
        assertThat(deliveries).hasSize(2);
        assertThat(deliveries.toString()).doesNotContain("SECRET");
        assertThat(BLOOP.count("SELECT count(*) FROM alert_deliveries WHERE target LIKE '%SECRET%'")).isZero();
    }

    @Test
    void aResolvedGroupThatRecursRaisesARegression() throws Exception {
        long id = rule("{\"name\":\"regressions\",\"environment_filter\":\"t-reg\",\"config\":{\"type\":\"regression\"}}");
        channel(id, "{\"type\":\"webhook\",\"url\":\"" + receiver.url("/hook-reg") + "\"}");
        String fp = ingest("t-reg", "api", "RegressError", "boom 1");
        assertThat(receiver.nextFor("/hook-reg", 800)).as("new, not a regression").isNull();
        BLOOP.awaitCount("SELECT count(*) FROM error_groups WHERE fingerprint = '" + fp + "'", 1);
        json(call(admin, "POST", "/v1/errors/" + fp + "/resolve", null), 200);
        BLOOP.withDatabase(db -> db.writer().useHandle(h -> h.execute("INSERT INTO users (id, username, user_handle, "
                + "is_admin, created_at) VALUES ('u-ann', 'ann', 'handle-ann', 1, 0)")));
        json(call(admin, "POST", "/v1/errors/" + fp + "/assign", "{\"assignee\":\"ann\"}"), 200);
        ingest("t-reg", "api", "RegressError", "boom 2");
        Receiver.Received hook = receiver.nextFor("/hook-reg", 5000);
        assertThat(hook).as("any new event, from the same release too").isNotNull();
        assertThat(JSON.readTree(hook.body()).get("reason").asText()).isEqualTo("Regression");
        assertThat(JSON.readTree(hook.body()).get("assignee").asText()).as("who is on it").isEqualTo("ann");

        // Resolved in the next release: the same release again is no regression, a newer one is.
        json(call(admin, "POST", "/v1/errors/" + fp + "/resolve?in_next_release=true", null), 200);
        ingest("t-reg", "api", "RegressError", "boom 3");
        BLOOP.awaitCount("SELECT total_count FROM error_groups WHERE fingerprint = '" + fp + "'", 3);
        assertThat(BLOOP.firstString("SELECT status FROM error_groups WHERE fingerprint = '" + fp + "'"))
                .isEqualTo("resolved");
        ingest("t-reg", "api", "RegressError", "boom 4", "9.10.0");
        BLOOP.awaitCount("SELECT total_count FROM error_groups WHERE fingerprint = '" + fp + "'", 4);
        assertThat(BLOOP.firstString("SELECT status FROM error_groups WHERE fingerprint = '" + fp + "'"))
                .isEqualTo("unresolved");
    }

    @Test
    void thresholdFiresAboveItOnceThenCoolsDownAndMutedGroupsStaySilent() throws Exception {
        long id = rule("{\"name\":\"busy\",\"environment_filter\":\"t-thr\",\"cooldown_secs\":3600,"
                + "\"config\":{\"type\":\"threshold\",\"threshold\":3,\"window_secs\":300}}");
        channel(id, "{\"type\":\"webhook\",\"url\":\"" + receiver.url("/hook-thr") + "\"}");
        for (int i = 0; i < 3; i++) {
            ingest("t-thr", "api", "ThresholdError", "slow " + i);
        }
        assertThat(receiver.nextFor("/hook-thr", 1200)).as("3 is not more than 3").isNull();
        String fp = ingest("t-thr", "api", "ThresholdError", "slow 4");
        Receiver.Received hook = receiver.nextFor("/hook-thr", 5000);
        assertThat(hook).isNotNull();
        JsonNode body = JSON.readTree(hook.body());
        assertThat(body.get("fingerprint").asText()).isEqualTo(fp);
        assertThat(body.get("count").asLong()).isEqualTo(4);
        assertThat(body.get("reason").asText()).startsWith("Threshold: 4 events in 300 s");
        for (int i = 5; i < 10; i++) {
            ingest("t-thr", "api", "ThresholdError", "slow " + i);
        }
        assertThat(receiver.nextFor("/hook-thr", 1200)).as("cooldown").isNull();

        String muted = ingest("t-thr", "api", "MutedError", "noisy 0");
        BLOOP.awaitCount("SELECT count(*) FROM error_groups WHERE fingerprint = '" + muted + "'", 1);
        json(call(admin, "POST", "/v1/errors/" + muted + "/mute", null), 200);
        for (int i = 1; i < 8; i++) {
            ingest("t-thr", "api", "MutedError", "noisy " + i);
        }
        assertThat(receiver.nextFor("/hook-thr", 1200)).as("muted groups never alert").isNull();
    }

    @Test
    void aSpikeAgainstAQuietBaselineFiresAndASteadyRateDoesNot() throws Exception {
        // A group that has been this busy all along (its last hour of minute counts, there before the rule):
        // a steady rate is no spike.
        String steady = ingest("t-spike", "api", "SteadyError", "steady 0");
        long minute = System.currentTimeMillis() / 60_000 * 60_000;
        BLOOP.withDatabase(db -> db.writer().useHandle(h -> {
            for (int m = 5; m < 60; m++) {
                h.execute("INSERT INTO minute_counts (project_id, minute_bucket, fingerprint, environment, count) "
                        + "VALUES ('default', ?, ?, 't-spike', 5)", minute - m * 60_000L, steady);
            }
        }));
        long id = rule("{\"name\":\"spikes\",\"environment_filter\":\"t-spike\",\"config\":{\"type\":\"spike\","
                + "\"multiplier\":3,\"compare_window_secs\":120,\"baseline_window_secs\":3600,\"min_events\":3}}");
        channel(id, "{\"type\":\"webhook\",\"url\":\"" + receiver.url("/hook-spike") + "\"}");
        for (int i = 1; i < 4; i++) {
            ingest("t-spike", "api", "SteadyError", "steady " + i);
        }
        assertThat(receiver.nextFor("/hook-spike", 1200)).isNull();
        // A group quiet until now.
        for (int i = 0; i < 4; i++) {
            ingest("t-spike", "api", "SpikeError", "sudden " + i);
        }
        Receiver.Received hook = receiver.nextFor("/hook-spike", 5000);
        assertThat(hook).isNotNull();
        assertThat(JSON.readTree(hook.body()).get("error_type").asText()).isEqualTo("SpikeError");
        assertThat(JSON.readTree(hook.body()).get("reason").asText()).startsWith("Spike:");
    }

    @Test
    void filtersKeepOtherEnvironmentsAndSourcesSilent() throws Exception {
        long id = rule("{\"name\":\"ios prod\",\"environment_filter\":\"t-filter\",\"source_filter\":\"ios\","
                + "\"config\":{\"type\":\"new_issue\"}}");
        channel(id, "{\"type\":\"webhook\",\"url\":\"" + receiver.url("/hook-filter") + "\"}");
        ingest("t-filter", "api", "FilterError", "wrong source");
        ingest("t-filter-other", "ios", "FilterError", "wrong environment");
        assertThat(receiver.nextFor("/hook-filter", 1000)).isNull();
        ingest("t-filter", "ios", "FilterError", "matches");
        assertThat(receiver.nextFor("/hook-filter", 5000)).isNotNull();
    }

    @Test
    void testSendReportsEachChannelAndADeadReceiverDoesNotSlowIngest() throws Exception {
        try (ServerSocket blackHole = new ServerSocket(0)) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(blackHole.accept()); // accept and never answer
                    }
                } catch (Exception closed) {
                    // test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            long id = rule("{\"name\":\"dead end\",\"environment_filter\":\"t-dead\",\"config\":{\"type\":\"new_issue\"}}");
            channel(id, "{\"type\":\"webhook\",\"url\":\"" + receiver.url("/hook-live") + "\"}");
            channel(id, "{\"type\":\"webhook\",\"url\":\"http://127.0.0.1:" + blackHole.getLocalPort() + "/dead\"}");

            JsonNode results = json(call(admin, "POST", "/v1/alerts/" + id + "/test", null), 200).get("results");
            assertThat(results).hasSize(2);
            assertThat(results.get(0).get("status").asText()).isEqualTo("sent");
            assertThat(results.get(1).get("status").asText()).isEqualTo("failed");
            assertThat(results.get(1).get("error").asText()).containsIgnoringCase("timed out");
            assertThat(receiver.nextFor("/hook-live", 2000)).isNotNull();

            long started = System.currentTimeMillis();
            for (int i = 0; i < 30; i++) {
                ingest("t-dead", "api", "DeadEndError" + i, "new group " + i);
            }
            BLOOP.awaitCount("SELECT count(*) FROM error_groups WHERE error_type LIKE 'DeadEndError%'", 30);
            assertThat(System.currentTimeMillis() - started).as("ingest and commit, not waiting for alerts").isLessThan(4000);
            JsonNode deliveries = json(call(readOnly, "GET", "/v1/alerts/" + id + "/deliveries?limit=200", null), 200);
            assertThat(countStatus(deliveries, "pending")).as("deliveries still in flight").isPositive();
            held.forEach(s -> {
                try {
                    s.close();
                } catch (Exception ignored) {
                    // closing
                }
            });
        }
    }

    @Test
    void aRuleWithoutChannelsUsesTheDefaultChannel() throws Exception {
        rule("{\"name\":\"defaults\",\"environment_filter\":\"t-default\",\"config\":{\"type\":\"new_issue\"}}");
        String fp = ingest("t-default", "api", "DefaultChannelError", "no channel of its own");
        Receiver.Received hook = receiver.nextFor("/default", 5000);
        assertThat(hook).isNotNull();
        assertThat(JSON.readTree(hook.body()).get("fingerprint").asText()).isEqualTo(fp);
    }

    @Test
    void failedAttemptsAreRetriedAndRedirectsAreNotFollowed() throws Exception {
        long id = rule("{\"name\":\"flaky\",\"environment_filter\":\"t-retry\",\"config\":{\"type\":\"new_issue\"}}");
        channel(id, "{\"type\":\"webhook\",\"url\":\"" + receiver.url("/flaky") + "\"}");
        channel(id, "{\"type\":\"webhook\",\"url\":\"" + receiver.url("/moved") + "\"}");
        receiver.script("/flaky", 503);
        receiver.script("/moved", 302, 302, 302);
        ingest("t-retry", "api", "RetryError", "try again");
        assertThat(receiver.nextFor("/flaky", 5000)).as("first attempt").isNotNull();
        assertThat(receiver.nextFor("/flaky", 5000)).as("retried after the 503").isNotNull();
        long deadline = System.currentTimeMillis() + 8000;
        JsonNode deliveries;
        do {
            deliveries = json(call(readOnly, "GET", "/v1/alerts/" + id + "/deliveries", null), 200);
            Thread.sleep(50);
        } while (countStatus(deliveries, "pending") > 0 && System.currentTimeMillis() < deadline);
        Map<String, JsonNode> byTarget = new java.util.HashMap<>();
        deliveries.forEach(d -> byTarget.put(d.get("target").asText(), d));
        JsonNode flaky = byTarget.get(receiver.url("/flaky"));
        assertThat(flaky.get("status").asText()).isEqualTo("sent");
        assertThat(flaky.get("attempts").asInt()).isEqualTo(2);
        JsonNode moved = byTarget.get(receiver.url("/moved"));
        assertThat(moved.get("status").asText()).isEqualTo("failed");
        assertThat(moved.get("error").asText()).isEqualTo("HTTP 302");
        assertThat(moved.get("attempts").asInt()).as("a 3xx is not retried").isEqualTo(1);
        assertThat(receiver.nextFor("/redirected", 500)).as("the redirect was not followed").isNull();
    }

    @Test
    void anUpdateKeepsWhatItLeavesOutAndClearsWhatItSetsToNull() throws Exception {
        long id = rule("{\"name\":\"partial\",\"description\":\"d\",\"environment_filter\":\"t-partial\","
                + "\"cooldown_secs\":60,\"config\":{\"type\":\"threshold\",\"threshold\":5,\"window_secs\":60}}");
        JsonNode kept = json(call(admin, "PUT", "/v1/alerts/" + id, "{\"enabled\":false}"), 200);
        assertThat(kept.get("description").asText()).isEqualTo("d");
        assertThat(kept.get("cooldown_secs").asLong()).isEqualTo(60);
        assertThat(kept.get("config").get("threshold").asLong()).isEqualTo(5);
        JsonNode cleared = json(call(admin, "PUT", "/v1/alerts/" + id,
                "{\"description\":null,\"environment_filter\":null,\"cooldown_secs\":null}"), 200);
        assertThat(cleared.get("description").isNull()).isTrue();
        assertThat(cleared.get("environment_filter").isNull()).isTrue();
        assertThat(cleared.get("cooldown_secs").asLong()).as("the server's default").isEqualTo(900);
        assertThat(cleared.get("enabled").asBoolean()).isFalse();
        assertThat(json(call(admin, "PUT", "/v1/alerts/" + id, "{\"name\":null}"), 400).get("field").asText())
                .isEqualTo("name");
        assertThat(json(call(admin, "PUT", "/v1/alerts/" + id, "{\"config\":null}"), 400).get("field").asText())
                .isEqualTo("config");
        assertThat(json(call(admin, "PUT", "/v1/alerts/" + id, "{\"config\":{\"type\":\"spike\",\"multiplier\":3,"
                + "\"compare_window_secs\":60,\"baseline_window_secs\":\"600\"}}"), 400).get("field").asText())
                .isEqualTo("config.baseline_window_secs");
        json(call(admin, "DELETE", "/v1/alerts/" + id, null), 200);
    }

    @Test
    void aSettingOfAnotherRuleOrChannelTypeIsRefusedByName() throws Exception {
        assertThat(json(call(admin, "POST", "/v1/alerts", "{\"name\":\"x\",\"config\":{\"type\":\"new_issue\","
                + "\"window_secs\":60}}"), 400).get("field").asText()).isEqualTo("config.window_secs");
        assertThat(json(call(admin, "POST", "/v1/alerts", "{\"name\":\"x\",\"config\":{\"threshold\":5}}"), 400)
                .get("field").asText()).isEqualTo("config.type");
        assertThat(json(call(admin, "POST", "/v1/alerts", "{\"name\":\"x\",\"config\":{\"type\":\"spike\","
                + "\"multiplier\":2,\"compare_window_secs\":60,\"baseline_window_secs\":600,\"min_events\":-1}}"), 400)
                .get("field").asText()).isEqualTo("config.min_events");
        long id = rule("{\"name\":\"channel kinds\",\"config\":{\"type\":\"new_issue\"}}");
        assertThat(json(call(admin, "POST", "/v1/alerts/" + id + "/channels",
                "{\"type\":\"slack\",\"url\":\"https://hooks.slack.com/x\"}"), 400).get("field").asText()).isEqualTo("url");
        assertThat(json(call(admin, "POST", "/v1/alerts/" + id + "/channels",
                "{\"type\":\"webhook\",\"url\":\"https://example.com/x\",\"secret\":\"short\"}"), 400)
                .get("field").asText()).isEqualTo("secret");
        assertThat(json(call(admin, "POST", "/v1/alerts/" + id + "/channels", "{\"url\":\"https://example.com/x\"}"), 400)
                .get("field").asText()).isEqualTo("type");
        json(call(admin, "DELETE", "/v1/alerts/" + id, null), 200);
    }

    @Test
    void rulesAreValidatedScopedAndEditable() throws Exception {
        Map<String, String> bad = Map.of(
                "{\"config\":{\"type\":\"new_issue\"}}", "name",
                "{\"name\":\"x\",\"config\":{\"type\":\"sometimes\"}}", "config.type",
                "{\"name\":\"x\",\"config\":{\"type\":\"threshold\",\"window_secs\":60}}", "config.threshold",
                "{\"name\":\"x\",\"config\":{\"type\":\"threshold\",\"threshold\":5,\"window_secs\":0}}", "config.window_secs",
                "{\"name\":\"x\",\"config\":{\"type\":\"spike\",\"multiplier\":0.5,\"compare_window_secs\":60,\"baseline_window_secs\":600}}", "config.multiplier",
                "{\"name\":\"x\",\"config\":{\"type\":\"spike\",\"multiplier\":2,\"compare_window_secs\":600,\"baseline_window_secs\":60}}", "config.baseline_window_secs",
                "{\"name\":\"x\",\"cooldown_secs\":-1,\"config\":{\"type\":\"new_issue\"}}", "cooldown_secs",
                "{\"name\":\"x\",\"colour\":\"red\",\"config\":{\"type\":\"new_issue\"}}", "colour");
        for (Map.Entry<String, String> c : bad.entrySet()) {
            assertThat(json(call(admin, "POST", "/v1/alerts", c.getKey()), 400).get("field").asText()).as(c.getKey()).isEqualTo(c.getValue());
        }
        long id = rule("{\"name\":\"edit me\",\"environment_filter\":\"t-edit\",\"config\":{\"type\":\"new_issue\"}}");
        JsonNode edited = json(call(admin, "PUT", "/v1/alerts/" + id, "{\"enabled\":false,\"name\":\"edited\"}"), 200);
        assertThat(edited.get("enabled").asBoolean()).isFalse();
        assertThat(edited.get("name").asText()).isEqualTo("edited");
        assertThat(edited.get("environment_filter").asText()).as("untouched").isEqualTo("t-edit");
        assertThat(json(call(admin, "POST", "/v1/alerts/" + id + "/channels", "{\"type\":\"pager\"}"), 400).get("field").asText()).isEqualTo("type");
        assertThat(json(call(admin, "POST", "/v1/alerts/" + id + "/channels", "{\"type\":\"webhook\",\"url\":\"ftp://x\"}"), 400).get("field").asText()).isEqualTo("url");
        assertThat(json(call(admin, "POST", "/v1/alerts/" + id + "/channels", "{\"type\":\"email\",\"to\":\"not an address\"}"), 400).get("field").asText()).isEqualTo("to");
        // Refused at creation over the API, not only at delivery, even where private targets are allowed.
        for (String disguised : List.of("{\"type\":\"webhook\",\"url\":\"http://0x7f000001/hook\"}",
                "{\"type\":\"webhook\",\"url\":\"http://0177.0.0.1/hook\"}",
                "{\"type\":\"slack\",\"webhook_url\":\"http://2130706433/services/x\"}")) {
            JsonNode refused = json(call(admin, "POST", "/v1/alerts/" + id + "/channels", disguised), 400);
            assertThat(refused.get("field").asText()).as(disguised).isIn("url", "webhook_url");
            assertThat(refused.get("error").asText()).as(disguised).contains("ambiguous");
        }
        assertThat(json(call(readOnly, "POST", "/v1/alerts", "{\"name\":\"x\",\"config\":{\"type\":\"new_issue\"}}"), 403).get("scope").asText()).isEqualTo("alerts:write");
        assertThat(call(admin, "PUT", "/v1/alerts/999999", "{\"name\":\"nope\"}").statusCode()).isEqualTo(404);
        assertThat(json(call(admin, "DELETE", "/v1/alerts/" + id, null), 200).get("deleted").asLong()).isEqualTo(id);
        assertThat(call(admin, "DELETE", "/v1/alerts/" + id, null).statusCode()).isEqualTo(404);
        // Another project's token sees none of these rules.
        BLOOP.addProject("p-alerts", "alerts-b", "bloop_pk_alerts_b", "bloop_sk_alerts_b_secret");
        String other = BLOOP.token("other", "p-alerts", Scope.ALERTS_READ, Scope.ALERTS_WRITE);
        assertThat(json(call(other, "GET", "/v1/alerts", null), 200)).isEmpty();
        long mine = rule("{\"name\":\"mine\",\"config\":{\"type\":\"regression\"}}");
        assertThat(call(other, "GET", "/v1/alerts/" + mine + "/channels", null).statusCode()).isEqualTo(404);
        assertThat(call(other, "DELETE", "/v1/alerts/" + mine, null).statusCode()).isEqualTo(404);
    }
}
