package dev.bloop.service.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes sharing one PostgreSQL: scheduled jobs led through {@link PostgresLeadership} (one
 * connection of this node's own), cache changes through {@link PostgresSignals} (another). A change
 * is announced after its transaction committed, so another node drops its cache within the
 * listener's poll interval ({@value #POLL_MS} ms) of the announcement; a node whose listening
 * connection broke drops every cache when it is back.
 */
final class PostgresNodes implements Nodes {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresNodes.class);
    static final int POLL_MS = 100;

    private final Jdbi writer;
    private final PostgresLeadership leadership;
    private final PostgresSignals signals;
    private final Map<String, List<Runnable>> subscribers = new ConcurrentHashMap<>();
    /** This node's name in its announcements, new at each start. */
    private final String node = UUID.randomUUID().toString();

    PostgresNodes(DatabaseConfig config, Jdbi writer) {
        this.writer = writer;
        this.leadership = new PostgresLeadership(() -> connect(config));
        this.signals = new PostgresSignals(() -> connect(config), POLL_MS, this::heard);
    }

    /**
     * A connection of this node's own. Bounded waits: a server that does not answer makes a job skip
     * its run (and the listener reconnect) instead of hanging its thread; keep-alive lets a dead peer
     * be noticed on an idle connection.
     */
    private static Connection connect(DatabaseConfig config) throws SQLException {
        Properties props = new Properties();
        if (config.getUser() != null) {
            props.setProperty("user", config.getUser());
        }
        if (config.getPassword() != null) {
            props.setProperty("password", config.getPassword());
        }
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "30");
        props.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(config.getUrl(), props);
    }

    void start() {
        signals.start();
    }

    void stop() throws InterruptedException {
        signals.close();
        leadership.close();
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public boolean leads(String job) {
        return leadership.leads(job);
    }

    @Override
    public List<String> leading() {
        return leadership.held();
    }

    @Override
    public void changed(String topic) {
        try {
            writer.useHandle(h -> {
                try {
                    PostgresSignals.send(h.getConnection(), topic + " " + node);
                } catch (SQLException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
        } catch (RuntimeException e) {
            // The change itself is committed; other nodes serve the old entry until their listener
            // reconnects (and drops everything) or the entry is changed again.
            LOG.warn("Could not tell the other nodes that '{}' changed: {}", topic, e.getMessage());
        }
    }

    @Override
    public void onChange(String topic, Runnable drop) {
        subscribers.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(drop);
    }

    /**
     * A change as heard: {@code topic} and the sending node, apart. A node hears its own announcements
     * too and skips them (it applied the change itself, and dropping again would, say, refill a quota).
     */
    private void heard(String message) {
        int at = message.lastIndexOf(' ');
        if (at > 0 && message.substring(at + 1).equals(node)) {
            return;
        }
        String topic = at > 0 ? message.substring(0, at) : message;
        if (EVERYTHING.equals(topic)) {
            subscribers.values().forEach(list -> list.forEach(Runnable::run));
        } else {
            subscribers.getOrDefault(topic, List.of()).forEach(Runnable::run);
        }
    }
}
