package dev.bloop.service.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.api.Signatures;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ChildServer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The trace pipeline keeps the event pipeline's promises: a full queue answers 429 and keeps nothing
 * of that request, a trace that cannot be written goes to the dead-letter table while the rest of its
 * flush is committed, and SIGTERM commits every acknowledged trace before the process exits.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class TraceWriterIT {
    private static final BloopTestApp BLOOP = Llm.app(Map.of("BLOOP__LLM_TRACING__CHANNEL_CAPACITY", "8",
            "BLOOP__LLM_TRACING__FLUSH_BATCH_SIZE", "4", "BLOOP__DATABASE__BUSY_TIMEOUT", "60s"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();

    private static String trace(String id, int spans, String spanName) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < spans; i++) {
            s.append(i == 0 ? "" : ",").append("{\"name\":\"").append(spanName).append("\",\"model\":\"gpt-4o-mini\","
                    + "\"input_tokens\":100,\"output_tokens\":10,\"latency_ms\":").append(300 + i).append('}');
        }
        return "{\"id\":\"" + id + "\",\"spans\":[" + s + "]}";
    }

    @Test
    void aFullQueueAnswers429AndKeepsNothingOfThatRequest() throws Exception {
        List<String> acknowledged = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        try (Connection lock = DriverManager.getConnection("jdbc:sqlite:" + BLOOP.dbFile());
             Statement s = lock.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            for (int i = 0; i < 40 && refused.size() < 3; i++) {
                String a = "full-" + i + "-a";
                String b = "full-" + i + "-b";
                HttpResponse<String> r = Llm.post(BLOOP, "/v1/traces/batch", "{\"traces\":[" + trace(a, 2, "x") + ","
                        + trace(b, 2, "x") + "]}");
                if (r.statusCode() == 200) {
                    acknowledged.add(a);
                    acknowledged.add(b);
                } else {
                    assertThat(r.statusCode()).isEqualTo(429);
                    assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                    refused.add(a);
                    refused.add(b);
                }
            }
            assertThat(refused).isNotEmpty();
            s.execute("ROLLBACK");
        }
        BLOOP.awaitCount("SELECT count(*) FROM llm_traces WHERE id LIKE 'full-%'", acknowledged.size());
        Thread.sleep(200);
        assertThat(BLOOP.count("SELECT count(*) FROM llm_traces WHERE id LIKE 'full-%'")).isEqualTo(acknowledged.size());
        for (String id : refused) {
            assertThat(BLOOP.count("SELECT count(*) FROM llm_traces WHERE id = '" + id + "'")).isZero();
        }
        assertThat(BLOOP.count("SELECT count(*) FROM llm_spans WHERE trace_seq IN "
                + "(SELECT seq FROM llm_traces WHERE id LIKE 'full-%')"))
                .isEqualTo(2L * acknowledged.size());
    }

    @Test
    void aTraceThatCannotBeWrittenIsDeadLetteredAndTheRestOfItsFlushIsCommitted() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + BLOOP.dbFile());
             Statement s = c.createStatement()) {
            s.execute("CREATE TRIGGER poison BEFORE INSERT ON llm_spans WHEN NEW.name = 'poison' "
                    + "BEGIN SELECT RAISE(ABORT, 'poisoned span'); END");
        }
        try {
            HttpResponse<String> r = Llm.post(BLOOP, "/v1/traces/batch", "{\"traces\":[" + trace("dl-1", 3, "ok") + ","
                    + trace("dl-2", 3, "poison") + "," + trace("dl-3", 3, "ok") + "," + trace("dl-4", 3, "ok") + "]}");
            assertThat(r.statusCode()).isEqualTo(200);
            BLOOP.awaitCount("SELECT count(*) FROM llm_dead_letters", 1);
            BLOOP.awaitCount("SELECT count(*) FROM llm_traces WHERE id LIKE 'dl-%'", 3);
            assertThat(BLOOP.count("SELECT count(*) FROM llm_traces WHERE id = 'dl-2'")).isZero();
            assertThat(BLOOP.count("SELECT count(*) FROM llm_dead_letters WHERE error LIKE '%poisoned span%' "
                    + "AND item LIKE '%\"id\":\"dl-2\"%'")).isEqualTo(1);
            // The rollups hold the committed traces only: 3 traces × 3 calls.
            assertThat(BLOOP.count("SELECT sum(spans) FROM llm_usage_hourly WHERE project_id = 'default' "
                    + "AND model = 'gpt-4o-mini'")).isGreaterThanOrEqualTo(9);
            assertThat(BLOOP.count("SELECT count(*) FROM llm_spans s JOIN llm_traces t ON t.seq = s.trace_seq "
                    + "WHERE t.id = 'dl-2'")).isZero();
        } finally {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + BLOOP.dbFile());
                 Statement s = c.createStatement()) {
                s.execute("DROP TRIGGER poison");
            }
        }
    }

    @Test
    void sigtermCommitsEveryAcknowledgedTraceBeforeExit() throws Exception {
        String secret = "sigterm-llm-secret-0123456789";
        try (ChildServer server = ChildServer.start(Files.createTempDirectory("bloop-llm-sigterm"), secret, Map.of(
                "BLOOP__LLM_TRACING__ENABLED", "true", "BLOOP__LLM_TRACING__FLUSH_INTERVAL_SECS", "60",
                "BLOOP__LLM_TRACING__FLUSH_BATCH_SIZE", "10000"))) {
            HttpClient http = HttpClient.newHttpClient();
            int acknowledged = 0;
            for (int i = 0; i < 20; i++) {
                List<String> traces = new ArrayList<>();
                for (int j = 0; j < 10; j++) {
                    traces.add(trace("drain-" + i + "-" + j, 5, "call"));
                }
                String body = "{\"traces\":[" + String.join(",", traces) + "]}";
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url("/v1/traces/batch")))
                        .header("Content-Type", "application/json").header("X-Signature", Signatures.sign(secret, body))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                acknowledged += 10;
            }
            assertThat(BloopTestApp.count(server.db, "SELECT count(*) FROM llm_traces")).as("nothing flushed yet").isZero();

            server.process().destroy(); // SIGTERM
            assertThat(server.process().waitFor(60, TimeUnit.SECONDS)).as("process exits after SIGTERM").isTrue();
            assertThat(BloopTestApp.count(server.db, "SELECT count(*) FROM llm_traces")).isEqualTo(acknowledged);
            assertThat(BloopTestApp.count(server.db, "SELECT count(*) FROM llm_spans")).isEqualTo(5L * acknowledged);
            assertThat(BloopTestApp.count(server.db, "SELECT sum(spans) FROM llm_usage_hourly")).isEqualTo(5L * acknowledged);
        }
    }
}
