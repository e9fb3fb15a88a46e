package dev.bloop.service.store;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.util.Duration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Types;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.argument.ArgumentFactory;
import org.jdbi.v3.core.config.ConfigRegistry;

/**
 * The database and its two pools. On SQLite (the default): one file, writes through a small pool whose
 * transactions start IMMEDIATE (so two writers queue on the busy timeout instead of failing on lock
 * upgrade), queries through a separate {@code query_only} pool that WAL lets read while the writer
 * commits; every PRAGMA is set per connection, not once on the first one. On PostgreSQL
 * (docs/postgres.md): a write pool and a read-only pool to the server, and the other nodes sharing it
 * ({@link #nodes}); {@link #dialect} tells the stores which SQL to speak where one text cannot serve both.
 */
public final class Database implements Managed {
    private static final int WRITE_POOL_SIZE = 3;
    /** Page cache per connection, in KiB: native memory outside the heap, counted against the RSS budget. */
    private static final int WRITE_CACHE_KIB = 8192;
    private static final int READ_CACHE_KIB = 4096;

    private final Path file;
    private final Dialect dialect;
    private final ManagedDataSource writeSource;
    private final ManagedDataSource readSource;
    private final Jdbi writer;
    private final Jdbi reader;
    private final WriteHealth writeHealth = new WriteHealth();
    private final Nodes nodes;

    /** @param config on PostgreSQL, also for the node's own connections (scheduled jobs, cache signals) */
    private Database(Path file, Dialect dialect, ManagedDataSource writeSource, ManagedDataSource readSource,
                     DatabaseConfig config) {
        this.file = file;
        this.dialect = dialect;
        this.writeSource = writeSource;
        this.readSource = readSource;
        this.writer = Jdbi.create(writeSource);
        this.reader = Jdbi.create(readSource);
        this.nodes = dialect == Dialect.POSTGRES ? new PostgresNodes(config, writer) : Nodes.ALONE;
        if (dialect == Dialect.POSTGRES) {
            // The schema keeps SQLite's 0/1 integers for flags (one set of SQL for both), so a Java
            // boolean binds as one.
            writer.registerArgument(new FlagArgument());
            reader.registerArgument(new FlagArgument());
        }
    }

    /** A boolean (boxed or not) bound as 0 or 1; preparable, so that it also serves batches. */
    private static final class FlagArgument implements ArgumentFactory.Preparable {
        @Override
        public Optional<Function<Object, Argument>> prepare(Type type, ConfigRegistry config) {
            if (type != boolean.class && type != Boolean.class) {
                return Optional.empty();
            }
            return Optional.of(value -> value == null ? (position, statement, ctx) -> statement.setNull(position,
                    Types.BIGINT) : (position, statement, ctx) -> statement.setLong(position, (Boolean) value ? 1 : 0));
        }

        @Override
        public Collection<? extends Type> prePreparedTypes() {
            return List.of(boolean.class, Boolean.class);
        }
    }

