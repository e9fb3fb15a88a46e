package dev.bloop.service.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.bloop.service.BloopApplication;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.TempDirs;
import dev.bloop.service.config.BloopConfigSource;
import dev.bloop.service.retention.OldEvents;
import dev.bloop.service.store.Database;
import dev.bloop.service.store.DatabaseConfig;
import io.dropwizard.configuration.ResourceConfigurationSourceProvider;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.util.JarLocation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator's {@code purge} and {@code backup} commands, run through Dropwizard's CLI on a real file. */
class OperationsCommandsTest {
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private Path db;

    @BeforeEach
    void setUp() throws Exception {
        db = Files.createTempDirectory("bloop-ops").resolve("bloop.db");
        withDatabase(d -> {
            d.migrate();
            new dev.bloop.service.project.ProjectStore(d).ensureDefaultProject();
            OldEvents.add(d, "default", "old", 40, 120);
            OldEvents.add(d, "default", "new", 1, 3);
        });
    }

    @AfterEach
    void removeDatabase() {
        TempDirs.deleteQuietly(db.getParent());
    }

    private Optional<Throwable> run(String... args) {
        BloopApplication app = new BloopApplication();
        Bootstrap<BloopConfiguration> bootstrap = new Bootstrap<>(app);
        PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        bootstrap.addCommand(new PurgeCommand(out));
        bootstrap.addCommand(new BackupCommand(out));
        bootstrap.setConfigurationSourceProvider(new BloopConfigSource(new ResourceConfigurationSourceProvider(),
                Map.of("BLOOP__DATABASE__PATH", db.toString())));
        String[] all = new String[args.length + 1];
        all[0] = args[0];
        all[1] = "test-config.yml";
        System.arraycopy(args, 1, all, 2, args.length - 1);
        return new Cli(new JarLocation(getClass()), bootstrap, stdout, stderr).run(all);
    }

    @Test
    void purgeDryRunSaysWhatWouldGoThenPurgeDeletesIt() {
        assertThat(run("purge", "--dry-run")).isEmpty();
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("Would delete 120 raw events");
        assertThat(BloopTestApp.count(db, "SELECT count(*) FROM raw_events")).isEqualTo(123);

        assertThat(run("purge")).isEmpty();
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("Deleted 120 raw events")
                .contains("default: raw events older than 30 days: 120 deleted");
        assertThat(BloopTestApp.count(db, "SELECT count(*) FROM raw_events")).isEqualTo(3);

        assertThat(run("purge", "--older-than-days", "0", "--project", "default")).isEmpty();
        assertThat(BloopTestApp.count(db, "SELECT count(*) FROM raw_events")).isZero();
    }

    @Test
    void purgeRefusesAnUnknownProjectOrABadDayCountPlainly() {
        assertThat(run("purge", "--project", "nope")).isPresent();
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("purge: no project with slug 'nope'");
        assertThat(run("purge", "--older-than-days", "-1")).isPresent();
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("--older-than-days must be between 0 and 3650");
        assertThat(BloopTestApp.count(db, "SELECT count(*) FROM raw_events")).isEqualTo(123);
    }

    @Test
    void backupWritesACheckedCopyAndNeverOverwrites() throws Exception {
        Path target = db.resolveSibling("backups").resolve("copy.db");
        assertThat(run("backup", target.toString())).isEmpty();
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("Backed up").contains("integrity ok");
        assertThat(BloopTestApp.count(target, "SELECT count(*) FROM raw_events")).isEqualTo(123);
        assertThat(BloopTestApp.count(target, "SELECT count(*) FROM error_groups")).isEqualTo(2);

        assertThat(run("backup", target.toString())).isPresent();
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("already exists");
    }

    private void withDatabase(Consumer<Database> work) throws Exception {
        DatabaseConfig config = new DatabaseConfig();
        config.setPath(db.toString());
        Database d = Database.open(config, new MetricRegistry());
        try {
            work.accept(d);
        } finally {
            d.stop();
        }
    }
}
