package dev.bloop.service.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.service.store.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Settled hours are read once and merged with the live ones; a change to a settled hour is read again. */
class LatencyHistogramsTest {
    private static final long HOUR = LlmQueries.HOUR_MS;
    /** 10:30 on some day: hours before 10:00 are settled, 10:00 is live. */
    private static final long NOW = 1_000 * HOUR + 30 * 60_000L;
    private static final long CURRENT = 1_000 * HOUR;

    @RegisterExtension
    final TestDatabase test = new TestDatabase();
    private final AtomicLong clock = new AtomicLong(NOW);
    private final LatencyHistograms histograms = new LatencyHistograms(clock::get);

    private void row(long hour, String model, long valueMs, long count) {
        test.write(h -> h.execute("INSERT INTO llm_latency_hourly (project_id, kind, hour_bucket, model, value_ms, count) "
                + "VALUES ('default', 'l', ?, ?, ?, ?) ON CONFLICT (project_id, kind, hour_bucket, model, value_ms) "
                + "DO UPDATE SET count = count + excluded.count", hour, model, valueMs, count));
    }

    private static LatencyHistograms.Change change(long hour, String model, long valueMs, long count) {
        return new LatencyHistograms.Change("default", "l", hour, model, valueMs, count);
    }

    private Map<String, LatencyHistograms.Hist> read(long since) {
        return test.read(h -> histograms.byModel(h, "default", "l", since, null));
    }

    @Test
    void settledAndLiveHoursMergeIntoTheExactDistribution() {
        // gpt: 100 ms ×2 and 300 ms two hours ago, 200 ms ×1 and 300 ms an hour ago, 400 ms now.
        row(CURRENT - 2 * HOUR, "gpt", 100, 2);
        row(CURRENT - 2 * HOUR, "gpt", 300, 1);
        row(CURRENT - HOUR, "gpt", 200, 1);
        row(CURRENT - HOUR, "gpt", 300, 1);
        row(CURRENT, "gpt", 400, 1);
        row(CURRENT, "claude", 50, 3);
        // Outside the window (3 hours): never counted.
        row(CURRENT - 5 * HOUR, "gpt", 9_999, 7);

        Map<String, LatencyHistograms.Hist> all = read(CURRENT - 2 * HOUR);
        LatencyHistograms.Hist gpt = all.get("gpt");
        assertThat(gpt.values()).containsExactly(100, 200, 300, 400);
        assertThat(gpt.counts()).containsExactly(2, 1, 2, 1);
        // Sorted: 100 100 200 300 300 400 → p50 at rank 2.5 = 250.
        assertThat(gpt.percentiles().at(0.5)).isEqualTo(250.0);
        assertThat(all.get("claude").counts()).containsExactly(3);
    }

    @Test
    void aSettledHourIsReadOnceUntilTheWriterChangesIt() {
        row(CURRENT - HOUR, "gpt", 100, 1);
        row(CURRENT, "gpt", 200, 1);
        assertThat(read(CURRENT - HOUR).get("gpt").counts()).containsExactly(1, 1);

        // The live hour is read every time.
        row(CURRENT, "gpt", 200, 1);
        assertThat(read(CURRENT - HOUR).get("gpt").counts()).containsExactly(1, 2);

        // A settled hour changed behind the writer's back is not read again (that is the saving)...
        row(CURRENT - HOUR, "gpt", 100, 5);
        assertThat(read(CURRENT - HOUR).get("gpt").counts()).containsExactly(1, 2);
        // ...and a change the writer reports is.
        histograms.written(List.of(change(CURRENT - HOUR, "gpt", 100, 5)));
        assertThat(read(CURRENT - HOUR).get("gpt").counts()).containsExactly(6, 2);
        // A report of the live hour keeps what is settled.
        row(CURRENT - HOUR, "gpt", 100, 1);
        histograms.written(List.of(change(CURRENT, "gpt", 100, 1)));
        assertThat(read(CURRENT - HOUR).get("gpt").counts()).containsExactly(6, 2);
    }

    @Test
    void theLastHourStaysLiveForTheFirstMinutesOfTheNext() {
        // At 10:01 the writer may still be flushing spans received before 10:00: 09:00 is not settled yet.
        clock.set(CURRENT + 60_000);
        row(CURRENT - HOUR, "gpt", 100, 1);
        assertThat(read(CURRENT - HOUR).get("gpt").counts()).containsExactly(1);
        row(CURRENT - HOUR, "gpt", 100, 1);
        assertThat(read(CURRENT - HOUR).get("gpt").counts()).containsExactly(2);
    }

