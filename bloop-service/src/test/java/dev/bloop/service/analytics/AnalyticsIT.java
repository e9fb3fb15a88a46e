package dev.bloop.service.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The analytics API over real HTTP, on a database holding the generated 14-day dataset (written
 * before the server starts, through the real writer): every endpoint's numbers against
 * {@link Reference}, the parameters and their 400s, scopes, and new events reaching the answers.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AnalyticsIT {
    static {
        ConsoleCapture.install();
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long H = 3_600_000L;
    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of("BLOOP__ANALYTICS__ENABLED", "true",
            "BLOOP__ANALYTICS__REFRESH_INTERVAL", "200ms"));
    private static final FourteenDays DATA = new FourteenDays(Mirror.hourOf(System.currentTimeMillis()));
    private static final Reference REF = new Reference(DATA);

    static {
        try {
            DATA.writeTo(BLOOP);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static String token;

    @BeforeAll
    static void waitForTheFirstCopy() throws Exception {
        token = BLOOP.token("analyst", "default", Scope.ERRORS_READ);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpResponse<String> r;
        while ((r = get("/v1/analytics/environments")).statusCode() == 503) {
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            assertThat(System.nanoTime()).as("analytics loaded in time").isLessThan(deadline);
            Thread.sleep(100);
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static HttpResponse<String> get(String path) {
        return BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url(path)))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private static JsonNode ok(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** The last hour of the window an answer covers (the copy's current hour). */
    private static int hi(JsonNode answer) {
        return Mirror.hourOf(answer.get("window_start").asLong()) + answer.get("hours").asInt() - 1;
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }

    @Test
    void spikesMatchTheReferenceAndFindThePlantedSpikeAndTheNewIssue() throws Exception {
        for (String env : new String[] {null, "prod", "staging"}) {
            JsonNode r = ok("/v1/analytics/spikes" + (env == null ? "" : "?environment=" + env));
            int hi = hi(r);
            int lo = hi - 71;
            Reference.Spikes expected = REF.spikes(env, lo, hi, 3, 12, 2.5, 20);
            assertThat(texts(r.get("spikes"), "fingerprint")).as("spikes in " + env)
                    .containsExactlyElementsOf(expected.spikes().stream().map(Reference.Spike::fingerprint).toList());
            for (int i = 0; i < expected.spikes().size(); i++) {
                JsonNode got = r.get("spikes").get(i);
                Reference.Spike want = expected.spikes().get(i);
                assertThat(got.get("hour_bucket").asLong()).isEqualTo(want.hour() * H);
                assertThat(got.get("count").asLong()).isEqualTo(want.count());
                assertThat(got.get("baseline_hours").asInt()).isEqualTo(want.baselineHours());
                assertThat(got.get("baseline_mean").asDouble()).isCloseTo(want.mean(), within(1e-9));
                assertThat(got.get("baseline_sd").asDouble()).isCloseTo(want.sd(), within(1e-9));
                assertThat(got.get("zscore").asDouble()).isCloseTo(want.z(), within(1e-9));
                assertThat(JSON.convertValue(got.get("series"), long[].class))
                        .containsExactly(REF.series(message(want.fingerprint()), env, lo, hi));
            }
            assertThat(texts(r.get("new"), "fingerprint")).as("new in " + env)
                    .containsExactlyElementsOf(expected.fresh().stream().map(Reference.New::fingerprint).toList());
        }
        JsonNode all = ok("/v1/analytics/spikes");
        assertThat(all.get("spikes").get(0).get("fingerprint").asText()).isEqualTo(FourteenDays.fingerprint(FourteenDays.SPIKE));
        assertThat(all.get("spikes").get(0).get("message").asText()).isEqualTo(FourteenDays.SPIKE);
        assertThat(texts(all.get("new"), "fingerprint")).contains(FourteenDays.fingerprint(FourteenDays.NEW));
        assertThat(texts(all.get("spikes"), "fingerprint")).doesNotContain(FourteenDays.fingerprint(FourteenDays.NEW));
        assertThat(all.get("as_of").asLong()).isLessThanOrEqualTo(System.currentTimeMillis());
    }

    @Test
    void moversMatchTheReferenceAndMarkNewAndVanishedIssues() throws Exception {
        for (int hours : new int[] {24, 72, 168}) {
            for (String env : new String[] {null, "prod"}) {
                JsonNode r = ok("/v1/analytics/movers?hours=" + hours + (env == null ? "" : "&environment=" + env));
                List<Reference.Move> expected = REF.movers(env, hours, hi(r), 20);
                assertThat(texts(r.get("movers"), "fingerprint")).as("movers " + hours + " h in " + env)
                        .containsExactlyElementsOf(expected.stream().map(Reference.Move::fingerprint).toList());
                for (int i = 0; i < expected.size(); i++) {
                    JsonNode got = r.get("movers").get(i);
                    Reference.Move want = expected.get(i);
                    assertThat(got.get("count_current").asLong()).isEqualTo(want.current());
                    assertThat(got.get("count_previous").asLong()).isEqualTo(want.previous());
                    assertThat(got.get("delta").asLong()).isEqualTo(want.current() - want.previous());
                    if (want.previous() == 0) {
                        assertThat(got.get("change").asText()).isEqualTo("new");
                        assertThat(got.get("delta_pct").isNull()).isTrue();
                    } else if (want.current() == 0) {
                        assertThat(got.get("change").asText()).isEqualTo("vanished");
                        assertThat(got.get("delta_pct").isNull()).isTrue();
                    } else {
                        assertThat(got.get("delta_pct").asDouble()).isCloseTo(
                                (want.current() - want.previous()) * 100.0 / want.previous(), within(1e-9));
                    }
                }
            }
        }
        JsonNode week = ok("/v1/analytics/movers?hours=72");
        JsonNode vanished = find(week.get("movers"), FourteenDays.VANISHED);
        assertThat(vanished.get("change").asText()).isEqualTo("vanished");
    }

    @Test
    void correlationsMatchTheReferenceWithEachPairOnceAndFindBothPlantedPairs() throws Exception {
        for (int hours : new int[] {24, 72, 336}) {
            for (String env : new String[] {null, "staging"}) {
                JsonNode r = ok("/v1/analytics/correlations?hours=" + hours + "&limit=100"
                        + (env == null ? "" : "&environment=" + env));
                int hi = hi(r);
                List<Reference.Pair> expected = REF.correlations(env, hi - hours + 1, hi, 6, 0.7, 100);
                List<String> got = new ArrayList<>();
                r.get("pairs").forEach(p -> got.add(p.get("fingerprint_a").asText() + "/" + p.get("fingerprint_b").asText()));
                assertThat(got).as("pairs over " + hours + " h in " + env)
                        .containsExactlyElementsOf(expected.stream().map(p -> p.a() + "/" + p.b()).toList())
                        .doesNotHaveDuplicates();
                for (int i = 0; i < expected.size(); i++) {
                    JsonNode p = r.get("pairs").get(i);
                    assertThat(p.get("correlation").asDouble()).isCloseTo(expected.get(i).r(), within(1e-9));
                    assertThat(p.get("shared_hours").asInt()).isEqualTo(expected.get(i).shared());
                    assertThat(p.get("hours").asInt()).isEqualTo(hours);
                    assertThat(p.get("fingerprint_a").asText()).isLessThan(p.get("fingerprint_b").asText());
                }
            }
        }
        JsonNode r = ok("/v1/analytics/correlations?hours=72&limit=100");
        String pair = pairKey(FourteenDays.PAIR_A, FourteenDays.PAIR_B);
        String days = pairKey(FourteenDays.DAY_A, FourteenDays.DAY_B);
        List<String> keys = new ArrayList<>();
        r.get("pairs").forEach(p -> keys.add(p.get("fingerprint_a").asText() + "/" + p.get("fingerprint_b").asText()));
        assertThat(keys).contains(pair, days);
        r.get("pairs").forEach(p -> {
            String key = p.get("fingerprint_a").asText() + "/" + p.get("fingerprint_b").asText();
            if (key.equals(pair)) {
                assertThat(p.get("correlation").asDouble()).isGreaterThan(0.9);
            } else if (key.equals(days)) {   // never in the same hour: found without a shared hour
                assertThat(p.get("correlation").asDouble()).isLessThan(-0.7);
                assertThat(p.get("shared_hours").asInt()).isZero();
            }
        });
    }

    @Test
    void environmentsMatchTheReferenceWithZeroHoursInThePercentiles() throws Exception {
        for (int hours : new int[] {1, 24, 72, 720}) {
            JsonNode r = ok("/v1/analytics/environments?hours=" + hours);
            int hi = hi(r);
            List<Reference.Env> expected = REF.environments(hi - hours + 1, hi);
            assertThat(texts(r.get("environments"), "environment"))
                    .containsExactlyElementsOf(expected.stream().map(Reference.Env::environment).toList());
            assertThat(r.get("total_count").asLong()).isEqualTo(expected.stream().mapToLong(Reference.Env::total).sum());
            for (int i = 0; i < expected.size(); i++) {
                JsonNode got = r.get("environments").get(i);
                Reference.Env want = expected.get(i);
                assertThat(got.get("total_count").asLong()).isEqualTo(want.total());
                assertThat(got.get("unique_issues").asLong()).isEqualTo(want.uniqueIssues());
                assertThat(got.get("share_pct").asDouble()).isCloseTo(want.share(), within(1e-9));
                assertThat(got.get("p50_hourly").asDouble()).isCloseTo(want.p50(), within(1e-9));
                assertThat(got.get("p90_hourly").asDouble()).isCloseTo(want.p90(), within(1e-9));
                assertThat(got.get("p99_hourly").asDouble()).isCloseTo(want.p99(), within(1e-9));
            }
        }
        JsonNode staging = ok("/v1/analytics/environments?environment=staging");
        assertThat(staging.get("environments")).hasSize(1);
        assertThat(staging.get("environments").get(0).get("share_pct").asDouble()).isLessThan(100);
    }

    @Test
    void releaseImpactMatchesTheReferenceAndFlagsTheBadRelease() throws Exception {
        for (String env : new String[] {null, "prod", "staging"}) {
            JsonNode r = ok("/v1/analytics/releases" + (env == null ? "" : "?environment=" + env));
            List<Reference.Release> expected = REF.releases(env);
            assertThat(texts(r.get("releases"), "release"))
                    .containsExactlyElementsOf(expected.stream().map(Reference.Release::release).toList());
            for (int i = 0; i < expected.size(); i++) {
                JsonNode got = r.get("releases").get(i);
                Reference.Release want = expected.get(i);
                assertThat(got.get("first_seen").asLong()).isEqualTo(want.firstSeen());
                assertThat(got.get("last_seen").asLong()).isEqualTo(want.lastSeen());
                assertThat(got.get("events").asLong()).isEqualTo(want.events());
                assertThat(got.get("issues").asLong()).isEqualTo(want.issues());
                assertThat(got.get("new_issues").asLong()).isEqualTo(want.newIssues());
                assertThat(got.get("regressions").asLong()).isEqualTo(want.regressions());
                assertThat(got.get("exposure_hours").asDouble()).isCloseTo(want.exposureHours(), within(1e-9));
                assertThat(got.get("events_per_hour").asDouble()).isCloseTo(want.perHour(), within(1e-9));
                if (want.changePct() == null) {
                    assertThat(got.get("rate_change_pct").isNull()).isTrue();
                } else {
                    assertThat(got.get("rate_change_pct").asDouble()).isCloseTo(want.changePct(), within(1e-9));
                }
                if (want.impact() == null) {
                    assertThat(got.get("impact_score").isNull()).isTrue();
                } else {
                    assertThat(got.get("impact_score").asDouble()).isCloseTo(want.impact(), within(1e-9));
                }
            }
        }
        JsonNode all = ok("/v1/analytics/releases");
        JsonNode bad = all.get("releases").get(2);
        assertThat(bad.get("release").asText()).isEqualTo("2.0");
        assertThat(bad.get("regressions").asInt()).isEqualTo(1);
        assertThat(bad.get("new_issues").asInt()).isEqualTo(2);   // the crash and the brand-new issue
        assertThat(bad.get("impact_score").asDouble()).isGreaterThan(all.get("releases").get(1).get("impact_score").asDouble());

        JsonNode lastTwo = ok("/v1/analytics/releases?limit=2");
        assertThat(texts(lastTwo.get("releases"), "release")).containsExactly("1.1", "2.0");
        JsonNode one = ok("/v1/analytics/releases?release=2.0");
        assertThat(texts(one.get("releases"), "release")).containsExactly("2.0");
        assertThat(one.get("releases").get(0).get("previous_release").asText()).isEqualTo("1.1");
    }

    @Test
    void badParametersAnswer400NamingTheParameter() throws Exception {
        String[][] cases = {
            {"/v1/analytics/movers?hours=0", "hours"},
            {"/v1/analytics/movers?hours=721", "hours"},
            {"/v1/analytics/correlations?hours=abc", "hours"},
            {"/v1/analytics/environments?limit=0", "limit"},
            {"/v1/analytics/spikes?limit=101", "limit"},
            {"/v1/analytics/spikes?hours=10", "hours"},
            {"/v1/analytics/spikes?release=2.0", "release"},
            {"/v1/analytics/movers?release=2.0", "release"},
            {"/v1/analytics/releases?hours=24", "hours"},
            {"/v1/analytics/environments?environment=" + "e".repeat(600), "environment"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = get(c[0]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.get("field").asText()).as(c[0]).isEqualTo(c[1]);
            assertThat(body.get("error").asText()).as(c[0]).contains(c[1]);
        }
    }

    @Test
    void analyticsNeedsAValidTokenWithErrorsRead() {
        String alertsOnly = BLOOP.token("alerts-bot", "default", Scope.ALERTS_READ);
        HttpResponse<String> forbidden = BloopTestApp.send(HttpRequest.newBuilder(URI.create(
                BLOOP.url("/v1/analytics/spikes"))).header("Authorization", "Bearer " + alertsOnly).GET().build());
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.body()).contains("errors:read");
        assertThat(BLOOP.get(BLOOP.url("/v1/analytics/releases")).statusCode()).isEqualTo(401);
    }

    @Test
    void eventsSentNowReachTheAnswersWithinTheRefreshAndAreCountedOnce() throws Exception {
        // A project of its own, so the fixture's answers in the default project stay as planned.
        BLOOP.addProject("canary", "canary", "bloop_pk_canary", "canary-secret-0123456789");
        String canaryToken = BLOOP.token("canary", "canary", Scope.ERRORS_READ);
        long sent = System.currentTimeMillis();
        for (String name : List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf")) {
            String body = BloopTestApp.event("canary failure in " + name);
            HttpResponse<String> r = BLOOP.post("/v1/ingest", body, Map.of("Content-Type", "application/json",
                    "X-Project-Key", "bloop_pk_canary",
                    "X-Signature", dev.bloop.api.Signatures.sign("canary-secret-0123456789", body)));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode r;
        while (true) {
            r = canary(canaryToken, "/v1/analytics/environments?hours=1");
            if (r.get("environments").size() == 1 && r.get("as_of").asLong() > sent + 200) {
                break;
            }
            assertThat(System.nanoTime()).as("new events reached analytics").isLessThan(deadline);
            Thread.sleep(100);
        }
        Thread.sleep(1_000);   // several more refreshes: the hour in progress is replaced, never added again
        r = canary(canaryToken, "/v1/analytics/environments?hours=1");
        assertThat(r.get("total_count").asLong()).isEqualTo(7);
        assertThat(r.get("environments").get(0).get("unique_issues").asLong()).isEqualTo(7);
        assertThat(canary(canaryToken, "/v1/analytics/spikes").get("new")).hasSize(7);
        // and none of it in the default project
        assertThat(ok("/v1/analytics/spikes").toString()).doesNotContain("canary failure");
    }

    private static JsonNode canary(String canaryToken, String path) throws Exception {
        HttpResponse<String> r = BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url(path)))
                .header("Authorization", "Bearer " + canaryToken).GET().build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static String message(String fingerprint) {
        return FourteenDays.ALL.stream().filter(m -> FourteenDays.fingerprint(m).equals(fingerprint)).findFirst()
                .orElseThrow();
    }

    private static JsonNode find(JsonNode array, String message) {
        String fp = FourteenDays.fingerprint(message);
        for (JsonNode n : array) {
            if (n.get("fingerprint").asText().equals(fp)) {
                return n;
            }
        }
        throw new AssertionError(message + " not in " + array);
    }

    private static String pairKey(String a, String b) {
        String fa = FourteenDays.fingerprint(a);
        String fb = FourteenDays.fingerprint(b);
        return fa.compareTo(fb) < 0 ? fa + "/" + fb : fb + "/" + fa;
    }
}
