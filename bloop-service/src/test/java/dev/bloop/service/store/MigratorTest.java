package dev.bloop.service.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MigratorTest {
    @RegisterExtension
    final TestDatabase test = new TestDatabase();

    @Test
    void migratingTwiceIsANoOp() {
        int latest = new Migrator().latestVersion();
        assertThat(test.db().migrate()).isEqualTo(latest);
        assertThat(test.db().migrate()).isEqualTo(latest);
        assertThat(test.count("SELECT count(*) FROM projects WHERE id = 'default'")).isEqualTo(1);
    }

    @Test
    void aDatabaseFromANewerBloopIsRefused() {
        int latest = new Migrator().latestVersion();
        test.write(h -> h.execute("PRAGMA user_version = " + (latest + 1)));
        assertThatThrownBy(() -> test.db().migrate())
                .isInstanceOf(Migrator.SchemaTooNewException.class)
                .hasMessageContaining("version " + (latest + 1))
                .hasMessageContaining("newer bloop");
    }

    @Test
    void connectionsUseWalAndTheReadPoolCannotWrite() {
        assertThat(test.<String>read(h -> h.createQuery("PRAGMA journal_mode").mapTo(String.class).one())).isEqualToIgnoringCase("wal");
        assertThat(test.<Integer>read(h -> h.createQuery("PRAGMA synchronous").mapTo(Integer.class).one())).isEqualTo(1);
        assertThat(test.<Integer>read(h -> h.createQuery("PRAGMA busy_timeout").mapTo(Integer.class).one())).isEqualTo(5000);
        assertThatThrownBy(() -> test.read(h -> h.execute("DELETE FROM projects")))
                .hasMessageContaining("readonly");
    }

    @Test
    void anExistingSchemaIsBackedUpBeforeItChanges() throws Exception {
        int latest = new Migrator().latestVersion();
        test.write(h -> h.execute("INSERT INTO projects (id, slug, name, ingest_key, ingest_secret, created_at) "
                + "VALUES ('p1', 'kept', 'Kept', 'k1', 's1', 0)"));
        // Roll the file back to version 9, as a database of the previous release is: undo 016 (triage), 015, 014,
        // 013 and 011 (LLM tracing's tables, trace tags, evaluation and experiments; the search tables' own parts
        // go with them), 012 (the release of a regression) and 010 (Sentry compatibility).
        test.write(h -> {
            // 016 (triage)
            h.execute("DROP TRIGGER users_unassign");
            h.execute("DROP INDEX error_groups_assignee");
            for (String column : List.of("assignee_id", "resolved_in_release", "users_affected")) {
                h.execute("ALTER TABLE error_groups DROP COLUMN " + column);
            }
            h.execute("ALTER TABLE status_history DROP COLUMN kind");
            h.execute("ALTER TABLE status_history DROP COLUMN assignee");
            h.execute("DROP TABLE group_users");
            h.execute("DROP TABLE issue_comments");
            h.execute("ALTER TABLE status_history DROP COLUMN release");
            for (String table : h.createQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'llm!_%' "
                    + "ESCAPE '!' AND name NOT LIKE '%!_fts!_%' ESCAPE '!'").mapTo(String.class).list()) {
                h.execute("DROP TABLE IF EXISTS " + table);
            }
            h.execute("DROP TRIGGER projects_numbered");
            h.execute("DROP INDEX projects_by_numeric_id");
            h.execute("DROP INDEX projects_by_sentry_key");
            h.execute("ALTER TABLE projects DROP COLUMN numeric_id");
            h.execute("ALTER TABLE projects DROP COLUMN sentry_key");
            h.execute("DROP TABLE project_numbers");
            h.execute("DROP TABLE release_health");
            h.execute("DROP TABLE passkey_challenges");
            h.execute("PRAGMA user_version = 9");
        });
        assertThat(test.db().migrate()).isEqualTo(latest);
        // Projects that existed before the upgrade get a DSN number and key.
        assertThat(test.<Integer>read(h -> h.createQuery("SELECT count(*) FROM projects WHERE numeric_id IS NULL "
                + "OR sentry_key IS NULL OR length(sentry_key) <> 32").mapTo(Integer.class).one())).isZero();

        java.nio.file.Path backup;
        try (var files = java.nio.file.Files.list(test.file().getParent())) {
            backup = files.filter(f -> f.getFileName().toString().matches("bloop\\.db\\.pre-v" + latest + "-\\d{8}-\\d{6}\\.bak"))
                    .findFirst().orElseThrow(() -> new AssertionError("no backup written"));
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + backup);
             java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT (SELECT user_version FROM pragma_user_version), "
                     + "(SELECT name FROM projects WHERE id = 'p1')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).as("the backup holds the old schema").isEqualTo(9);
            assertThat(rs.getString(2)).isEqualTo("Kept");
        }
    }

    @Test
    void newDatabasesGiveSpaceBackInSteps() {
        assertThat(test.<Integer>read(h -> h.createQuery("PRAGMA auto_vacuum").mapTo(Integer.class).one())).isEqualTo(2);
    }
}
