package dev.bloop.service.cli;

import com.codahale.metrics.MetricRegistry;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.store.Database;
import dev.bloop.service.store.PostgresMigrator;
import io.dropwizard.core.setup.Bootstrap;
import java.sql.Connection;
import java.sql.SQLException;
import net.sourceforge.argparse4j.inf.Namespace;

/**
 * {@code bloop migrate config.yml}: brings the schema up to date and prints the version reached. On
 * PostgreSQL ({@code database.type: postgres}) it applies the PostgreSQL migrations; the default
 * project is created by the server's first start there, as the server is not built for PostgreSQL yet.
 */
public final class MigrateCommand extends OperatorCommand {
    public MigrateCommand() {
        super("migrate", "Create or upgrade the database schema and print the version reached");
    }

    @Override
    protected void run(Bootstrap<BloopConfiguration> bootstrap, Namespace namespace, BloopConfiguration config)
            throws Exception {
        if (config.getDatabase().isPostgres()) {
            Connection connection;
            try {
                connection = PostgresMigrator.connect(config.getDatabase());
            } catch (SQLException e) {
                throw new UsageException("cannot connect to " + withoutParameters(config.getDatabase().getUrl()) + ": "
                        + e.getMessage());
            }
            try (Connection c = connection) {
                int version = new PostgresMigrator().migrate(c);
                System.out.println("PostgreSQL database " + withoutParameters(config.getDatabase().getUrl())
                        + " is at schema version " + version);
            }
            return;
        }
        Database db = Database.open(config.getDatabase(), new MetricRegistry());
        try {
            int version = db.migrate();
            new ProjectStore(db).ensureDefaultProject();
            System.out.println("Database " + db.file() + " is at schema version " + version);
        } finally {
            db.stop();
        }
    }

    /** The URL without its parameters, which may hold the password ({@code ?password=…}): never printed. */
    private static String withoutParameters(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }
}
