package dev.bloop.service.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.api.llm.SessionSummary;
import dev.bloop.service.store.TestDatabase;
import io.dropwizard.jackson.Jackson;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sessions page is found by walking back from the newest trace; it must be exactly the page that
 * grouping the whole window and sorting it gives, ties and user filter included.
 */
class SessionPagesTest {
    private static final long HOUR = LlmQueries.HOUR_MS;
    private static final long NOW = 2_000 * HOUR + 10 * 60_000L;

    @RegisterExtension
    final TestDatabase test = new TestDatabase();

    /** The previous implementation: one GROUP BY over the window. */
    private List<SessionSummary> grouped(int hours, String userId, int limit, int offset) {
        String user = userId == null ? "" : " AND user_id = :user";
        return test.read(h -> h.createQuery("SELECT session_id, min(user_id), count(*), "
                        + "sum(status = 'error'), sum(span_count), min(started_at), max(started_at), "
                        + "sum(input_uncached), sum(cache_read), sum(cache_write_5m), sum(cache_write_1h), "
                        + "sum(output_tokens), sum(reasoning_tokens), sum(cost_nanos), sum(unpriced_spans) "
                        + "FROM llm_traces WHERE project_id = 'default' AND received_at >= :since "
                        + "AND session_id IS NOT NULL" + user + " GROUP BY session_id "
                        + "ORDER BY max(received_at) DESC, session_id LIMIT :limit OFFSET :offset")
                .bind("since", LlmQueries.since(NOW, hours)).bind("user", userId).bind("limit", limit)
                .bind("offset", offset)
                .map((rs, ctx) -> new SessionSummary(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                        rs.getLong(5), rs.getLong(6), rs.getLong(7), dev.bloop.api.llm.Tokens.of(rs.getLong(8),
                        rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getLong(13)),
                        dev.bloop.api.llm.Money.dollars(rs.getLong(14)), dev.bloop.api.llm.Money.micros(rs.getLong(14)),
                        rs.getLong(15)))
                .list());
    }

    private long distinctSessions(int hours, String userId) {
        String sql = "SELECT count(DISTINCT session_id) FROM llm_traces WHERE project_id = 'default' "
                + "AND received_at >= ? AND session_id IS NOT NULL";
        long since = LlmQueries.since(NOW, hours);
        return userId == null ? test.count(sql, since) : test.count(sql + " AND user_id = ?", since, userId);
    }

    @Test
    void theWalkGivesTheSamePagesAsGroupingTheWholeWindow() {
        Random random = new Random(7);
        // 3,000 traces over 30 hours in 120 sessions of 15 users; receive times on a 10-minute grid so
        // that many sessions tie on their last trace; some traces have no session; another project's
        // traces share session ids and must not count.
        test.write(h -> {
            var batch = h.prepareBatch("INSERT INTO llm_traces (project_id, id, session_id, user_id, status, started_at, "
                    + "received_at, updated_at, span_count, input_uncached, output_tokens, cost_nanos, unpriced_spans) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            for (int i = 0; i < 3_000; i++) {
                long received = NOW - (long) random.nextInt(30 * 6) * 600_000L;
                String session = random.nextInt(10) == 0 ? null : "s-" + random.nextInt(120);
                batch.add(i % 50 == 0 ? "other" : "default", "t" + i, session, "u-" + random.nextInt(15),
                        random.nextInt(8) == 0 ? "error" : "completed", received - random.nextInt(5_000), received,
                        received, 1 + random.nextInt(6), random.nextInt(1_000), random.nextInt(500),
                        random.nextInt(100_000), random.nextInt(2));
            }
            h.execute("INSERT INTO projects (id, slug, name, ingest_key, ingest_secret, created_at) "
                    + "VALUES ('other', 'other', 'Other', 'ko', 'so', 0)");
            batch.execute();
        });
        assertThat(test.count("SELECT count(*) FROM (SELECT last FROM (SELECT max(received_at) AS last "
                + "FROM llm_traces WHERE project_id = 'default' AND session_id IS NOT NULL GROUP BY session_id) "
                + "GROUP BY last HAVING count(*) > 1)")).as("sessions tied on their last trace").isPositive();
        LlmQueries queries = new LlmQueries(test.db().reader(), test.db().dialect(), Jackson.newObjectMapper(), null, null);
        int checked = 0;
        for (int hours : new int[] {1, 6, 24, 720}) {
            for (String user : new String[] {null, "u-3"}) {
                long total = distinctSessions(hours, user);
                for (int[] page : new int[][] {{50, 0}, {7, 0}, {7, 7}, {13, 40}, {200, 0}, {10, 115}, {5, 1_000}}) {
                    LlmQueries.Page<SessionSummary> got = queries.sessions("default", hours, user, page[0], page[1], NOW);
                    List<SessionSummary> want = grouped(hours, user, page[0], page[1]);
                    assertThat(got.rows()).as("hours %d user %s limit %d offset %d", hours, user, page[0], page[1])
                            .containsExactlyElementsOf(want);
                    assertThat(got.total()).isEqualTo(total);
                    checked += want.size();
                }
            }
        }
        assertThat(checked).as("pages compared").isGreaterThan(500);
    }
}
