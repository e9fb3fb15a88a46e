package dev.bloop.service.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the other nodes on one PostgreSQL that something they cache has changed (a project's keys,
 * a revoked token, a source map, alert rules), with LISTEN/NOTIFY on one channel. A node's caches
 * subscribe with {@link #onChange}; a change is sent with {@link #send} in the writing transaction's
 * connection or on its own.
 *
 * <p>Bound: a notification reaches the other nodes as soon as the sending transaction commits (a
 * listener waits at most {@code pollMillis} for it). Notifications sent while a node's listening
 * connection was down are lost, so after reconnecting a node hears {@link #EVERYTHING}: drop every
 * cache. A node therefore never serves a stale entry longer than it takes to notice the lost
 * connection and reconnect.
 *
 * <p>Wired through {@link PostgresNodes}.
 */
public final class PostgresSignals implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresSignals.class);
    static final String CHANNEL = "bloop_cache";
    /** Heard after a (re)connection: changes may have been missed, every cache is to be dropped. */
    public static final String EVERYTHING = "*";
    static final String APPLICATION_NAME = "bloop-cache-signals";

    private final Callable<Connection> connect;
    private final int pollMillis;
    private final Consumer<String> listener;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection listening;

    /**
     * @param connect  opens a connection of its own for listening
     * @param listener told each change's topic (e.g. {@code project_keys:default}), or {@link #EVERYTHING}
     */
    public PostgresSignals(Callable<Connection> connect, int pollMillis, Consumer<String> listener) {
        this.connect = connect;
        this.pollMillis = pollMillis;
        this.listener = listener;
        this.thread = new Thread(this::listen, "bloop-pg-signals");
        this.thread.setDaemon(true);
    }

    /** Starts listening in the background; each (re)connection is heard as {@link #EVERYTHING}. */
    public PostgresSignals start() {
        thread.start();
        return this;
    }

    /** Sends a change on {@code c}: the other nodes hear it when c's transaction commits. */
    public static void send(Connection c, String topic) throws java.sql.SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            st.setString(1, CHANNEL);
            st.setString(2, topic);
            st.execute();
        }
    }

    private void listen() {
        long backoff = 100;
        while (running) {
            try (Connection c = connect.call()) {
                c.setAutoCommit(true);
                try (Statement st = c.createStatement()) {
                    // Named, so that an operator sees in pg_stat_activity what the idle connection is.
                    st.execute("SET application_name = '" + APPLICATION_NAME + "'");
                    st.execute("LISTEN " + CHANNEL);
                }
                listening = c;
                backoff = 100;
                deliver(EVERYTHING);
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] got = pg.getNotifications(pollMillis);
                    if (got == null) {
                        if (!c.isValid(2)) {
                            throw new java.sql.SQLException("listening connection lost");
                        }
                        continue;
                    }
                    for (PGNotification n : got) {
                        deliver(n.getParameter());
                    }
                }
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                LOG.warn("Cache signals from other nodes interrupted ({}); reconnecting in {} ms", e.getMessage(), backoff);
                sleep(backoff);
                backoff = Math.min(backoff * 2, 5_000);
            } finally {
                listening = null;
            }
        }
    }

    private void deliver(String topic) {
        try {
            listener.accept(topic);
        } catch (RuntimeException e) {
            LOG.error("A cache failed to take the change '{}'", topic, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        Connection c = listening;
        if (c != null) {
            try {
                c.close();
            } catch (java.sql.SQLException ignored) {
                // closing anyway
            }
        }
        thread.join(5_000);
    }
}
