package dev.bloop.service.analytics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;

/**
 * The in-process DuckDB database, kept in a file beside the SQLite one: its tables are compressed
 * there and read through DuckDB's buffer pool, which {@code memory_limit} bounds, so the copy costs
 * little memory at rest (an in-memory database keeps every block resident, uncompressed). The file is
 * a cache: it is deleted and rebuilt from SQLite at every start (and deleted at a stop), so it never
 * needs a backup and never outlives a purge. Threads from the config, no access to files or
 * extensions from SQL, and a spill directory beside the SQLite file for a query that needs more than
 * the limit. One connection belongs to the refresher; queries borrow one of a small pool and are
 * cancelled when they run past the query timeout.
 */
final class DuckDb implements AutoCloseable {
    private static final int QUERY_CONNECTIONS = 2;

    private final DuckDBConnection root;
    private final DuckDBConnection writer;
    private final BlockingQueue<DuckDBConnection> readers = new ArrayBlockingQueue<>(QUERY_CONNECTIONS);
    private final ScheduledExecutorService timeouts;
    private final long timeoutMs;
    private final Path file;
    private final Path spillDir;
    private final String memoryLimit;

    /** A piece of work on a query connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Session s) throws SQLException;
    }

    /** A query connection lent to one piece of work; its statements can be cancelled from another thread. */
    static final class Session {
        private final Connection c;
        private final List<Statement> open = new ArrayList<>();
        private boolean cancelled;

        Session(Connection c) {
            this.c = c;
        }

        synchronized PreparedStatement prepare(String sql) throws SQLException {
            if (cancelled) {
                throw new SQLException("cancelled");
            }
            PreparedStatement ps = c.prepareStatement(sql);
            open.add(ps);
            return ps;
        }

        synchronized void cancel() {
            cancelled = true;
            for (Statement s : open) {
                try {
                    s.cancel();
                } catch (SQLException ignored) {
                    // the statement may have finished meanwhile
                }
            }
        }

        synchronized boolean cancelled() {
            return cancelled;
        }

        synchronized void closeStatements() {
            for (Statement s : open) {
                try {
                    s.close();
                } catch (SQLException ignored) {
                    // closing anyway
                }
            }
            open.clear();
        }
    }

    /** A query ran past analytics.query_timeout and was cancelled. */
    static final class TimedOut extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TimedOut(long ms) {
            super("the analytics query ran longer than analytics.query_timeout (" + ms + " ms) and was cancelled",
                    null, false, false);
        }
    }

    DuckDb(AnalyticsConfig config, Path file, Path spillDir) throws SQLException {
        this.file = file;
        this.spillDir = spillDir;
        this.timeoutMs = config.getQueryTimeout().toMilliseconds();
        clearSpill();
        deleteFile();
        Properties p = new Properties();
        p.setProperty("memory_limit", config.getMemoryLimit().toKibibytes() + "KiB");
        p.setProperty("threads", Integer.toString(config.getThreads()));
        p.setProperty("temp_directory", spillDir.toString());
        // Give memory back to the system after each task instead of keeping up to 128 MiB of it for
        // the next one: bloop lives in a small RSS budget and analytics queries are occasional.
        p.setProperty("allocator_flush_threshold", "4MiB");
        p.setProperty("allocator_bulk_deallocation_flush_threshold", "16MiB");
        // Insertion order is never relied on (every answer is ordered explicitly); keeping it costs memory.
        p.setProperty("preserve_insertion_order", "false");
        // Offline and SQL never comes from users, but a query has no business reading files either.
        p.setProperty("autoinstall_known_extensions", "false");
        p.setProperty("autoload_known_extensions", "false");
        this.root = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file, p);
        try (Statement s = root.createStatement()) {
            // Once off, external access cannot be turned on again while the database runs (settings
            // are not locked otherwise: release() lowers memory_limit for a moment).
            s.execute("SET enable_external_access = false");
        }
        this.memoryLimit = config.getMemoryLimit().toKibibytes() + "KiB";
        this.writer = (DuckDBConnection) root.duplicate();
        for (int i = 0; i < QUERY_CONNECTIONS; i++) {
            readers.add((DuckDBConnection) root.duplicate());
        }
        this.timeouts = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "analytics-timeout");
            t.setDaemon(true);
            return t;
        });
    }

    /** The refresher's own connection (one thread only). */
    DuckDBConnection writer() {
        return writer;
    }

    /** Runs {@code work} on a query connection, cancelling it after the query timeout. */
    <T> T query(Work<T> work) throws SQLException {
        DuckDBConnection c;
        try {
            c = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for an analytics connection", e);
        }
        Session session = new Session(c);
        ScheduledFuture<?> timer = timeouts.schedule(session::cancel, timeoutMs, TimeUnit.MILLISECONDS);
        try {
            return work.run(session);
        } catch (SQLException e) {
            if (session.cancelled()) {
                throw new TimedOut(timeoutMs);
            }
            throw e;
        } finally {
            timer.cancel(false);
            session.closeStatements();
            readers.add(c);
        }
    }

    /**
     * Gives the buffer pool's blocks back while no query runs: DuckDB keeps what it read or wrote
     * cached up to memory_limit, so after a refresh it would hold that much for good. The copy is in
     * its file (and the OS page cache), so the next query reads it again from there. Skipped when a
     * query is running (it would run out of memory for that moment); called by the refresh thread.
     * Under ingest some blocks may be pinned: DuckDB then frees what it can and refuses the low limit,
     * which is no failure of the refresh.
     *
     * @return whether all the blocks were released
     */
    boolean release() throws SQLException {
        List<DuckDBConnection> held = new ArrayList<>(QUERY_CONNECTIONS);
        try {
            readers.drainTo(held);
            if (held.size() < QUERY_CONNECTIONS) {
                return false;
            }
            try (Statement s = writer.createStatement()) {
                try {
                    s.execute("SET memory_limit = '1MiB'");
                } catch (SQLException pinned) {
                    // Some blocks cannot be evicted now (DuckDB has freed what it could): not an error.
                    return false;
                } finally {
                    s.execute("SET memory_limit = '" + memoryLimit + "'");
                }
            }
            return true;
        } finally {
            readers.addAll(held);
        }
    }

    /** DuckDB's own count of the memory it holds, in bytes (buffer pool and working memory). */
    long memoryInUse() throws SQLException {
        try (Statement s = writer.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() {
        timeouts.shutdownNow();
        for (Connection c : readers) {
            closeQuietly(c);
        }
        closeQuietly(writer);
        closeQuietly(root);
        clearSpill();
        deleteFile();
    }

    /** The copy of a previous run is not trusted (SQLite may have changed since): it is rebuilt. */
    private void deleteFile() {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(Path.of(file + ".wal"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the analytics copy " + file, e);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }

    /** Spill files of a previous run are of no use: the database is rebuilt at every start. */
    private void clearSpill() {
        if (!Files.exists(spillDir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(spillDir)) {
            files.sorted(Comparator.reverseOrder()).filter(f -> !f.equals(spillDir)).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear the analytics spill directory " + spillDir, e);
        }
    }
}