    public static Database open(DatabaseConfig config, MetricRegistry metrics) {
        // On PostgreSQL the path still names where this node keeps its own files (spill journals, the
        // analytics copy): <path>.spill and so on.
        Path file = Path.of(config.getPath()).toAbsolutePath().normalize();
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory for database.path " + file, e);
        }
        if (config.isPostgres()) {
            return new Database(file, Dialect.POSTGRES,
                    postgres(config, WRITE_POOL_SIZE, false).build(metrics, "postgres-write"),
                    postgres(config, config.getReadPoolSize(), true).build(metrics, "postgres-read"), config);
        }
        DataSourceFactory write = factory(file, config.getBusyTimeout(), WRITE_POOL_SIZE, WRITE_CACHE_KIB);
        write.getProperties().put("transaction_mode", "IMMEDIATE");
        // StoreMaintenance checkpoints every second; this threshold (in pages) is only a safety net.
        write.getProperties().put("wal_autocheckpoint", "16384");
        write.getProperties().put("journal_size_limit", Long.toString(64L * 1024 * 1024));
        DataSourceFactory read = factory(file, config.getBusyTimeout(), config.getReadPoolSize(), READ_CACHE_KIB);
        read.setInitializationQuery("PRAGMA query_only = ON");
        // A big sort or GROUP BY (LLM sessions, traces by model: hundreds of thousands of rows) spills
        // past the page cache into a temporary file, which the OS caches, instead of process memory:
        // with temp_store MEMORY those queries were the query phase's RSS growth (bench/llm.sh).
        read.getProperties().put("temp_store", "FILE");
        return new Database(file, Dialect.SQLITE, write.build(metrics, "sqlite-write"), read.build(metrics, "sqlite-read"),
                config);
    }

    private static DataSourceFactory postgres(DatabaseConfig config, int size, boolean readOnly) {
        DataSourceFactory f = new DataSourceFactory();
        f.setDriverClass("org.postgresql.Driver");
        f.setUrl(config.getUrl());
        f.setUser(config.getUser());
        f.setPassword(config.getPassword());
        f.setMinSize(1);
        f.setInitialSize(1);
        f.setMaxSize(size);
        f.setMaxWaitForConnection(Duration.seconds(30));
        f.setValidationQuery("SELECT 1");
        // A PostgreSQL server restarts or fails over; a dead connection must not be handed out.
        f.setCheckConnectionOnBorrow(true);
        f.setAutoCommitByDefault(true);
        f.setReadOnlyByDefault(readOnly);
        if (readOnly) {
            // A read transaction sees one snapshot, as on SQLite (a trace and its spans from the same commit):
            // under READ COMMITTED each statement would see the commits made since the one before it.
            f.setDefaultTransactionIsolation(DataSourceFactory.TransactionIsolation.REPEATABLE_READ);
        }
        return f;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The other nodes on this database: none on SQLite, any number on PostgreSQL. */
    public Nodes nodes() {
        return nodes;
    }

    private static DataSourceFactory factory(Path file, Duration busyTimeout, int size, int cacheKib) {
        DataSourceFactory f = new DataSourceFactory();
        f.setDriverClass("org.sqlite.JDBC");
        f.setUrl("jdbc:sqlite:" + file);
        Map<String, String> props = new HashMap<>();
        props.put("journal_mode", "WAL");
        props.put("synchronous", "NORMAL");
        props.put("foreign_keys", "true");
        props.put("busy_timeout", Long.toString(busyTimeout.toMilliseconds()));
        props.put("cache_size", Integer.toString(-cacheKib));
        props.put("temp_store", "MEMORY");
        f.setProperties(props);
        // The pool sizes must move together, or the pool refuses to start.
        f.setMinSize(1);
        f.setInitialSize(1);
        f.setMaxSize(size);
        f.setMaxWaitForConnection(Duration.seconds(30));
        f.setValidationQuery("SELECT 1");
        f.setCheckConnectionOnBorrow(false);
        f.setCheckConnectionWhileIdle(false);
        f.setAutoCommitByDefault(true);
        return f;
    }

    /** Applies pending migrations; returns the schema version reached. */
    public int migrate() {
        if (dialect == Dialect.POSTGRES) {
            return writer.withHandle(h -> {
                try {
                    return new PostgresMigrator().migrate(h.getConnection());
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException("Cannot migrate the PostgreSQL database: " + e.getMessage(), e);
                }
            });
        }
        try {
            return new Migrator().migrate(writer, file);
        } catch (RuntimeException e) {
            StorageFailure failure = StorageFailure.of(e);
            if (!failure.environmental()) {
                throw e;
            }
            throw new IllegalStateException("Cannot write the database " + file + ": " + failure.reason() + ". "
                    + advice(failure), e);
        }
    }

    private String advice(StorageFailure failure) {
        return switch (failure) {
            case READ_ONLY, CANNOT_OPEN -> "bloop writes this file and its -wal and -shm files beside it: check that "
                    + "the file and its directory are writable by this user and that the file system is not mounted "
                    + "read-only, or point database.path (BLOOP__DATABASE__PATH) elsewhere.";
            case DISK_FULL -> "Free space on its file system (df -h " + file.getParent() + ").";
            case BUSY -> "Another process holds a write lock on it: is a second bloop running on the same file?";
            case CORRUPT -> "Restore it from a backup (bin/bloop backup makes them).";
            default -> "Check the file system holding it.";
        };
    }

    public Jdbi writer() {
        return writer;
    }

    public Jdbi reader() {
        return reader;
    }

    public Path file() {
        return file;
    }

    /** Whether writes currently succeed: set by the writers that meet a failure, read by ingest and health. */
    public WriteHealth writeHealth() {
        return writeHealth;
    }

    /** A cheap liveness probe through the read pool. */
    public boolean ping() {
        try {
            return reader.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void start() throws Exception {
        writeSource.start();
        readSource.start();
        if (nodes instanceof PostgresNodes shared) {
            shared.start();
        }
    }

    @Override
    public void stop() throws Exception {
        if (nodes instanceof PostgresNodes shared) {
            shared.stop();
        }
        readSource.stop();
        writeSource.stop();
    }
}
