package dev.bloop.service.analytics;

import dev.bloop.service.pipeline.AcceptedEvent;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.store.Database;
import java.util.ArrayList;
import java.util.List;

/**
 * A generated 14-day dataset for the analytics tests, written through bloop's real writer with receive
 * times in the past (ingest always stamps "now"), so SQLite holds exactly what production would hold.
 * Hour k runs 0..335; k = 335 is the hour {@code endHour} (the current hour in the tests).
 *
 * <p>Planted: quiet hours (no events at all in hours 3 and 4 of every day), a steady issue in two
 * environments, a spike in the last two hours, a correlated pair (the same 8-hour wave, one twice the
 * other, each with its own jitter), an anti-correlated pair (alternate days, never the same hour), a
 * brand-new issue, an issue that vanished, a resolved issue that came back, and a bad release 2.0
 * (a new crash at 8 events/hour plus the new issue and the regression). Releases: 1.0 (days 0–6),
 * 1.1 (days 7–11), 2.0 (days 12–13), with some steady events of 1.1 still arriving after 2.0 (clients
 * that have not updated).
 */
final class FourteenDays {
    static final int HOURS = 336;
    static final long HOUR_MS = 3_600_000L;

    static final String STEADY = "steady failure in checkout";
    static final String SPIKE = "spiking gateway timeout";
    static final String PAIR_A = "cache miss storm";
    static final String PAIR_B = "database pool exhausted";
    static final String DAY_A = "even day batch failure";
    static final String DAY_B = "odd day batch failure";
    static final String NEW = "brand new null pointer";
    static final String VANISHED = "vanished parser error";
    static final String REGRESSED = "regressed login failure";
    static final String CRASH = "crash in 2.0 startup";
    static final List<String> ALL = List.of(STEADY, SPIKE, PAIR_A, PAIR_B, DAY_A, DAY_B, NEW, VANISHED, REGRESSED, CRASH);
    /** REGRESSED is resolved by a person at the start of this hour (k), then comes back in 2.0. */
    static final int RESOLVE_AT = 96;

    /** {@code count} events of one issue in one hour (k), environment and release. */
    record Planned(String message, String environment, String release, int k, int count) {
    }

    final int endHour;
    final List<Planned> planned;

    FourteenDays(int endHour) {
        this.endHour = endHour;
        this.planned = plan();
    }

    /** The absolute hour (hours since the epoch) of fixture hour k. */
    int hourOf(int k) {
        return endHour - (HOURS - 1) + k;
    }

    /** Receive time of the i-th event of a planned row: a minute into the hour, 10 ms apart. */
    long receivedAt(Planned p, int i) {
        return hourOf(p.k()) * HOUR_MS + 60_000 + i * 10L;
    }

    static String fingerprint(String message) {
        return PastEvents.fingerprint(message);
    }

    static String release(int k) {
        return k < 168 ? "1.0" : k < 288 ? "1.1" : "2.0";
    }

    private static boolean quiet(int k) {
        int hourOfDay = k % 24;
        return hourOfDay == 3 || hourOfDay == 4;
    }

    private static List<Planned> plan() {
        int[] wave = {0, 1, 3, 6, 3, 1, 0, 0};
        List<Planned> out = new ArrayList<>();
        for (int k = 0; k < HOURS; k++) {
            if (quiet(k)) {
                continue;
            }
            String rel = release(k);
            // Some of the steady issue's events keep coming from 1.1 after 2.0 shipped.
            String steadyRelease = rel.equals("2.0") && k % 5 == 0 ? "1.1" : rel;
            add(out, STEADY, "prod", steadyRelease, k, 4 + k % 3);
            if (k % 2 == 0) {
                add(out, STEADY, "staging", rel, k, 1);
            }
            add(out, SPIKE, "prod", rel, k, k >= HOURS - 2 ? 40 : 2 + k % 2);
            add(out, PAIR_A, "prod", rel, k, wave[k % 8] + (k % 5 == 0 ? 1 : 0));
            add(out, PAIR_B, "prod", rel, k, 2 * wave[k % 8] + (k % 7 == 0 ? 1 : 0));
            add(out, (k / 24) % 2 == 0 ? DAY_A : DAY_B, "staging", rel, k, 2);
            if (k == HOURS - 2) {
                add(out, NEW, "prod", rel, k, 6);
            } else if (k == HOURS - 1) {
                add(out, NEW, "prod", rel, k, 4);
            }
            if (k >= 192 && k < 264) {
                add(out, VANISHED, "prod", rel, k, 5);
            }
            if (k < RESOLVE_AT) {
                add(out, REGRESSED, "prod", rel, k, 3);
            } else if (k >= 300) {
                add(out, REGRESSED, "prod", rel, k, 2);
            }
            if (k >= 288) {
                add(out, CRASH, "prod", rel, k, 8);
            }
        }
        return out;
    }

    private static void add(List<Planned> out, String message, String env, String release, int k, int count) {
        if (count > 0) {
            out.add(new Planned(message, env, release, k, count));
        }
    }

    /** Writes the dataset into the app's database (migrating it first) before it starts, through the real writer. */
    void writeTo(dev.bloop.service.BloopTestApp app) {
        app.withDatabase(db -> {
            db.migrate();
            new ProjectStore(db).ensureDefaultProject();
            try {
                writeTo(db, "default");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Writes the dataset into a project of an open database, through the real writer. */
    void writeTo(Database db, String projectId) throws Exception {
        List<AcceptedEvent> before = new ArrayList<>();
        List<AcceptedEvent> after = new ArrayList<>();
        for (Planned p : planned) {
            for (int i = 0; i < p.count(); i++) {
                (p.k() < RESOLVE_AT ? before : after).add(PastEvents.event(projectId, p.message(), p.environment(),
                        p.release(), receivedAt(p, i)));
            }
        }
        PastEvents.write(db, before);
        String fp = fingerprint(REGRESSED);
        long resolvedAt = hourOf(RESOLVE_AT) * HOUR_MS;
        db.writer().useHandle(h -> {
            h.execute("UPDATE error_groups SET status = 'resolved' WHERE project_id = ? AND fingerprint = ?",
                    projectId, fp);
            h.execute("INSERT INTO status_history (project_id, fingerprint, old_status, new_status, actor, changed_at) "
                    + "VALUES (?, ?, 'unresolved', 'resolved', 'ann', ?)", projectId, fp, resolvedAt);
        });
        PastEvents.write(db, after);
    }
}