    @Test
    void liveHoursAreReadHourByHourAndALaterHourIsNotMissed() {
        clock.set(CURRENT + 60_000);
        row(CURRENT - HOUR, "gpt", 100, 1);
        row(CURRENT, "gpt", 100, 2);
        row(CURRENT, "gpt", 50, 1);
        // Written by a clock that has since been set back an hour.
        row(CURRENT + HOUR, "gpt", 100, 4);
        row(CURRENT + HOUR, "claude", 70, 1);
        Map<String, LatencyHistograms.Hist> all = read(CURRENT - HOUR);
        assertThat(all.get("gpt").values()).containsExactly(50, 100);
        assertThat(all.get("gpt").counts()).containsExactly(1, 7);
        assertThat(all.get("claude").counts()).containsExactly(1);
    }

    private void keepLive(LatencyHistograms target) {
        test.read(h -> {
            target.keepLiveHours(h);
            return null;
        });
    }

    /** As the LLM writer does: the row in the database, then the change told after the commit. */
    private void committed(LatencyHistograms target, long hour, String model, long valueMs, long count) {
        row(hour, model, valueMs, count);
        target.written(List.of(change(hour, model, valueMs, count)));
    }

    @Test
    void liveHoursAreKeptInMemoryFromTheStartAndAddedToByEachCommit() {
        row(CURRENT - 2 * HOUR, "gpt", 100, 2);
        row(CURRENT, "gpt", 300, 1);
        row(CURRENT, "claude", 50, 3);
        keepLive(histograms);
        committed(histograms, CURRENT, "gpt", 300, 2);
        committed(histograms, CURRENT, "gpt", 200, 1);
        // A replaced trace takes its span out again: a count can fall to 0 and is then not counted.
        committed(histograms, CURRENT, "claude", 50, -3);

        Map<String, LatencyHistograms.Hist> all = read(CURRENT - 2 * HOUR);
        assertThat(all.get("gpt").values()).containsExactly(100, 200, 300);
        assertThat(all.get("gpt").counts()).containsExactly(2, 1, 3);
        assertThat(all.get("claude").percentiles().count()).isZero();
        assertThat(test.read(h -> histograms.byModel(h, "default", "l", CURRENT, "gpt")).get("gpt").counts())
                .containsExactly(1, 3);

        // The live hour is no longer read from the database (that is the saving): a row written behind
        // the writer's back is not seen.
        row(CURRENT, "gpt", 999, 1);
        assertThat(read(CURRENT).get("gpt").values()).containsExactly(200, 300);
    }

    @Test
    void anHourLetGoWhenItSettlesIsReadFromTheDatabase() {
        keepLive(histograms);
        committed(histograms, CURRENT, "gpt", 100, 1);
        // Two hours later, 10:00 is settled and let go at the next commit; its rows come from the database.
        clock.set(NOW + 2 * HOUR);
        committed(histograms, CURRENT + 2 * HOUR, "gpt", 200, 1);
        row(CURRENT, "gpt", 150, 4);
        Map<String, LatencyHistograms.Hist> all = read(CURRENT);
        assertThat(all.get("gpt").values()).containsExactly(100, 150, 200);
        assertThat(all.get("gpt").counts()).containsExactly(1, 4, 1);
    }

    @Test
    void aDeletedProjectAndTooManyValuesAreReadFromTheDatabase() {
        keepLive(histograms);
        committed(histograms, CURRENT, "gpt", 100, 1);
        row(CURRENT, "gpt", 100, 1);
        assertThat(read(CURRENT).get("gpt").counts()).containsExactly(1);
        histograms.forget("default");
        assertThat(read(CURRENT).get("gpt").counts()).containsExactly(2);

        // Four values at most: gpt's one from the start and three of claude.
        LatencyHistograms bounded = new LatencyHistograms(clock::get, 4);
        keepLive(bounded);
        for (long v = 1; v <= 3; v++) {
            committed(bounded, CURRENT, "claude", v, 1);
            row(CURRENT, "claude", 1, 10);
        }
        // Within the bound the kept values are read (the rows added behind its back are not)...
        assertThat(test.read(h -> bounded.byModel(h, "default", "l", CURRENT, "claude")).get("claude").counts())
                .containsExactly(1, 1, 1);
        // ...past it everything is read from the database.
        committed(bounded, CURRENT, "claude", 4, 1);
        assertThat(test.read(h -> bounded.byModel(h, "default", "l", CURRENT, "claude")).get("claude").counts())
                .containsExactly(31, 1, 1, 1);
    }

    @Test
    void mergeSumsEqualValues() {
        LatencyHistograms.Hist a = new LatencyHistograms.Hist(new long[] {1, 3, 5}, new long[] {1, 1, 1});
        LatencyHistograms.Hist b = new LatencyHistograms.Hist(new long[] {2, 3, 6}, new long[] {4, 2, 1});
        LatencyHistograms.Hist m = LatencyHistograms.merge(a, b);
        assertThat(m.values()).containsExactly(1, 2, 3, 5, 6);
        assertThat(m.counts()).containsExactly(1, 4, 3, 1, 1);
    }
}
