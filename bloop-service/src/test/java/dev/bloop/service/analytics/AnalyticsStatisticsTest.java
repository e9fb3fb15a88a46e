package dev.bloop.service.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bloop.api.analytics.CorrelatedPair;
import dev.bloop.api.analytics.EnvironmentBreakdown;
import dev.bloop.api.analytics.EnvironmentsReport;
import dev.bloop.api.analytics.Mover;
import dev.bloop.api.analytics.MoversReport;
import dev.bloop.api.analytics.NewIssue;
import dev.bloop.api.analytics.ReleaseImpact;
import dev.bloop.api.analytics.ReleasesReport;
import dev.bloop.api.analytics.Spike;
import dev.bloop.api.analytics.SpikesReport;
import dev.bloop.service.pipeline.AcceptedEvent;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.retention.PurgeService;
import dev.bloop.service.retention.RetentionConfig;
import dev.bloop.service.store.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The statistics on small datasets whose answers are worked out by hand (in the comments), written
 * through the real writer into a real SQLite file and copied into DuckDB by the real refresher; plus
 * the copy's bookkeeping: a restart, new events, purged hours, the cache.
 */
class AnalyticsStatisticsTest {
    private static final long H = 3_600_000L;
    /** The current hour of these tests, and "now" half an hour into it. */
    private static final int T = 480_000;
    private static final long NOW = T * H + 30 * 60_000L;

    private static final String SPIKE = "hand spike";
    private static final String NEW = "hand new";
    private static final String GONE = "hand gone";
    private static final String X = "hand x";
    private static final String Y = "hand y";

    @RegisterExtension
    final TestDatabase test = new TestDatabase();

    private final List<DuckDb> opened = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong(NOW);

    @AfterEach
    void closeDuckDb() {
        opened.forEach(DuckDb::close);
    }

    private static AnalyticsConfig config() {
        AnalyticsConfig c = new AnalyticsConfig();
        c.setEnabled(true);
        return c;   // defaults: 3 recent hours, 12-hour baseline, z 2.5, 6 active hours, |r| 0.7
    }

    /** A started analytics module over the test database: DuckDB, the copy (refreshed once), the service. */
    private final class Engine {
        final Mirror mirror;
        final AnalyticsService service;

        Engine(AnalyticsConfig config) throws Exception {
            // Its own file: a test may keep an earlier engine open to compare against (one server has one).
            int n = opened.size();
            DuckDb duck = new DuckDb(config, test.dir().resolve("analytics-" + n + ".duckdb"),
                    test.dir().resolve("analytics-tmp-" + n));
            opened.add(duck);
            mirror = new Mirror(test.db().reader(), test.db().dialect(), duck.writer(), clock::get);
            service = new AnalyticsService(test.db().reader(), duck, mirror, config);
            mirror.refresh();
        }
    }

    private static AcceptedEvent at(String message, String env, String release, int hour, int i) {
        return PastEvents.event("default", message, env, release, hour * H + 60_000 + i * 10L);
    }

    private static void add(List<AcceptedEvent> out, String message, String env, String release, int hour, int n) {
        for (int i = 0; i < n; i++) {
            out.add(at(message, env, release, hour, i));
        }
    }

