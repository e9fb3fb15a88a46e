package dev.bloop.service.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.client.BloopClient;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A 429 storm: the server's queue holds two batches and its writer is held up by another process's write lock,
 * so most batches are refused with Retry-After. The client keeps its events and delivers every one
 * once the server recovers.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class JavaClientBackpressureIT {
    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of(
            "BLOOP__PIPELINE__QUEUE_CAPACITY", "120",
            "BLOOP__PIPELINE__FLUSH_BATCH_SIZE", "10",
            "BLOOP__DATABASE__BUSY_TIMEOUT", "60s"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();

    @Test
    void a429StormLosesNothingThatFitsTheClientQueue() throws Exception {
        BloopClient bloop = BloopClient.builder().endpoint(BLOOP.url("")).secret(BloopTestApp.SECRET)
                .environment("test").release("storm").shutdownHook(false).queueCapacity(1000)
                .flushInterval(Duration.ofMillis(50)).closeTimeout(Duration.ofSeconds(30)).build();
        long rejectedBefore = rejected429();
        try (Connection lock = DriverManager.getConnection("jdbc:sqlite:" + BLOOP.dbFile());
             Statement s = lock.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            for (int i = 0; i < 300; i++) {
                bloop.captureMessage("StormError", "storm event " + i);
            }
            long deadline = System.currentTimeMillis() + 15_000;
            while (rejected429() - rejectedBefore < 2 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertThat(rejected429() - rejectedBefore).as("the server answered 429").isGreaterThanOrEqualTo(2);
            assertThat(bloop.pendingEvents()).as("the client still holds the refused events").isPositive();
            s.execute("ROLLBACK");
        }
        assertThat(bloop.flush(Duration.ofSeconds(30))).isTrue();
        bloop.close();
        assertThat(bloop.droppedEvents()).isZero();
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE release = 'storm'", 300);
        assertThat(BLOOP.count("SELECT count(DISTINCT message) FROM raw_events WHERE release = 'storm'")).isEqualTo(300);
    }

    private static long rejected429() {
        String metrics = BLOOP.get(BLOOP.adminUrl("/metrics")).body();
        int at = metrics.indexOf("\"ingest.rejected.queue_full\"");
        int count = metrics.indexOf("\"count\":", at);
        int end = count + 8;
        while (end < metrics.length() && Character.isDigit(metrics.charAt(end))) {
            end++;
        }
        return Long.parseLong(metrics.substring(count + 8, end));
    }
}
