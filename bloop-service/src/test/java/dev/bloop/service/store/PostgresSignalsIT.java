package dev.bloop.service.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Cache changes heard across "nodes" on a real PostgreSQL server, and after a lost connection. */
class PostgresSignalsIT {
    @Test
    void aCommittedChangeIsHeardByTheOtherNodeAndAfterALostConnectionEverythingIsDropped() throws Exception {
        BlockingQueue<String> heard = new LinkedBlockingQueue<>();
        try (PostgresSignals node = new PostgresSignals(TestPostgres::connect, 50, heard::add).start()) {
            assertThat(heard.poll(10, TimeUnit.SECONDS)).as("first connection: drop everything").isEqualTo("*");

            // Another node revokes a token inside a transaction: heard at the commit, not before.
            try (Connection other = TestPostgres.connect()) {
                other.setAutoCommit(false);
                PostgresSignals.send(other, "tokens:default");
                assertThat(heard.poll(300, TimeUnit.MILLISECONDS)).as("before the commit").isNull();
                other.commit();
                assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("tokens:default");

                // A rolled-back change is never heard.
                PostgresSignals.send(other, "project_keys:default");
                other.rollback();
                assertThat(heard.poll(300, TimeUnit.MILLISECONDS)).isNull();
            }

            // The listening connection dies: the node reconnects and, having maybe missed changes, drops everything.
            try (Connection admin = TestPostgres.connect(); Statement st = admin.createStatement()) {
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
                        + PostgresSignals.APPLICATION_NAME + "'");
            }
            assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo("*");
            try (Connection other = TestPostgres.connect()) {
                PostgresSignals.send(other, "source_maps:default");
            }
            assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("source_maps:default");
        }
    }
}