    /**
     * prod: SPIKE has 2, 0, 2, 0, 2, 0, 0, 4, 0, 4, 0, 4 events in the hours T−14..T−3, none at T−2,
     * 10 at T−1 and 2 at T; it is resolved at T−2 and comes back at T−1 in release 2.0. GONE has
     * 4 events at T−3 only. NEW appears at T−1 (5) and T (2). Releases: 1.0 before T−2, 2.0 after.
     * lab: X = 1..6 and Y = 2, 4, 6, 8, 10, 13 over T−5..T, release lab-1.
     */
    private void handDataset() throws Exception {
        List<AcceptedEvent> before = new ArrayList<>();
        int[] baseline = {2, 0, 2, 0, 2, 0, 0, 4, 0, 4, 0, 4};
        for (int h = T - 14; h <= T - 3; h++) {
            add(before, SPIKE, "prod", "1.0", h, baseline[h - (T - 14)]);
        }
        add(before, GONE, "prod", "1.0", T - 3, 4);
        int[] ys = {2, 4, 6, 8, 10, 13};
        for (int i = 0; i < 3; i++) {
            add(before, X, "lab", "lab-1", T - 5 + i, i + 1);
            add(before, Y, "lab", "lab-1", T - 5 + i, ys[i]);
        }
        PastEvents.write(test.db(), before);
        test.write(h -> h.execute("UPDATE error_groups SET status = 'resolved' WHERE fingerprint = ?",
                PastEvents.fingerprint(SPIKE)));
        List<AcceptedEvent> after = new ArrayList<>();
        for (int i = 3; i < 6; i++) {
            add(after, X, "lab", "lab-1", T - 5 + i, i + 1);
            add(after, Y, "lab", "lab-1", T - 5 + i, ys[i]);
        }
        add(after, SPIKE, "prod", "2.0", T - 1, 10);
        add(after, NEW, "prod", "2.0", T - 1, 5);
        add(after, SPIKE, "prod", "2.0", T, 2);
        add(after, NEW, "prod", "2.0", T, 2);
        PastEvents.write(test.db(), after);
    }

    private static AnalyticsService.Ask ask(int hours, String env) {
        return new AnalyticsService.Ask(hours, 20, env, null);
    }

    @Test
    void aSpikeIsScoredAgainstTheZeroFilledBaselineOfTheIssuesEarlierHours() throws Exception {
        handDataset();
        SpikesReport r = new Engine(config()).service.spikes("default", ask(15, null));

        // Baseline T−14..T−3 (12 hours, six of them without events): three 2s, three 4s, six 0s.
        // mean = 18/12 = 1.5; sample variance = (3·0.5² + 3·2.5² + 6·1.5²)/11 = 33/11 = 3, sd = √3.
        // The recent hours T−2, T−1, T hold 0, 10, 2; the best is T−1: z = (10 − 1.5)/√3 = 4.9074772.
        // (Skipping the hours without events, as the original did, would give mean 3, sd 1.095 and z 6.39.)
        assertThat(r.spikes()).hasSize(1);
        Spike s = r.spikes().get(0);
        assertThat(s.fingerprint()).isEqualTo(PastEvents.fingerprint(SPIKE));
        assertThat(s.hourBucket()).isEqualTo((T - 1) * H);
        assertThat(s.count()).isEqualTo(10);
        assertThat(s.baselineHours()).isEqualTo(12);
        assertThat(s.baselineMean()).isCloseTo(1.5, within(1e-12));
        assertThat(s.baselineSd()).isCloseTo(Math.sqrt(3), within(1e-12));
        assertThat(s.zscore()).isCloseTo(8.5 / Math.sqrt(3), within(1e-9));
        assertThat(s.series()).containsExactly(2L, 0L, 2L, 0L, 2L, 0L, 0L, 4L, 0L, 4L, 0L, 4L, 0L, 10L, 2L);
        assertThat(s.status()).isEqualTo("unresolved");
        assertThat(r.windowStart()).isEqualTo((T - 14) * H);
        assertThat(r.asOf()).isEqualTo(NOW);
    }

    @Test
    void issuesYoungerThanTheBaselineAreListedAsNewNotScored() throws Exception {
        handDataset();
        SpikesReport r = new Engine(config()).service.spikes("default", ask(15, null));

        // NEW, X and Y began less than 12 hours before the recent hours; their events in T−2..T:
        // Y 8+10+13 = 31, X 4+5+6 = 15, NEW 5+2 = 7. GONE has none in the recent hours.
        assertThat(r.newIssues()).extracting(NewIssue::fingerprint).containsExactly(PastEvents.fingerprint(Y),
                PastEvents.fingerprint(X), PastEvents.fingerprint(NEW));
        assertThat(r.newIssues()).extracting(NewIssue::recentCount).containsExactly(31L, 15L, 7L);
        assertThat(r.newIssues().get(2).firstSeen()).isEqualTo((T - 1) * H + 60_000);
        assertThat(r.spikes()).extracting(Spike::fingerprint).doesNotContain(PastEvents.fingerprint(NEW));
    }

