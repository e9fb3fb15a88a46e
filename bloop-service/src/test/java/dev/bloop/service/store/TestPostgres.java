package dev.bloop.service.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * One real PostgreSQL server for every PostgreSQL test of the JVM (binaries from Maven Central,
 * started at first use, stopped when the JVM ends): starting one costs seconds, a database is cheap.
 */
public final class TestPostgres {
    private static EmbeddedPostgres server;

    private TestPostgres() {
    }

    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the test PostgreSQL", e);
            }
            EmbeddedPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is ending anyway
                }
            }));
        }
        return server;
    }

    /** A new connection to the server's {@code postgres} database, as its superuser. */
    public static Connection connect() throws SQLException {
        return server().getPostgresDatabase().getConnection();
    }
}
