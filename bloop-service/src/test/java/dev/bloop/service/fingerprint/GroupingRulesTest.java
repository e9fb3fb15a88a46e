package dev.bloop.service.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.store.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The rules the ingest thread reads from memory, against a real SQLite file. */
class GroupingRulesTest {
    @RegisterExtension
    final TestDatabase test = new TestDatabase();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aProjectWithoutRulesHasNone() {
        assertThat(new GroupingRules(test.db(), json).forProject("default")).isSameAs(InAppRules.NONE);
    }

    @Test
    void aSavedChangeIsUsedAtOnceAndSurvivesARestart() {
        GroupingRules rules = new GroupingRules(test.db(), json);
        rules.save("default", List.of("com.acme."), List.of("com.acme.vendor."), "ann");
        assertThat(rules.forProject("default").include()).containsExactly("com.acme.");
        assertThat(rules.forProject("default").version()).isEqualTo(1);

        GroupingRules restarted = new GroupingRules(test.db(), json);
        assertThat(restarted.forProject("default").exclude()).containsExactly("com.acme.vendor.");
        assertThat(restarted.forProject("default").version()).isEqualTo(1);
    }

    @Test
    void eachChangeRaisesTheVersionAndTheSameRulesDoNot() {
        GroupingRules rules = new GroupingRules(test.db(), json);
        assertThat(rules.save("default", List.of("a."), List.of(), "ann").rules().version()).isEqualTo(1);
        assertThat(rules.save("default", List.of("a."), List.of(), "bob").rules().version()).isEqualTo(1);
        assertThat(rules.save("default", List.of(), List.of(), "bob").rules().version()).isEqualTo(2);
        assertThat(rules.find("default").orElseThrow().updatedBy()).isEqualTo("bob");
        assertThat(rules.forProject("default").include()).isEmpty();
    }

    @Test
    void deletingAProjectDeletesItsRules() {
        test.write(h -> h.execute("INSERT INTO projects (id, slug, name, ingest_key, ingest_secret, created_at) "
                + "VALUES ('p2', 'two', 'Two', 'k2', 's2', 0)"));
        new GroupingRules(test.db(), json).save("p2", List.of("x."), List.of(), "ann");
        test.write(h -> h.execute("DELETE FROM projects WHERE id = 'p2'"));
        assertThat(test.count("SELECT count(*) FROM grouping_rules")).isZero();
    }
}