    @Test
    void moversCompareTwoWindowsAndMarkNewAndVanishedIssuesInsteadOfGuessingPercentages() throws Exception {
        handDataset();
        MoversReport r = new Engine(config()).service.movers("default", ask(2, null));

        // This window T−1..T against T−3..T−2: Y 23 vs 14 (+9, +64.29 %), SPIKE 12 vs 4 (+8, +200 %),
        // NEW 7 vs 0 (new), X 11 vs 7 (+4, +57.14 %), GONE 0 vs 4 (vanished). Ties by fingerprint.
        List<String> fours = sorted(X, GONE);
        assertThat(r.movers()).extracting(Mover::fingerprint).containsExactly(PastEvents.fingerprint(Y),
                PastEvents.fingerprint(SPIKE), PastEvents.fingerprint(NEW), fours.get(0), fours.get(1));
        Mover spike = find(r.movers(), SPIKE);
        assertThat(spike.countCurrent()).isEqualTo(12);
        assertThat(spike.countPrevious()).isEqualTo(4);
        assertThat(spike.delta()).isEqualTo(8);
        assertThat(spike.deltaPct()).isCloseTo(200.0, within(1e-9));
        assertThat(spike.change()).isEqualTo("up");
        assertThat(find(r.movers(), Y).deltaPct()).isCloseTo(900.0 / 14, within(1e-9));
        Mover fresh = find(r.movers(), NEW);
        assertThat(fresh.change()).isEqualTo("new");
        assertThat(fresh.deltaPct()).isNull();
        Mover gone = find(r.movers(), GONE);
        assertThat(gone.change()).isEqualTo("vanished");
        assertThat(gone.delta()).isEqualTo(-4);
        assertThat(gone.deltaPct()).isNull();
        assertThat(r.previousStart()).isEqualTo((T - 3) * H);
    }

    @Test
    void pearsonCorrelationOfTwoIssuesMatchesTheHandComputedValue() throws Exception {
        handDataset();
        List<CorrelatedPair> pairs = new Engine(config()).service.correlations("default", ask(6, "lab")).pairs();

        // X = 1..6 (mean 3.5, Σd² = 17.5), Y = 2,4,6,8,10,13 (mean 43/6, Σd² = 80.8333), Σdxdy = 37.5:
        // r = 37.5 / √(17.5 · 80.8333) = 0.9970501411.
        assertThat(pairs).hasSize(1);
        CorrelatedPair p = pairs.get(0);
        assertThat(List.of(p.fingerprintA(), p.fingerprintB())).isEqualTo(sorted(X, Y));
        assertThat(p.fingerprintA()).isLessThan(p.fingerprintB());
        assertThat(p.correlation()).isCloseTo(0.9970501410659874, within(1e-12));
        assertThat(p.hours()).isEqualTo(6);
        assertThat(p.sharedHours()).isEqualTo(6);
    }

