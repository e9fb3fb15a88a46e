package dev.bloop.service.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.service.store.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Groups made before the frame reason was kept keep their fingerprints and get the reasons that are certain. */
class GroupingMigrationTest {
    @RegisterExtension
    final TestDatabase test = new TestDatabase();

    @Test
    void groupsOfTheFirstGroupingVersionAreExplainedWhereTheReasonIsCertain() {
        // The database as the previous release left it: no rules table, no reason columns.
        test.write(h -> {
            h.execute("DROP TABLE grouping_rules");
            h.execute("ALTER TABLE error_groups DROP COLUMN grouping_frame_reason");
            h.execute("ALTER TABLE error_groups DROP COLUMN grouping_rules_version");
            String insert = "INSERT INTO error_groups (project_id, fingerprint, error_type, message, source, total_count, "
                    + "first_seen, last_seen, last_release, grouping_version, grouping_kind, grouping_frame, grouping_route) "
                    + "VALUES ('default', ?, 'E', 'm', 'api', 1, 0, 0, '1', 1, ?, ?, ?)";
            h.execute(insert, "00000000000000c1", "client", null, null);
            h.execute(insert, "00000000000000a1", "computed", null, "/users");
            h.execute(insert, "00000000000000f1", "computed", "at f (a.js)", null);
        });
        String migration = migration("_grouping_rules.sql");
        test.write(h -> {
            try (java.sql.Statement statement = h.getConnection().createStatement()) {
                statement.executeUpdate(migration);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        List<String> reasons = test.read(h -> h.createQuery("SELECT fingerprint || ' ' || coalesce(grouping_frame_reason, "
                + "'-') || ' ' || grouping_rules_version || ' ' || grouping_version FROM error_groups ORDER BY fingerprint")
                .mapTo(String.class).list());
        assertThat(reasons).containsExactly("00000000000000a1 no stack: route 0 1", "00000000000000c1 client fingerprint 0 1",
                "00000000000000f1 - 0 1");
    }

    /** The migration's SQL, found by name: its number may change when migrations are merged. */
    private static String migration(String suffix) {
        try (var index = GroupingMigrationTest.class.getResourceAsStream("/db/migrations/index.txt")) {
            String name = new String(index.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(l -> l.endsWith(suffix)).findFirst().orElseThrow();
            try (var sql = GroupingMigrationTest.class.getResourceAsStream("/db/migrations/" + name)) {
                return new String(sql.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
