package dev.bloop.service.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.api.IngestEvent;
import dev.bloop.service.fingerprint.Fingerprinter;
import dev.bloop.service.store.Dialect;
import dev.bloop.service.store.PostgresMigrator;
import dev.bloop.service.store.TestPostgres;
import io.dropwizard.jackson.Jackson;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two nodes' writers on one PostgreSQL database meet the same group in the same moment. Their flushes
 * take turns (a transaction-scoped advisory lock), so the second reads what the first committed: a
 * group the first created is not new to it (the "new issue" alert fires once across nodes), a resolved
 * group the first re-opened is not re-opened again (one regression, one alert).
 */
class PostgresGroupRaceIT {
    private static String database() throws SQLException {
        String name = "bloop_race_" + ProcessHandle.current().pid();
        try (Connection c = TestPostgres.connect(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name);
            s.execute("CREATE DATABASE " + name);
        }
        String url = TestPostgres.server().getJdbcUrl("postgres", name);
        try (Connection c = DriverManager.getConnection(url)) {
            new PostgresMigrator().migrate(c);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO projects (id, slug, name, ingest_key, ingest_secret, created_at) "
                        + "VALUES ('default', 'default', 'Default', 'pk', 'sk', 0)");
            }
        }
        return url;
    }

    private static List<AcceptedEvent> events(int n, long at) {
        IngestEvent e = IngestEvent.of(at, "api", "prod", "1.0", "TypeError", "both nodes saw it").withRoute("/r");
        return Collections.nCopies(n, new AcceptedEvent("default",
                Fingerprinter.group("api", "TypeError", "both nodes saw it", null, "/r", null), at, at, e, null));
    }

    private static FlushOutcome flush(Connection c, List<AcceptedEvent> events, long now) throws SQLException {
        return new BatchWriter(Jackson.newObjectMapper(), 5, 0, Dialect.POSTGRES).write(c, events, now);
    }

    /** The second node's flush, started while the first's is uncommitted: it waits for that commit. */
    private static FlushOutcome secondFlushAfterFirstCommits(Connection first, Connection second,
                                                             List<AcceptedEvent> events, long now) throws Exception {
        CompletableFuture<FlushOutcome> b = CompletableFuture.supplyAsync(() -> {
            try {
                FlushOutcome outcome = flush(second, events, now);
                second.commit();
                return outcome;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(500);
        assertThat(b).as("waits on the first node's flush").isNotDone();
        first.commit();
        return b.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aGroupTwoNodesCreateAtOnceIsOneGroupAnnouncedByOneNode() throws Exception {
        String url = database();
        long now = System.currentTimeMillis();
        try (Connection first = DriverManager.getConnection(url); Connection second = DriverManager.getConnection(url)) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            FlushOutcome a = flush(first, events(3, now), now);
            FlushOutcome later = secondFlushAfterFirstCommits(first, second, events(2, now + 1), now + 1);

            assertThat(a.changes()).singleElement().satisfies(c -> assertThat(c.created()).isTrue());
            assertThat(later.changes()).singleElement().satisfies(c -> {
                assertThat(c.created()).as("the other node announces it").isFalse();
                assertThat(c.regressed()).isFalse();
            });
            try (Statement s = first.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*), sum(total_count) FROM error_groups")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).as("one group").isEqualTo(1);
                assertThat(rs.getLong(2)).as("every event of both flushes counted").isEqualTo(5);
            }
            try (Statement s = first.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM raw_events")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(5);
            }
        }
    }

    @Test
    void aResolvedGroupTwoNodesSeeAtOnceRegressesOnce() throws Exception {
        String url = database();
        long now = System.currentTimeMillis();
        try (Connection first = DriverManager.getConnection(url); Connection second = DriverManager.getConnection(url)) {
            flush(first, events(1, now), now);
            try (Statement s = first.createStatement()) {
                s.execute("UPDATE error_groups SET status = 'resolved'");
            }
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            FlushOutcome a = flush(first, events(2, now + 1), now + 1);
            FlushOutcome later = secondFlushAfterFirstCommits(first, second, events(2, now + 2), now + 2);

            assertThat(a.changes()).singleElement().satisfies(c -> assertThat(c.regressed()).isTrue());
            assertThat(later.changes()).singleElement().satisfies(c -> assertThat(c.regressed())
                    .as("already re-opened by the other node").isFalse());
            try (Statement s = first.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM status_history WHERE new_status = 'unresolved'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).as("one regression in the history").isEqualTo(1);
            }
            try (Statement s = first.createStatement();
                 ResultSet rs = s.executeQuery("SELECT status, total_count FROM error_groups")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("unresolved");
                assertThat(rs.getLong(2)).isEqualTo(5);
            }
        }
    }
}
