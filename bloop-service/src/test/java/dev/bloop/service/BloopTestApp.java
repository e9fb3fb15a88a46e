package dev.bloop.service;

import dev.bloop.api.Signatures;
import dev.bloop.service.config.BloopConfigSource;
import io.dropwizard.configuration.ResourceConfigurationSourceProvider;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The real application on random ports with its own SQLite file, configured the way a user
 * configures it: test-config.yml plus {@code BLOOP__} environment overrides, read by the same
 * config source the launcher uses.
 */
public final class BloopTestApp {
    public static final String SECRET = "test-secret-0123456789";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * {@code -Dbloop.test.database=postgres}: every app of the run stores in its own database of the
     * test PostgreSQL server instead of a SQLite file (the build runs the core suites both ways).
     */
    public static final boolean ON_POSTGRES = "postgres".equals(System.getProperty("bloop.test.database"));
    private static final java.util.concurrent.atomic.AtomicInteger DATABASES = new java.util.concurrent.atomic.AtomicInteger();

    private final Path dbFile;
    private final String postgresUrl;
    private final DropwizardAppExtension<BloopConfiguration> app;

    public BloopTestApp(Map<String, String> overrides) {
        this(overrides, null);
    }

    /** An app storing in this PostgreSQL database, which other apps may share (several nodes). */
    public static BloopTestApp onPostgres(String postgresUrl, Map<String, String> overrides) {
        return new BloopTestApp(overrides, postgresUrl);
    }

