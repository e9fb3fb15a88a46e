package dev.bloop.service.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the numbered SQL files listed in {@code db/migrations/index.txt}, each in its own
 * transaction, recording the version reached in SQLite's {@code user_version}. A database whose
 * version is newer than this code knows is refused: running old code on it could corrupt it.
 */
public final class Migrator {
    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);
    private static final String DIR = "/db/migrations/";

    private final List<Migration> migrations;

    record Migration(int version, String name, String sql) {
    }

    public Migrator() {
        this.migrations = load(DIR);
        if (migrations.get(0).version() != 1) {
            throw new IllegalStateException("the first migration in " + DIR + " must be number 1");
        }
    }

    public int latestVersion() {
        return migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
    }

    /** Brings the schema up to date and returns the version reached. */
    public int migrate(Jdbi jdbi) {
        return migrate(jdbi, null);
    }

    /**
     * Brings the schema up to date; when an existing schema is about to change, first writes a backup
     * next to {@code file} ({@code <file>.pre-v<N>-<time>.bak}) so an upgrade can be undone.
     */
    public int migrate(Jdbi jdbi, java.nio.file.Path file) {
        return jdbi.withHandle(handle -> {
            int current = currentVersion(handle);
            if (current > latestVersion()) {
                throw new SchemaTooNewException(current, latestVersion());
            }
            if (current > 0 && current < latestVersion() && file != null) {
                java.nio.file.Path backup = file.resolveSibling(file.getFileName() + ".pre-v" + latestVersion() + "-"
                        + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                        .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now()) + ".bak");
                long size = Backup.into(handle, backup);
                LOG.info("Schema {} -> {}: backed up the database first to {} ({} bytes)", current, latestVersion(),
                        backup, size);
            }
            if (current == 0) {
                // Only an empty database can take this: it lets retention give space back with
                // PRAGMA incremental_vacuum in small steps instead of a full VACUUM that stops writes.
                // The connection is already in WAL mode, where the setting only takes effect through a
                // VACUUM (instant on an empty file).
                handle.execute("PRAGMA auto_vacuum = INCREMENTAL");
                handle.execute("VACUUM");
            }
            for (Migration m : migrations) {
                if (m.version() <= current) {
                    continue;
                }
                handle.useTransaction(tx -> {
                    // sqlite3_exec runs every statement of the file; Jdbi's script splitter cannot
                    // parse trigger bodies (BEGIN ... END).
                    try (java.sql.Statement statement = tx.getConnection().createStatement()) {
                        statement.executeUpdate(m.sql());
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException("migration " + m.name() + " failed: " + e.getMessage(), e);
                    }
                    // PRAGMA takes no bind parameters; the version is an int we parsed ourselves.
                    tx.execute("PRAGMA user_version = " + m.version());
                });
                LOG.info("Applied migration {}", m.name());
                current = m.version();
            }
            return current;
        });
    }

    public static int currentVersion(Handle handle) {
        return handle.createQuery("PRAGMA user_version").mapTo(Integer.class).one();
    }

    /**
     * The migrations listed in {@code dir}'s {@code index.txt}, numbered by their file names'
     * prefixes, which must follow each other without a gap (SQLite's and PostgreSQL's directories).
     */
    static List<Migration> load(String dir) {
        List<Migration> list = new ArrayList<>();
        for (String name : readLines(dir + "index.txt")) {
            int version = Integer.parseInt(name.substring(0, name.indexOf('_')));
            if (!list.isEmpty() && version != list.get(list.size() - 1).version() + 1) {
                throw new IllegalStateException("migration " + dir + name + " is out of sequence");
            }
            list.add(new Migration(version, name, String.join("\n", readLines(dir + name))));
        }
        if (list.isEmpty()) {
            throw new IllegalStateException("no migrations in " + dir);
        }
        return List.copyOf(list);
    }

    private static List<String> readLines(String resource) {
        try (InputStream in = Migrator.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            List<String> lines = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    if (resource.endsWith(".txt")) {
                        line = line.strip();
                        if (line.isEmpty() || line.startsWith("#")) {
                            continue;
                        }
                    }
                    lines.add(line);
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The database was written by a newer bloop. */
    public static final class SchemaTooNewException extends IllegalStateException {
        SchemaTooNewException(int found, int known) {
            super("The database schema is at version " + found + " but this bloop only knows versions up to "
                    + known + ". It was written by a newer bloop: run that version, or restore a backup.");
        }
    }
}
