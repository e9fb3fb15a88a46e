package dev.bloop.service.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With the writer held up by another process's write lock, the small queue fills: further requests
 * get 429 with Retry-After and nothing of them is stored; every acknowledged event is stored once
 * the lock is released.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class QueueFullIT {
    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of(
            "BLOOP__PIPELINE__QUEUE_CAPACITY", "8",
            "BLOOP__PIPELINE__FLUSH_BATCH_SIZE", "4",
            "BLOOP__DATABASE__BUSY_TIMEOUT", "60s"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();

    @Test
    void fullQueueAnswers429AndKeepsNothingOfThatRequest() throws Exception {
        List<String> acknowledged = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        try (Connection lock = DriverManager.getConnection("jdbc:sqlite:" + BLOOP.dbFile());
             Statement s = lock.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            for (int i = 0; i < 40 && refused.size() < 3; i++) {
                String message = "queued " + i;
                boolean asBatch = i % 2 == 0;
                String body = asBatch ? "{\"events\":[" + BloopTestApp.event(message) + "," + BloopTestApp.event(message) + "]}"
                        : BloopTestApp.event(message);
                HttpResponse<String> r = BLOOP.ingest(asBatch ? "/v1/ingest/batch" : "/v1/ingest", body);
                if (r.statusCode() == 200) {
                    acknowledged.add(message);
                    if (asBatch) {
                        acknowledged.add(message);
                    }
                } else {
                    assertThat(r.statusCode()).isEqualTo(429);
                    assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                    assertThat(r.body()).contains("\"error\"");
                    refused.add(message);
                }
            }
            assertThat(refused).isNotEmpty();
            assertThat(BLOOP.get(BLOOP.url("/health")).body()).contains("\"db_ok\":true");
            s.execute("ROLLBACK");
        }
        BLOOP.awaitCount("SELECT count(*) FROM raw_events", acknowledged.size());
        Thread.sleep(200);
        assertThat(BLOOP.count("SELECT count(*) FROM raw_events")).isEqualTo(acknowledged.size());
        for (String message : refused) {
            assertThat(BLOOP.count("SELECT count(*) FROM raw_events WHERE message = '" + message + "'")).isZero();
        }
    }
}
