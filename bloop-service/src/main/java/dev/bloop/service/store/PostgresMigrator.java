package dev.bloop.service.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the PostgreSQL migrations ({@code db/migrations/postgres/index.txt}), each in its own
 * transaction, recording each version reached in {@code schema_version}. Their numbers are SQLite's:
 * the same number is the same schema in both (the first file is SQLite's version 17 at once).
 *
 * <p>Several nodes may start at once against one server: a transaction-scoped advisory lock makes
 * them migrate one after the other, and the later ones find nothing left to do. A database whose
 * version is newer than this code knows is refused, as on SQLite.
 */
public final class PostgresMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresMigrator.class);
    private static final String DIR = "/db/migrations/postgres/";
    /** The advisory lock's key: "bloop" in ASCII, so that it does not collide with another app's by chance. */
    private static final long LOCK = 0x626c6f6f70L;

    private final List<Migrator.Migration> migrations;

    public PostgresMigrator() {
        this.migrations = load();
    }

    public int latestVersion() {
        return migrations.get(migrations.size() - 1).version();
    }

    /** Connects with the configuration's URL, user and password. */
    public static Connection connect(DatabaseConfig config) throws SQLException {
        return DriverManager.getConnection(config.getUrl(), config.getUser(), config.getPassword());
    }

    /** Brings the schema up to date and returns the version reached. */
    public int migrate(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        try (Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    + "applied_at BIGINT NOT NULL)");
            c.commit();
            int current = 0;
            for (Migrator.Migration m : migrations) {
                st.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
                current = currentVersion(c);
                if (current > latestVersion()) {
                    throw new Migrator.SchemaTooNewException(current, latestVersion());
                }
                if (m.version() <= current) {
                    c.commit();
                    continue;
                }
                try {
                    // The driver sends the whole file as one simple query: functions' $$ bodies included.
                    st.execute(m.sql());
                    try (PreparedStatement done = c.prepareStatement(
                            "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)")) {
                        done.setInt(1, m.version());
                        done.setString(2, m.name());
                        done.setLong(3, System.currentTimeMillis());
                        done.executeUpdate();
                    }
                    c.commit();
                } catch (SQLException e) {
                    c.rollback();
                    throw new IllegalStateException("migration postgres/" + m.name() + " failed: " + e.getMessage(), e);
                }
                LOG.info("Applied migration postgres/{}", m.name());
                current = m.version();
            }
            return current;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /** The version reached: 0 for an empty database. */
    public static int currentVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static List<Migrator.Migration> load() {
        List<Migrator.Migration> list = new ArrayList<>();
        for (String name : read(DIR + "index.txt").lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
            int version = Integer.parseInt(name.substring(0, name.indexOf('_')));
            if (!list.isEmpty() && version != list.get(list.size() - 1).version() + 1) {
                throw new IllegalStateException("migration postgres/" + name + " is out of sequence");
            }
            list.add(new Migrator.Migration(version, name, read(DIR + name)));
        }
        if (list.isEmpty()) {
            throw new IllegalStateException("no PostgreSQL migrations in " + DIR);
        }
        return List.copyOf(list);
    }

    private static String read(String resource) {
        try (InputStream in = PostgresMigrator.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
