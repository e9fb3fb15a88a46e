package dev.bloop.service.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bloop.service.BloopApplication;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.cli.BackupCommand;
import dev.bloop.service.cli.MigrateCommand;
import dev.bloop.service.cli.CreateTokenCommand;
import dev.bloop.service.cli.PurgeCommand;
import dev.bloop.service.config.BloopConfigSource;
import io.dropwizard.configuration.ResourceConfigurationSourceProvider;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.util.JarLocation;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The PostgreSQL schema against a real PostgreSQL server ({@link TestPostgres}): the same tables,
 * columns and named indexes as SQLite's at the same version, and the parts
 * SQLite did with its own features (triggers, FTS5, NOCASE) doing the same job.
 */
class PostgresSchemaIT {
    /** Columns PostgreSQL has for what SQLite keeps elsewhere (FTS5 tables, the implicit rowid). */
    private static final Set<String> POSTGRES_ONLY_COLUMNS = Set.of("error_groups.search", "llm_traces.search",
            "llm_spans.search", "llm_spans.rowid");
    private static final Set<String> POSTGRES_ONLY_INDEXES = Set.of("users_username_nocase", "error_groups_search",
            "llm_traces_search", "llm_spans_search");

    @RegisterExtension
    final TestDatabase sqlite = new TestDatabase();
    private Connection pg;

    @BeforeEach
    void freshDatabase() throws Exception {
        try (Connection admin = TestPostgres.connect(); Statement st = admin.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS bloop_test");
            st.execute("CREATE DATABASE bloop_test");
        }
        pg = TestPostgres.server().getDatabase("postgres", "bloop_test").getConnection();
    }

    @org.junit.jupiter.api.AfterEach
    void close() throws SQLException {
        pg.close();
    }