    @Test
    void environmentPercentilesCountTheHoursWithoutEvents() throws Exception {
        handDataset();
        EnvironmentsReport r = new Engine(config()).service.environments("default", ask(6, null));

        // Window T−5..T. lab hourly: 3, 6, 9, 12, 15, 19 (64 events). p50 at rank 2.5 = 9 + 0.5·3 = 10.5;
        // p90 at 4.5 = 15 + 0.5·4 = 17; p99 at 4.95 = 15 + 0.95·4 = 18.8.
        // prod hourly: 4, 0, 8, 0, 15, 4 (31 events; T−4 and T−2 have none). Sorted 0, 0, 4, 4, 8, 15:
        // p50 at 2.5 = 4; p90 at 4.5 = 8 + 0.5·7 = 11.5; p99 at 4.95 = 8 + 0.95·7 = 14.65. Shares 64/95, 31/95.
        assertThat(r.totalCount()).isEqualTo(95);
        assertThat(r.environments()).extracting(EnvironmentBreakdown::environment).containsExactly("lab", "prod");
        EnvironmentBreakdown lab = r.environments().get(0);
        assertThat(lab.totalCount()).isEqualTo(64);
        assertThat(lab.uniqueIssues()).isEqualTo(2);
        assertThat(lab.sharePct()).isCloseTo(6400.0 / 95, within(1e-9));
        assertThat(lab.p50Hourly()).isCloseTo(10.5, within(1e-9));
        assertThat(lab.p90Hourly()).isCloseTo(17.0, within(1e-9));
        assertThat(lab.p99Hourly()).isCloseTo(18.8, within(1e-9));
        EnvironmentBreakdown prod = r.environments().get(1);
        assertThat(prod.totalCount()).isEqualTo(31);
        assertThat(prod.uniqueIssues()).isEqualTo(3);
        assertThat(prod.p50Hourly()).isCloseTo(4.0, within(1e-9));
        assertThat(prod.p90Hourly()).isCloseTo(11.5, within(1e-9));
        assertThat(prod.p99Hourly()).isCloseTo(14.65, within(1e-9));
    }

    @Test
    void releaseImpactComparesEventRatesPerHourOfExposureAndCountsNewIssuesAndRegressions() throws Exception {
        handDataset();
        ReleasesReport r = new Engine(config()).service.releases("default", new AnalyticsService.Ask(0, 20, "prod", null));

        // prod 1.0: SPIKE 18 + GONE 4 = 22 events, first at T−14 +1 min, last at T−3 +1 min +30 ms
        // (GONE's 4th event). 2.0: SPIKE 12 + NEW 7 = 19 events, T−1 +1 min .. T +1 min +10 ms.
        assertThat(r.releases()).extracting(ReleaseImpact::release).containsExactly("1.0", "2.0");
        ReleaseImpact one = r.releases().get(0);
        double exposureOne = (11 * H + 30) / (double) H;
        assertThat(one.events()).isEqualTo(22);
        assertThat(one.issues()).isEqualTo(2);
        assertThat(one.newIssues()).isEqualTo(2);
        assertThat(one.regressions()).isZero();
        assertThat(one.exposureHours()).isCloseTo(exposureOne, within(1e-12));
        assertThat(one.rateChangePct()).isNull();
        assertThat(one.impactScore()).as("the first release has nothing to compare with").isNull();

        ReleaseImpact two = r.releases().get(1);
        double exposureTwo = (H + 10) / (double) H;
        double change = (19 / exposureTwo - 22 / exposureOne) / (22 / exposureOne) * 100;   // ≈ +850 %
        assertThat(two.events()).isEqualTo(19);
        assertThat(two.issues()).isEqualTo(2);
        assertThat(two.newIssues()).isEqualTo(1);            // NEW; SPIKE was first seen in 1.0
        assertThat(two.regressions()).isEqualTo(1);          // SPIKE, resolved at T−2, back at T−1 in 2.0
        assertThat(two.previousRelease()).isEqualTo("1.0");
        assertThat(two.rateChangePct()).isCloseTo(change, within(1e-9));
        assertThat(two.impactScore()).isCloseTo(10 + 5 + change / 10, within(1e-9));

        // Without the filter, lab-1 (first seen at T−5) sits between them in order of first appearance.
        assertThat(new Engine(config()).service.releases("default", new AnalyticsService.Ask(0, 20, null, null))
                .releases()).extracting(ReleaseImpact::release).containsExactly("1.0", "lab-1", "2.0");
    }

    @Test
    void aRestartRebuildsTheSameAnswersFromSqlite() throws Exception {
        new FourteenDays(T).writeTo(test.db(), "default");
        Engine first = new Engine(config());
        Engine second = new Engine(config());
        for (int hours : new int[] {24, 72, 336}) {
            assertThat(second.service.spikes("default", ask(hours, null)))
                    .isEqualTo(first.service.spikes("default", ask(hours, null)));
            assertThat(second.service.movers("default", ask(hours, null)))
                    .isEqualTo(first.service.movers("default", ask(hours, null)));
            assertThat(second.service.correlations("default", ask(hours, null)))
                    .isEqualTo(first.service.correlations("default", ask(hours, null)));
            assertThat(second.service.environments("default", ask(hours, null)))
                    .isEqualTo(first.service.environments("default", ask(hours, null)));
        }
        assertThat(second.service.releases("default", ask(0, null)))
                .isEqualTo(first.service.releases("default", ask(0, null)));
    }