    private BloopTestApp(Map<String, String> overrides, String sharedPostgresUrl) {
        try {
            this.dbFile = Files.createTempDirectory("bloop-it").resolve("bloop.db");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> env = new HashMap<>(overrides);
        env.putIfAbsent("BLOOP__DATABASE__PATH", dbFile.toString());
        this.postgresUrl = sharedPostgresUrl != null ? sharedPostgresUrl
                : ON_POSTGRES && !env.containsKey("BLOOP__DATABASE__TYPE") ? newPostgresDatabase() : null;
        if (postgresUrl != null) {
            env.put("BLOOP__DATABASE__TYPE", "postgres");
            env.put("BLOOP__DATABASE__URL", postgresUrl);
            env.put("BLOOP__DATABASE__USER", "postgres");
            env.put("BLOOP__DATABASE__PASSWORD", "postgres");
        }
        this.app = new DropwizardAppExtension<>(BloopApplication.class, "test-config.yml",
                new BloopConfigSource(new ResourceConfigurationSourceProvider(), env));
        // Each app preallocates its spill reserves (24 MB): left behind, a few hundred test classes
        // per run filled the CI disk.
        this.app.addListener(new DropwizardAppExtension.ServiceListener<>() {
            @Override
            public void onStop(DropwizardAppExtension<BloopConfiguration> extension) {
                TempDirs.deleteQuietly(dbFile.getParent());
            }
        });
    }

    public BloopTestApp() {
        this(Map.of());
    }

    /** A new, empty database on the test PostgreSQL server; its JDBC URL. */
    public static String newPostgresDatabase() {
        String name = "bloop_it_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = dev.bloop.service.store.TestPostgres.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return dev.bloop.service.store.TestPostgres.server().getJdbcUrl("postgres", name);
    }

    /** Whether this app stores in PostgreSQL. */
    public boolean onPostgres() {
        return postgresUrl != null;
    }

    /** A connection to the app's database, from outside the app (as an operator's client would). */
    public Connection connection() throws SQLException {
        return postgresUrl != null ? DriverManager.getConnection(postgresUrl, "postgres", "postgres")
                : DriverManager.getConnection("jdbc:sqlite:" + dbFile);
    }

    public DropwizardAppExtension<BloopConfiguration> extension() {
        return app;
    }

    public Path dbFile() {
        return dbFile;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + app.getLocalPort() + path;
    }

    public String adminUrl(String path) {
        return "http://127.0.0.1:" + app.getAdminPort() + path;
    }

    public HttpResponse<String> post(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(b::header);
        return send(b.build());
    }

    /** Signed with the default project's secret, as the seed README's curl example does. */
    public HttpResponse<String> ingest(String path, String body) {
        return post(path, body, Map.of("Content-Type", "application/json", "X-Signature", Signatures.sign(SECRET, body)));
    }

    public HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The running application's own database (for fault injection: the disk-full tests). */
    public dev.bloop.service.store.Database database() {
        return app.getEnvironment().lifecycle().getManagedObjects().stream()
                .filter(o -> o instanceof io.dropwizard.lifecycle.JettyManaged)
                .map(o -> ((io.dropwizard.lifecycle.JettyManaged) o).getManaged())
                .filter(m -> m instanceof dev.bloop.service.store.Database)
                .map(m -> (dev.bloop.service.store.Database) m)
                .findFirst().orElseThrow();
    }

    /**
     * Makes every write connection of the running app answer SQLITE_FULL once the file would grow
     * past {@code pages} (SQLite's page limit): a full disk, without needing one.
     */
    public void limitDatabasePages(long pages) {
        onWriteConnections("PRAGMA max_page_count = " + pages);
    }

    /** Runs one statement on each of the running app's write connections (all of them held at once). */
    public void onWriteConnections(String sql) {
        java.util.List<org.jdbi.v3.core.Handle> handles = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                org.jdbi.v3.core.Handle h = database().writer().open();
                handles.add(h);
                h.execute(sql);
            }
        } finally {
            handles.forEach(org.jdbi.v3.core.Handle::close);
        }
    }

    /** Reads the database file directly, as an operator with sqlite3 would. */
    public long count(String sql) {
        if (postgresUrl == null) {
            return count(dbFile, sql);
        }
        try (Connection c = connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long count(Path file, String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first column of the first row of {@code sql}, read from the file directly; null without a row. */
    public String firstString(String sql) {
        try (Connection c = connection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until {@code sql} counts at least {@code expected}, failing after 10 s. */
    public void awaitCount(String sql, long expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long seen;
        while ((seen = count(sql)) < expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + expected + " from [" + sql + "] but saw " + seen);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Runs {@code work} against the app's database file, as a second process (a CLI command) would. */
    public void withDatabase(java.util.function.Consumer<dev.bloop.service.store.Database> work) {
        dev.bloop.service.store.DatabaseConfig config = new dev.bloop.service.store.DatabaseConfig();
        config.setPath(dbFile.toString());
        if (postgresUrl != null) {
            config.setType("postgres");
            config.setUrl(postgresUrl);
            config.setUser("postgres");
            config.setPassword("postgres");
        }
        dev.bloop.service.store.Database db = dev.bloop.service.store.Database.open(config,
                new com.codahale.metrics.MetricRegistry());
        try {
            work.accept(db);
        } finally {
            try {
                db.stop();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A new API token for a project, created the way the create-token command does. */
    public String token(String name, String projectId, dev.bloop.service.access.Scope... scopes) {
        String[] token = new String[1];
        withDatabase(db -> {
            dev.bloop.service.token.TokenService tokens = new dev.bloop.service.token.TokenService(db);
            token[0] = tokens.create(name, projectId, java.util.Set.of(scopes), null, "test").token();
        });
        return token[0];
    }

    public void addProject(String id, String slug, String ingestKey, String ingestSecret) {
        withDatabase(db -> db.writer().useHandle(h -> h.execute("INSERT INTO projects (id, slug, name, ingest_key, "
                + "ingest_secret, created_at) VALUES (?, ?, ?, ?, ?, 0)", id, slug, slug, ingestKey, ingestSecret)));
    }

    public static String event(String message) {
        return "{\"timestamp\":1700000000000,\"source\":\"api\",\"environment\":\"prod\",\"release\":\"1.0.0\","
                + "\"error_type\":\"TypeError\",\"message\":\"" + message + "\",\"route_or_procedure\":\"/api/users\"}";
    }

    /** Reads one response's head from a raw socket, and skips its Content-Length body. */
    public static String readResponseHead(java.io.InputStream in) throws java.io.IOException {
        StringBuilder headText = new StringBuilder();
        while (!headText.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            headText.append((char) c);
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(headText);
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        }
        return headText.toString();
    }
}
