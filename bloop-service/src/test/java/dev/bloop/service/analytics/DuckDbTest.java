package dev.bloop.service.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DuckDB engine: its settings from the config, its file, the query timeout, no file access from SQL. */
class DuckDbTest {
    @TempDir
    Path dir;

    private DuckDb open(long timeoutMs) throws Exception {
        AnalyticsConfig config = new AnalyticsConfig();
        config.setMemoryLimit(DataSize.mebibytes(48));
        config.setThreads(1);
        config.setQueryTimeout(Duration.milliseconds(timeoutMs));
        return new DuckDb(config, dir.resolve("copy.duckdb"), dir.resolve("spill"));
    }

    private static String one(DuckDb duck, String sql) throws Exception {
        return duck.query(s -> {
            PreparedStatement ps = s.prepare(sql);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        });
    }

    @Test
    void memoryLimitAndThreadsComeFromTheConfig() throws Exception {
        try (DuckDb duck = open(5_000)) {
            assertThat(one(duck, "SELECT current_setting('threads')")).isEqualTo("1");
            assertThat(one(duck, "SELECT current_setting('memory_limit')")).startsWith("48");
        }
    }

    @Test
    void theCopyIsKeptInItsFileWhichEveryStartRebuildsAndAStopRemoves() throws Exception {
        Path copy = dir.resolve("copy.duckdb");
        try (DuckDb duck = open(5_000); java.sql.Statement s = duck.writer().createStatement()) {
            s.execute("CREATE TABLE left_behind AS SELECT range AS n FROM range(100000)");
            s.execute("CHECKPOINT");
            assertThat(copy).exists();
            // What a crash leaves: the copy of the previous run.
            Files.copy(copy, dir.resolve("crashed.duckdb"));
        }
        assertThat(copy).doesNotExist();
        Files.move(dir.resolve("crashed.duckdb"), copy);
        try (DuckDb duck = open(5_000)) {
            assertThat(copy).exists();
            assertThat(one(duck, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'left_behind'"))
                    .isEqualTo("0");
        }
    }

    @Test
    void theBufferPoolIsGivenBackBetweenQueriesButNotWhileOneRuns() throws Exception {
        try (DuckDb duck = open(30_000)) {
            try (java.sql.Statement s = duck.writer().createStatement()) {
                // Hashes do not compress: 16 MB of column data.
                s.execute("CREATE TABLE hourly AS SELECT range AS gid, hash(range) AS cnt FROM range(2000000)");
                s.execute("CHECKPOINT");
            }
            String sum = one(duck, "SELECT sum(cnt % 1000) FROM hourly");
            assertThat(duck.memoryInUse()).isGreaterThan(8L << 20);
            boolean duringQuery = duck.query(session -> duck.release());
            assertThat(duringQuery).isFalse();   // a query holds a connection
            assertThat(duck.memoryInUse()).isGreaterThan(8L << 20);
            assertThat(duck.release()).isTrue();
            assertThat(duck.memoryInUse()).isLessThan(1L << 20);
            assertThat(one(duck, "SELECT current_setting('memory_limit')")).startsWith("48");
            assertThat(one(duck, "SELECT sum(cnt % 1000) FROM hourly")).isEqualTo(sum);   // read again from the file
        }
    }

    @Test
    void aQueryPastTheTimeoutIsCancelledAndTheConnectionServesTheNextQuery() throws Exception {
        try (DuckDb duck = open(200)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> one(duck, "SELECT count(*) FROM range(1000000000000) a, range(1000) b"))
                    .isInstanceOf(DuckDb.TimedOut.class).hasMessageContaining("analytics.query_timeout");
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
            for (int i = 0; i < 4; i++) {   // every pooled connection is usable again
                assertThat(one(duck, "SELECT 42")).isEqualTo("42");
            }
        }
    }

    @Test
    void sqlCannotReadFilesOrChangeTheSettings() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.csv"), "a,b\n1,2\n");
        try (DuckDb duck = open(5_000)) {
            assertThatThrownBy(() -> one(duck, "SELECT count(*) FROM read_csv('" + secret + "')"))
                    .hasMessageContaining("disabled");
            assertThatThrownBy(() -> one(duck, "SELECT 1; SET enable_external_access = true"))
                    .isInstanceOf(java.sql.SQLException.class);
        }
    }
}
