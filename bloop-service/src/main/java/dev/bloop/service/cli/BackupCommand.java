package dev.bloop.service.cli;

import com.codahale.metrics.MetricRegistry;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.store.Backup;
import dev.bloop.service.store.Database;
import io.dropwizard.core.setup.Bootstrap;
import java.io.PrintStream;
import java.nio.file.Path;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code bloop backup config.yml FILE}: a consistent copy of the database while the server keeps
 * running (SQLite {@code VACUUM INTO}), checked with {@code PRAGMA quick_check}. Restore: stop bloop,
 * put the file at {@code database.path} (removing any {@code -wal}/{@code -shm} beside it), start bloop.
 */
public final class BackupCommand extends OperatorCommand {
    private final PrintStream out;

    public BackupCommand() {
        this(System.out);
    }

    BackupCommand(PrintStream out) {
        super("backup", "Write a consistent copy of the database to FILE while the server runs");
        this.out = out;
    }

    @Override
    public void configure(Subparser subparser) {
        super.configure(subparser);
        subparser.addArgument("target").metavar("FILE").help("where to write the backup (must not exist)");
    }

    @Override
    protected void run(Bootstrap<BloopConfiguration> bootstrap, Namespace ns, BloopConfiguration config)
            throws Exception {
        if (config.getDatabase().isPostgres()) {
            throw new UsageException("the database is PostgreSQL (database.type: postgres): back it up with its own "
                    + "tools, e.g. pg_dump --format=custom --file=FILE DBNAME while bloop runs (see docs/postgres.md)");
        }
        Path target = Path.of(ns.getString("target"));
        Database db = Database.open(config.getDatabase(), new MetricRegistry());
        try {
            long started = System.currentTimeMillis();
            long size;
            try {
                size = db.writer().withHandle(h -> Backup.into(h, target));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            out.printf("Backed up %s to %s (%d bytes, %d ms, integrity ok)%n", db.file(), target.toAbsolutePath(), size,
                    System.currentTimeMillis() - started);
        } finally {
            db.stop();
        }
    }
}
