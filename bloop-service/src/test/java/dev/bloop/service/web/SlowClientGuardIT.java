package dev.bloop.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Clients that trickle cannot hold the server: headers past {@code header_timeout}, bodies under
 * {@code min_request_data_rate} and connections past {@code max} are closed, and a client that sends
 * its request at once is served while slow ones fill every connection. Raw sockets on 127.0.0.1, a
 * small limit (16 connections, 1 s header timeout) so the test stays short.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SlowClientGuardIT {
    private static final int MAX = 16;
    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of(
            "BLOOP__CONNECTIONS__MAX", String.valueOf(MAX),
            "BLOOP__CONNECTIONS__HEADER_TIMEOUT", "1s",
            "BLOOP__CONNECTIONS__MIN_REQUEST_DATA_RATE", "128"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();

    private static Socket open() throws IOException {
        Socket s = new Socket("127.0.0.1", APP.getLocalPort());
        s.setSoTimeout(200);
        return s;
    }

    /** True when the server has closed the connection (end of stream, a reset, or a write refused). */
    private static boolean closedByServer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    return true;
                }
                // An answer (408) is read through to the close that follows it.
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Sends {@code chunk} every 200 ms until the server closes the connection; the seconds that took. */
    private static double trickleUntilClosed(Socket s, String chunk, double giveUpSecs) throws IOException {
        long t0 = System.nanoTime();
        OutputStream out = s.getOutputStream();
        while ((System.nanoTime() - t0) / 1e9 < giveUpSecs) {
            try {
                out.write(chunk.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (SocketException e) {
                return (System.nanoTime() - t0) / 1e9;
            }
            if (closedByServer(s)) {
                return (System.nanoTime() - t0) / 1e9;
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private static String slowBodyHead() {
        return "POST /v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Signature: "
                + "ab".repeat(32) + "\r\nContent-Length: 32000\r\n\r\n";
    }

    private static String health() throws IOException {
        try (Socket s = new Socket("127.0.0.1", APP.getLocalPort())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            return BloopTestApp.readResponseHead(s.getInputStream());
        }
    }

    @Test
    void headersThatTrickleAreClosedAfterTheHeaderTimeoutThoughEveryLineResetsTheIdleTimeout() throws IOException {
        try (Socket s = open()) {
            s.getOutputStream().write("POST /v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            double took = trickleUntilClosed(s, "X-Slow: 1\r\n", 8);
            // The scan runs every half second: closed between the 1 s timeout and a couple of scans later.
            assertThat(took).isBetween(0.8, 4.0);
        }
    }

    @Test
    void bodiesUnderTheMinimumRateAreClosed() throws IOException {
        try (Socket s = open()) {
            s.getOutputStream().write(slowBodyHead().getBytes(StandardCharsets.US_ASCII));
            // One byte per 200 ms: 5 bytes/s, far under 128.
            double took = trickleUntilClosed(s, "{", 8);
            assertThat(took).isBetween(0.8, 4.0);
        }
    }

    @Test
    void aClientThatSendsAtOnceIsServedWhileSlowBodiesFillEveryConnection() throws IOException {
        List<Socket> slow = new ArrayList<>();
        try {
            // Every connection taken by a body that has only begun: none has stalled long yet.
            for (int i = 0; i < MAX; i++) {
                Socket s = open();
                s.getOutputStream().write((slowBodyHead() + "{").getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            // Right away, and again and again: each answered, never refused for being the newest.
            for (int i = 0; i < 5; i++) {
                assertThat(health()).as("health probe %d", i).startsWith("HTTP/1.1 200");
            }
            int closed = 0;
            for (Socket s : slow) {
                closed += closedByServer(s) ? 1 : 0;
            }
            assertThat(closed).as("a slow body made room for each probe").isGreaterThanOrEqualTo(1);
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }
}
