package dev.bloop.service.retention;

import static dev.bloop.service.retention.OldEvents.count;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.api.PurgeReport;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.store.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Retention on a real SQLite file: what goes, what stays, and that the space comes back. */
class PurgeServiceTest {
    @RegisterExtension
    final TestDatabase test = new TestDatabase();
    private ProjectStore projects;
    private PurgeService purge;
    private final List<String> progress = new ArrayList<>();

    @BeforeEach
    void setUp() {
        projects = new ProjectStore(test.db());
        projects.create("mobile", "Mobile", null);
        RetentionConfig config = new RetentionConfig();
        config.setRawEventsDays(30);
        config.setHourlyCountsDays(90);
        config.setBatchSize(100);
        config.setBatchPause(io.dropwizard.util.Duration.milliseconds(0));
        purge = new PurgeService(test.db(), projects, config);
    }

    private String mobile() {
        return projects.findBySlug("mobile").orElseThrow().id();
    }

    @Test
    void deletesRawEventsAndSamplesPastTheirDaysButKeepsTheGroupsAggregates() {
        OldEvents.add(test.db(), "default", "old", 40, 250);
        OldEvents.add(test.db(), "default", "recent", 2, 5);

        PurgeReport r = purge.purge(PurgeService.Options.policy(), "test", progress::add);

        assertThat(r.rawEventsDeleted()).isEqualTo(250);
        assertThat(r.samplesDeleted()).isEqualTo(1);
        assertThat(count(test.db(), "SELECT count(*) FROM raw_events WHERE fingerprint = 'recent'")).isEqualTo(5);
        assertThat(count(test.db(), "SELECT count(*) FROM raw_events WHERE fingerprint = 'old'")).isZero();
        assertThat(count(test.db(), "SELECT total_count FROM error_groups WHERE fingerprint = 'old'"))
                .as("a group whose events are all gone keeps its aggregate row").isEqualTo(250);
        assertThat(count(test.db(), "SELECT count(*) FROM hourly_counts"))
                .as("hourly counts follow their own, longer policy").isEqualTo(2);
        assertThat(progress).anyMatch(l -> l.contains("deleted 250 raw events of default older than 30 days"));
        assertThat(count(test.db(), "SELECT raw_events_deleted FROM purge_runs")).isEqualTo(250);
    }

    @Test
    void aDryRunCountsAndDeletesNothing() {
        OldEvents.add(test.db(), "default", "old", 40, 30);
        PurgeReport r = purge.purge(new PurgeService.Options(null, null, true), "test", progress::add);
        assertThat(r.dryRun()).isTrue();
        assertThat(r.rawEventsDeleted()).isEqualTo(30);
        assertThat(count(test.db(), "SELECT count(*) FROM raw_events")).isEqualTo(30);
        assertThat(count(test.db(), "SELECT count(*) FROM purge_runs")).isZero();
    }

    @Test
    void aProjectOverrideAndTheGlobalSettingFromTheApiWinOverTheConfigFile() {
        OldEvents.add(test.db(), "default", "d", 10, 10);
        OldEvents.add(test.db(), mobile(), "m", 10, 10);
        purge.store().setProject(mobile(), 7);
        purge.purge(PurgeService.Options.policy(), "test", progress::add);
        assertThat(count(test.db(), "SELECT count(*) FROM raw_events WHERE project_id = 'default'")).isEqualTo(10);
        assertThat(count(test.db(), "SELECT count(*) FROM raw_events WHERE project_id <> 'default'")).isZero();

        purge.store().setGlobal(RetentionStore.RAW_EVENTS_DAYS, 5);
        purge.purge(PurgeService.Options.policy(), "test", progress::add);
        assertThat(count(test.db(), "SELECT count(*) FROM raw_events")).isZero();
    }

    @Test
    void olderThanDaysAndProjectNarrowAManualPurge() {
        OldEvents.add(test.db(), "default", "d", 3, 10);
        OldEvents.add(test.db(), mobile(), "m", 3, 10);
        PurgeReport r = purge.purge(new PurgeService.Options(mobile(), 1, false), "test", progress::add);
        assertThat(r.rawEventsDeleted()).isEqualTo(10);
        assertThat(r.projects()).extracting(PurgeReport.ProjectPart::slug).containsExactly("mobile");
        assertThat(count(test.db(), "SELECT count(*) FROM raw_events WHERE project_id = 'default'")).isEqualTo(10);
    }

    @Test
    void hourlyCountsOlderThanTheirDaysGo() {
        OldEvents.add(test.db(), "default", "ancient", 100, 1);
        OldEvents.add(test.db(), "default", "recent", 1, 1);
        PurgeReport r = purge.purge(PurgeService.Options.policy(), "test", progress::add);
        assertThat(r.hourlyCountsDeleted()).isEqualTo(1);
        assertThat(count(test.db(), "SELECT count(*) FROM hourly_counts")).isEqualTo(1);
    }

    @Test
    void freedPagesGoBackToTheFileSystem() {
        OldEvents.add(test.db(), "default", "big", 40, 5_000);
        long before = count(test.db(), "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size");
        PurgeReport r = purge.purge(PurgeService.Options.policy(), "test", progress::add);
        long after = count(test.db(), "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size");
        assertThat(r.freedBytes()).isGreaterThan(1_000_000);
        assertThat(after).isLessThan(before - 1_000_000);
        assertThat(count(test.db(), "SELECT freelist_count FROM pragma_freelist_count")).isZero();
    }
}
