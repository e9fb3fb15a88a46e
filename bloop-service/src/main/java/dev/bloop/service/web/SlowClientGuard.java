package dev.bloop.service.web;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the connections of clients that trickle: request headers not complete within
 * {@code header_timeout} of their first byte (Jetty's idle timeout restarts at every byte, so a
 * header line every few seconds would hold a connection forever), and request bodies averaging less
 * than {@code min_request_data_rate} once they took longer than that. It also keeps the number of
 * open connections at {@code max}: a new connection past it closes the one that has waited longest
 * for its client, so a flood of slow clients cannot lock out the ones that send a request at normal
 * speed; only when every other connection is being served is the new one closed.
 *
 * <p>It reads the HTTP parser's state from a scan every half second: racy reads of a field, good
 * enough to tell a request stuck for seconds.
 */
public final class SlowClientGuard implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(SlowClientGuard.class);
    private static final long SCAN_MS = 500;

    private final int max;
    private final long headerTimeoutNanos;
    private final long minBytesPerSecond;
    private final Map<Connection, Track> open = new ConcurrentHashMap<>();
    private final Counter slowHeaders;
    private final Counter slowBodies;
    private final Counter evicted;
    private ScheduledExecutorService scanner;

    /** What the last scan saw of one connection. */
    private static final class Track {
        final long openedNanos = System.nanoTime();
        volatile long phaseStartNanos;
        volatile long phaseStartBytes;
        volatile long lastBytes;
        volatile int phase; // 0 idle, 1 headers, 2 body, 3 other

        Track() {
            phaseStartNanos = openedNanos;
        }
    }

    public SlowClientGuard(ConnectionsConfig config, MetricRegistry metrics) {
        this.max = config.getMax();
        this.headerTimeoutNanos = config.getHeaderTimeout().toNanoseconds();
        this.minBytesPerSecond = config.getMinRequestDataRate();
        this.slowHeaders = metrics.counter("http.connections.closed.slow_headers");
        this.slowBodies = metrics.counter("http.connections.closed.slow_body");
        this.evicted = metrics.counter("http.connections.closed.over_limit");
        metrics.gauge("http.connections.open", () -> open::size);
    }

    @Override
    public void onOpened(Connection connection) {
        open.put(connection, new Track());
        if (open.size() > max) {
            makeRoom(connection);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        open.remove(connection);
    }

    public int openConnections() {
        return open.size();
    }

    /**
     * Attaches the guard to the application connectors (not the admin one) before they start, with
     * the configured idle timeout, and runs its scan while the server runs.
     */
    public LifeCycle.Listener installer(ConnectionsConfig config) {
        return new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                if (event instanceof Server server) {
                    for (Connector connector : server.getConnectors()) {
                        if (connector instanceof ServerConnector sc && !"admin".equals(sc.getName())) {
                            sc.setIdleTimeout(config.getIdleTimeout().toMilliseconds());
                            sc.addBean(SlowClientGuard.this);
                        }
                    }
                }
            }

            @Override
            public void lifeCycleStarted(LifeCycle event) {
                startScanning();
            }

            @Override
            public void lifeCycleStopping(LifeCycle event) {
                if (scanner != null) {
                    scanner.shutdownNow();
                }
            }
        };
    }

    private void startScanning() {
        scanner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bloop-slow-client-guard");
            t.setDaemon(true);
            return t;
        });
        scanner.scheduleWithFixedDelay(this::scan, SCAN_MS, SCAN_MS, TimeUnit.MILLISECONDS);
    }

    void scan() {
        try {
            long now = System.nanoTime();
            for (Map.Entry<Connection, Track> e : open.entrySet()) {
                Connection c = e.getKey();
                Track t = e.getValue();
                int phase = phase(c);
                long bytes = c.getBytesIn();
                // A keep-alive connection that sent a whole request since the last scan is not idle.
                boolean busy = phase == 0 && bytes != t.lastBytes;
                t.lastBytes = bytes;
                if (phase != t.phase || busy) {
                    t.phase = phase;
                    t.phaseStartNanos = now;
                    t.phaseStartBytes = bytes;
                    continue;
                }
                long took = now - t.phaseStartNanos;
                if (phase == 1 && took > headerTimeoutNanos) {
                    close(c);
                    slowHeaders.inc();
                } else if (phase == 2 && minBytesPerSecond > 0 && took > headerTimeoutNanos) {
                    long sent = bytes - t.phaseStartBytes;
                    if (sent * 1_000_000_000L / took < minBytesPerSecond) {
                        slowBodies.inc();
                        close(c);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Slow-client scan failed", e);
        }
    }

    /**
     * Over the limit: close the connection that has waited longest without finishing what it is
     * sending (its request line and headers, its body, or its next request), however short that
     * wait: a flood of slow clients opened in the last second must not make the server refuse the
     * client that arrives next with its whole request. Only when every other connection is being
     * served is the new one closed.
     */
    private void makeRoom(Connection newest) {
        Connection victim = null;
        long longest = Long.MIN_VALUE;
        long now = System.nanoTime();
        for (Map.Entry<Connection, Track> e : open.entrySet()) {
            Connection c = e.getKey();
            if (c == newest || phase(c) == 3) {
                continue; // being served
            }
            long waited = now - e.getValue().phaseStartNanos;
            if (waited > longest) {
                longest = waited;
                victim = c;
            }
        }
        evicted.inc();
        close(victim != null ? victim : newest);
    }

    /** 0 between requests, 1 reading a request line or headers, 2 reading a body, 3 anything else. */
    private static int phase(Connection c) {
        if (!(c instanceof HttpConnection http)) {
            return 3;
        }
        HttpParser parser = http.getParser();
        if (parser.isStart()) {
            return 0;
        }
        if (parser.inHeaderState()) {
            return 1;
        }
        return parser.inContentState() ? 2 : 3;
    }

    private void close(Connection c) {
        if (open.remove(c) == null) {
            return; // already on its way out
        }
        try {
            c.getEndPoint().close();
        } catch (RuntimeException ignored) {
            // already closing
        }
    }
}
