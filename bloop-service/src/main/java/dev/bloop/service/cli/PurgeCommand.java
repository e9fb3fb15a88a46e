package dev.bloop.service.cli;

import com.codahale.metrics.MetricRegistry;
import dev.bloop.api.PurgeReport;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.project.Project;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.retention.PurgeService;
import dev.bloop.service.store.Database;
import io.dropwizard.core.setup.Bootstrap;
import java.io.PrintStream;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code bloop purge config.yml [--project SLUG] [--older-than-days N] [--dry-run]}: applies retention
 * now and prints what was (or would be) deleted. Safe while the server runs: it deletes in small
 * transactions, as the server's own scheduler does.
 */
public final class PurgeCommand extends OperatorCommand {
    private final PrintStream out;

    public PurgeCommand() {
        this(System.out);
    }

    PurgeCommand(PrintStream out) {
        super("purge", "Delete raw events and hourly counts past retention now, and print what was deleted");
        this.out = out;
    }

    @Override
    public void configure(Subparser subparser) {
        super.configure(subparser);
        subparser.addArgument("--project").help("only this project (slug)");
        subparser.addArgument("--older-than-days").type(Integer.class)
                .help("delete raw events and samples older than N days (0..3650) instead of the retention setting");
        subparser.addArgument("--dry-run").action(Arguments.storeTrue()).help("count what would be deleted");
    }

    @Override
    protected void run(Bootstrap<BloopConfiguration> bootstrap, Namespace ns, BloopConfiguration config)
            throws Exception {
        Integer days = ns.getInt("older_than_days");
        if (days != null && (days < 0 || days > 3650)) {
            throw new UsageException("--older-than-days must be between 0 and 3650");
        }
        boolean dryRun = Boolean.TRUE.equals(ns.getBoolean("dry_run"));
        Database db = Database.open(config.getDatabase(), new MetricRegistry());
        try {
            db.migrate();
            ProjectStore projects = new ProjectStore(db);
            String projectId = null;
            String slug = ns.getString("project");
            if (slug != null) {
                projectId = projects.findBySlug(slug).map(Project::id)
                        .orElseThrow(() -> new UsageException("no project with slug '" + slug + "'"));
            }
            PurgeService purge = new PurgeService(db, projects, config.getRetention());
            PurgeReport r = purge.purge(new PurgeService.Options(projectId, days, dryRun), "command", out::println);
            for (PurgeReport.ProjectPart p : r.projects()) {
                out.printf("%s: raw events older than %d days: %d%s, samples: %d%n", p.slug(), p.rawEventsDays(),
                        p.rawEventsDeleted(), dryRun ? " would be deleted" : " deleted", p.samplesDeleted());
            }
            out.printf("%s %d raw events, %d samples, %d hourly counts; %d bytes returned to the file system; %d ms%n",
                    dryRun ? "Would delete" : "Deleted", r.rawEventsDeleted(), r.samplesDeleted(),
                    r.hourlyCountsDeleted(), r.freedBytes(), r.durationMs());
        } finally {
            db.stop();
        }
    }
}
