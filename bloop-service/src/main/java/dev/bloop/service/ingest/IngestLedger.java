package dev.bloop.service.ingest;

import dev.bloop.service.store.Database;
import dev.bloop.service.store.PeriodicFlush;
import io.dropwizard.lifecycle.Managed;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What ingest refused or dropped per project, hour and reason (quota, filters, invalid events):
 * counted in memory on the hot path and written every few seconds in one small transaction, so an
 * operator can see what a leaked secret or a misconfigured app cost without a write per request.
 */
public final class IngestLedger implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(IngestLedger.class);
    private static final long HOUR_MS = 3_600_000L;
    private static final long FLUSH_SECONDS = 5;

    private record Key(String projectId, long hour, String reason) {
    }

    private final Jdbi writer;
    private final Jdbi reader;
    private final Map<Key, LongAdder> pending = new ConcurrentHashMap<>();
    private final PeriodicFlush periodic = new PeriodicFlush("bloop-ingest-ledger", FLUSH_SECONDS, this::flush);

    public IngestLedger(Database db) {
        this.writer = db.writer();
        this.reader = db.reader();
    }

    void count(String projectId, String reason, long events) {
        long hour = Math.floorDiv(System.currentTimeMillis(), HOUR_MS) * HOUR_MS;
        pending.computeIfAbsent(new Key(projectId, hour, reason), k -> new LongAdder()).add(events);
    }

    /** Per reason, the last 24 hours (what is not written yet included). */
    public Map<String, Long> last24h(String projectId) {
        long since = Math.floorDiv(System.currentTimeMillis(), HOUR_MS) * HOUR_MS - 23 * HOUR_MS;
        Map<String, Long> out = new LinkedHashMap<>();
        reader.useHandle(h -> h.createQuery("SELECT reason, sum(count) FROM ingest_ledger WHERE project_id = :p "
                        + "AND hour_bucket >= :s GROUP BY reason ORDER BY reason")
                .bind("p", projectId).bind("s", since)
                .map((rs, ctx) -> out.put(rs.getString(1), rs.getLong(2))).list());
        pending.forEach((k, v) -> {
            if (k.projectId().equals(projectId) && k.hour() >= since) {
                out.merge(k.reason(), v.sum(), Long::sum);
            }
        });
        return out;
    }

    @Override
    public void start() {
        periodic.start();
    }

    @Override
    public void stop() throws InterruptedException {
        periodic.stop();
    }

    void flush() {
        if (pending.isEmpty()) {
            return;
        }
        Map<Key, Long> taken = new LinkedHashMap<>();
        for (Key k : pending.keySet()) {
            LongAdder a = pending.remove(k);
            if (a != null && a.sum() > 0) {
                taken.merge(k, a.sum(), Long::sum);
            }
        }
        try {
            writer.useTransaction(h -> {
                var batch = h.prepareBatch("INSERT INTO ingest_ledger (project_id, hour_bucket, reason, count) "
                        + "VALUES (:p, :h, :r, :c) ON CONFLICT (project_id, hour_bucket, reason) "
                        + "DO UPDATE SET count = ingest_ledger.count + excluded.count");
                taken.forEach((k, n) -> batch.bind("p", k.projectId()).bind("h", k.hour()).bind("r", k.reason())
                        .bind("c", n).add());
                batch.execute();
            });
        } catch (RuntimeException e) {
            // Kept for the next try; the counts are statistics, not events, so a failing store costs nothing else.
            taken.forEach((k, n) -> pending.computeIfAbsent(k, x -> new LongAdder()).add(n));
            LOG.debug("Ingest ledger not written: {}", e.getMessage());
        }
    }
}
