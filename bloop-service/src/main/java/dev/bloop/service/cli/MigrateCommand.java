package dev.bloop.service.cli;

import com.codahale.metrics.MetricRegistry;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.store.Database;
import io.dropwizard.core.setup.Bootstrap;
import net.sourceforge.argparse4j.inf.Namespace;

/** {@code bloop migrate config.yml}: brings the schema up to date and prints the version reached. */
public final class MigrateCommand extends OperatorCommand {
    public MigrateCommand() {
        super("migrate", "Create or upgrade the database schema and print the version reached");
    }

    @Override
    protected void run(Bootstrap<BloopConfiguration> bootstrap, Namespace namespace, BloopConfiguration config)
            throws Exception {
        Database db = Database.open(config.getDatabase(), new MetricRegistry());
        try {
            int version = db.migrate();
            new ProjectStore(db).ensureDefaultProject();
            System.out.println("Database " + db.file() + " is at schema version " + version);
        } finally {
            db.stop();
        }
    }
}