    @Test
    void bothDialectsHaveTheSameTablesColumnsAndIndexesAtTheSameVersion() throws Exception {
        assertThat(new PostgresMigrator().latestVersion()).as("every SQLite migration has its PostgreSQL twin")
                .isEqualTo(new Migrator().latestVersion());
        assertThat(new PostgresMigrator().migrate(pg)).isEqualTo(new Migrator().latestVersion());

        Map<String, Set<String>> sqliteColumns = sqlite.read(h -> {
            Map<String, Set<String>> out = new TreeMap<>();
            h.createQuery("SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p "
                            + "WHERE m.type = 'table' AND m.name <> 'sqlite_sequence' AND m.name NOT LIKE '%!_fts%' "
                            + "ESCAPE '!'")
                    .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)})
                    .forEach(r -> out.computeIfAbsent(r[0], k -> new TreeSet<>()).add(r[1]));
            return out;
        });
        Map<String, Set<String>> pgColumns = new TreeMap<>();
        try (ResultSet rs = pg.createStatement().executeQuery("SELECT table_name, column_name "
                + "FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schema_version'")) {
            while (rs.next()) {
                if (!POSTGRES_ONLY_COLUMNS.contains(rs.getString(1) + "." + rs.getString(2))) {
                    pgColumns.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getString(2));
                }
            }
        }
        assertThat(pgColumns).hasSizeGreaterThan(40).isEqualTo(sqliteColumns);

        java.util.List<String> sqliteIndexNames = sqlite.read(h -> h.createQuery("SELECT name FROM sqlite_master "
                + "WHERE type = 'index' AND sql IS NOT NULL").mapTo(String.class).list());
        Set<String> sqliteIndexes = new TreeSet<>(sqliteIndexNames);
        Set<String> pgIndexes = new TreeSet<>();
        try (ResultSet rs = pg.createStatement().executeQuery("SELECT i.indexname FROM pg_indexes i "
                + "WHERE i.schemaname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                + "WHERE c.conname = i.indexname)")) {
            while (rs.next()) {
                if (!POSTGRES_ONLY_INDEXES.contains(rs.getString(1))) {
                    pgIndexes.add(rs.getString(1));
                }
            }
        }
        assertThat(pgIndexes).hasSizeGreaterThan(20).isEqualTo(sqliteIndexes);
    }

    @Test
    void migratingAgainChangesNothingAndANewerSchemaIsRefused() throws Exception {
        PostgresMigrator migrator = new PostgresMigrator();
        int version = migrator.migrate(pg);
        long applied = count("SELECT count(*) FROM schema_version");
        assertThat(migrator.migrate(pg)).isEqualTo(version);
        assertThat(count("SELECT count(*) FROM schema_version")).isEqualTo(applied);

        pg.createStatement().execute("INSERT INTO schema_version VALUES (" + (version + 1) + ", 'future.sql', 0)");
        assertThatThrownBy(() -> migrator.migrate(pg)).isInstanceOf(Migrator.SchemaTooNewException.class)
                .hasMessageContaining("newer bloop");
    }

    @Test
    void projectsAreNumberedUsersAreCaseInsensitiveAndSearchFindsWords() throws Exception {
        new PostgresMigrator().migrate(pg);
        Statement st = pg.createStatement();
        st.execute("INSERT INTO projects (id, slug, name, ingest_key, ingest_secret, created_at) VALUES "
                + "('a', 'a', 'A', 'ka', 'sa', 0), ('b', 'b', 'B', 'kb', 'sb', 0)");
        st.execute("DELETE FROM projects WHERE id = 'b'");
        st.execute("INSERT INTO projects (id, slug, name, ingest_key, ingest_secret, created_at) "
                + "VALUES ('c', 'c', 'C', 'kc', 'sc', 0)");
        // Numbers are never reused (b's 2 stays gone), and each project gets its own 32-hex DSN key.
        assertThat(count("SELECT numeric_id FROM projects WHERE id = 'c'")).isEqualTo(3);
        assertThat(count("SELECT count(DISTINCT sentry_key) FROM projects WHERE sentry_key ~ '^[0-9a-f]{32}$'"))
                .isEqualTo(2);

        st.execute("INSERT INTO users (id, username, user_handle, created_at) VALUES ('u1', 'Alice', 'h1', 0)");
        assertThatThrownBy(() -> st.execute("INSERT INTO users (id, username, user_handle, created_at) "
                + "VALUES ('u2', 'alice', 'h2', 0)")).isInstanceOf(SQLException.class).hasMessageContaining("duplicate");

        st.execute("INSERT INTO error_groups (project_id, fingerprint, error_type, message, source, total_count, "
                + "first_seen, last_seen, last_release, grouping_version, grouping_kind, assignee_id) VALUES "
                + "('a', 'f1', 'NullPointerException', 'order total was null', 'api', 1, 0, 0, '1.0', 1, 'frame', 'u1')");
        assertThat(count("SELECT count(*) FROM error_groups WHERE search @@ plainto_tsquery('simple', 'total null')"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM error_groups WHERE search @@ plainto_tsquery('simple', 'timeout')"))
                .isZero();

        // A deleted user's issues become unassigned.
        st.execute("DELETE FROM users WHERE id = 'u1'");
        assertThat(count("SELECT count(*) FROM error_groups WHERE assignee_id IS NULL")).isEqualTo(1);
    }

    /** Runs an operator command through Dropwizard's CLI with the test config, pointed at this server. */
    private Optional<Throwable> command(ByteArrayOutputStream stderr, String... args) {
        return command("jdbc:postgresql://localhost:" + TestPostgres.server().getPort() + "/bloop_test", stderr, args);
    }

    private Optional<Throwable> command(String url, ByteArrayOutputStream stderr, String... args) {
        BloopApplication app = new BloopApplication();
        Bootstrap<BloopConfiguration> bootstrap = new Bootstrap<>(app);
        bootstrap.addCommand(new MigrateCommand());
        bootstrap.addCommand(new BackupCommand());
        bootstrap.addCommand(new PurgeCommand());
        bootstrap.addCommand(new CreateTokenCommand());
        bootstrap.setConfigurationSourceProvider(new BloopConfigSource(new ResourceConfigurationSourceProvider(),
                Map.of("BLOOP__DATABASE__TYPE", "postgres",
                        "BLOOP__DATABASE__URL", url,
                        "BLOOP__DATABASE__USER", "postgres")));
        String[] all = new String[args.length + 1];
        all[0] = args[0];
        all[1] = "test-config.yml";
        System.arraycopy(args, 1, all, 2, args.length - 1);
        return new Cli(new JarLocation(getClass()), bootstrap, new ByteArrayOutputStream(), stderr).run(all);
    }

    @Test
    void migratePurgeAndCreateTokenWorkOnPostgresAndBackupNamesPgDump() throws Exception {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        assertThat(command(stderr, "migrate")).isEmpty();
        assertThat(PostgresMigrator.currentVersion(pg)).isEqualTo(new Migrator().latestVersion());

        assertThat(command(stderr, "backup", "/tmp/never-written.bak")).isPresent();
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("backup: ").contains("pg_dump");
        assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("/tmp/never-written.bak"))).isFalse();

        assertThat(command(stderr, "purge", "--dry-run")).as(stderr.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(command(stderr, "create-token", "--name", "ci", "--scopes", "errors:read")).isEmpty();
        assertThat(count("SELECT count(*) FROM api_tokens WHERE name = 'ci'")).isEqualTo(1);
    }

    @Test
    void anUnreachableServerIsOneLineWithoutThePasswordOfTheUrl() {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        assertThat(command("jdbc:postgresql://127.0.0.1:1/bloop?password=hunter2", stderr, "migrate")).isPresent();
        assertThat(stderr.toString(StandardCharsets.UTF_8))
                .startsWith("migrate: cannot connect to jdbc:postgresql://127.0.0.1:1/bloop: ")
                .doesNotContain("hunter2");
    }

    private long count(String sql) throws SQLException {
        try (ResultSet rs = pg.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
