package dev.bloop.service.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the PostgreSQL migrations ({@code db/migrations/postgres/index.txt}), recording each one in
 * {@code schema_version}. Their numbers are SQLite's: the same number is the same schema in both (the
 * first file is SQLite's version 17 at once).
 *
 * <p>PostgreSQL changes its schema transactionally, so everything pending is applied in one
 * transaction under an advisory lock: an upgrade happens whole or not at all, and several nodes
 * starting at once against one server migrate one after the other (the later ones find nothing left
 * to do). A database whose version is newer than this code knows is refused, as on SQLite.
 */
public final class PostgresMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresMigrator.class);
    /** The advisory lock's key: "bloop" in ASCII, so that it does not collide with another app's by chance. */
    private static final long LOCK = 0x626c6f6f70L;

    private final List<Migrator.Migration> migrations = Migrator.load("/db/migrations/postgres/");

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
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    + "applied_at BIGINT NOT NULL)");
            int current = currentVersion(c);
            if (current > latestVersion()) {
                throw new Migrator.SchemaTooNewException(current, latestVersion());
            }
            for (Migrator.Migration m : migrations) {
                if (m.version() <= current) {
                    continue;
                }
                try {
                    // The driver sends the whole file as one simple query: functions' $$ bodies included.
                    st.execute(m.sql());
                } catch (SQLException e) {
                    throw new IllegalStateException("migration postgres/" + m.name() + " failed: " + e.getMessage(), e);
                }
                try (PreparedStatement done = c.prepareStatement(
                        "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)")) {
                    done.setInt(1, m.version());
                    done.setString(2, m.name());
                    done.setLong(3, System.currentTimeMillis());
                    done.executeUpdate();
                }
                LOG.info("Applying migration postgres/{}", m.name());
                current = m.version();
            }
            c.commit();
            return current;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
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
}
