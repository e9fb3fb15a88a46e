package dev.bloop.service.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which node runs each scheduled job (alert windows, retention, the session sweep) when several
 * bloop nodes share one PostgreSQL: the one holding the job's session-level advisory lock on its
 * own connection. A job asks before each run; a node that dies loses its connection and PostgreSQL
 * releases its locks at once (a killed process's socket is closed by the kernel), so another node
 * takes the job over at that job's next run — the hand-over is bounded by the job's own interval.
 * If the connection breaks, this node gives up every job until it has connected again, so two
 * nodes never both believe they lead.
 *
 * <p>Wired through {@link PostgresNodes}.
 */
public final class PostgresLeadership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresLeadership.class);
    /** The lock space's high half: "bloo"; the low half is a hash of the job's name. */
    private static final long SPACE = 0x626c6f6fL << 32;

    private final Callable<Connection> connect;
    private final Set<String> held = new HashSet<>();
    /** What {@link #held()} answers without waiting for the lock a slow reconnect may hold (/health reads it). */
    private volatile List<String> heldNow = List.of();
    private Connection connection;

    /** @param connect opens a connection of its own, used for nothing else */
    public PostgresLeadership(Callable<Connection> connect) {
        this.connect = connect;
    }

    /** Whether this node runs {@code job} now; takes the job when no live node holds it. */
    public synchronized boolean leads(String job) {
        try {
            if (connection == null || !connection.isValid(2)) {
                reconnect();
            }
            if (held.contains(job)) {
                return true;
            }
            try (PreparedStatement st = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                st.setLong(1, key(job));
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        held.add(job);
                        heldNow = held.stream().sorted().toList();
                        LOG.info("This node now runs the scheduled job '{}'", job);
                        return true;
                    }
                    return false;
                }
            }
        } catch (Exception e) {
            // Without the connection this node cannot know whether its locks still stand: it runs nothing.
            LOG.warn("Job leadership unknown for '{}' ({}); not running it on this node", job, e.getMessage());
            drop();
            return false;
        }
    }

    /** The jobs this node took and still holds, sorted. */
    public List<String> held() {
        return heldNow;
    }

    /** The advisory lock key of a job: the same on every node and every start. */
    static long key(String job) {
        int h = 0;
        for (byte b : job.getBytes(StandardCharsets.UTF_8)) {
            h = 31 * h + (b & 0xff);
        }
        return SPACE | (h & 0xffffffffL);
    }

    private void reconnect() throws Exception {
        drop();
        connection = connect.call();
        connection.setAutoCommit(true);
    }

    private void drop() {
        if (!held.isEmpty()) {
            LOG.warn("Gave up the scheduled jobs {} with the database connection", held);
        }
        held.clear();
        heldNow = List.of();
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already gone
            }
            connection = null;
        }
    }

    /** Gives every job up (the connection's end releases the locks), e.g. at shutdown. */
    @Override
    public synchronized void close() {
        drop();
    }
}