    @Test
    void eventsArrivingAfterTheFirstCopyAreCountedOnceHoweverOftenItRefreshes() throws Exception {
        handDataset();
        Engine engine = new Engine(config());
        long before = engine.service.environments("default", ask(24, null)).totalCount();

        List<AcceptedEvent> more = new ArrayList<>();
        add(more, NEW, "prod", "2.0", T, 5);          // the hour in progress, again
        add(more, GONE, "prod", "1.0", T - 10, 3);    // a late commit into an hour copied long ago
        PastEvents.write(test.db(), more);
        clock.addAndGet(60_000);
        for (int i = 0; i < 3; i++) {
            engine.mirror.refresh();
        }
        EnvironmentsReport after = engine.service.environments("default", ask(24, null));
        assertThat(after.totalCount()).isEqualTo(before + 8);
        assertThat(after.totalCount()).isEqualTo(test.count("SELECT sum(count) FROM hourly_counts"));
        assertThat(engine.service.releases("default", ask(0, "prod")).releases().get(1).events()).isEqualTo(19 + 5);
    }

    @Test
    void purgedHoursLeaveAnalyticsAtTheNextRefresh() throws Exception {
        int now = Mirror.hourOf(System.currentTimeMillis());
        clock.set(System.currentTimeMillis());
        FourteenDays data = new FourteenDays(now);
        data.writeTo(test.db(), "default");
        Engine engine = new Engine(config());
        MoversReport before = engine.service.movers("default", ask(168, null));
        assertThat(before.movers()).anyMatch(m -> m.countPrevious() > 0);

        RetentionConfig retention = new RetentionConfig();
        retention.setHourlyCountsDays(7);
        new PurgeService(test.db(), new ProjectStore(test.db()), retention)
                .purge(PurgeService.Options.policy(), "test", line -> { });
        engine.mirror.refresh();

        // The previous week is gone from SQLite, so it is gone from every answer.
        MoversReport after = engine.service.movers("default", ask(168, null));
        assertThat(after.movers()).isNotEmpty().allMatch(m -> m.countPrevious() == 0);
        long kept = test.count("SELECT sum(count) FROM hourly_counts");
        assertThat(engine.service.environments("default", ask(720, null)).totalCount()).isEqualTo(kept);
    }

    @Test
    void anAnswerIsReusedWhileTheDataIsUnchangedAndRecomputedOnceItChanges() throws Exception {
        handDataset();
        Engine engine = new Engine(config());
        SpikesReport first = engine.service.spikes("default", ask(15, null));
        engine.mirror.refresh();   // nothing new
        assertThat(engine.service.spikes("default", ask(15, null))).isSameAs(first);

        List<AcceptedEvent> more = new ArrayList<>();
        add(more, SPIKE, "prod", "2.0", T, 30);
        PastEvents.write(test.db(), more);
        clock.addAndGet(1_000);
        engine.mirror.refresh();
        SpikesReport second = engine.service.spikes("default", ask(15, null));
        assertThat(second).isNotSameAs(first);
        assertThat(second.spikes().get(0).hourBucket()).isEqualTo(T * H);
        assertThat(second.spikes().get(0).count()).isEqualTo(32);
    }

    private static List<String> sorted(String a, String b) {
        return java.util.stream.Stream.of(PastEvents.fingerprint(a), PastEvents.fingerprint(b)).sorted().toList();
    }

    private static Mover find(List<Mover> movers, String message) {
        String fp = PastEvents.fingerprint(message);
        return movers.stream().filter(m -> m.fingerprint().equals(fp)).findFirst().orElseThrow();
    }
}
