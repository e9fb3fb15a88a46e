package dev.bloop.service.sentry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lane lets the selector run envelope requests itself and keeps everything that may block off
 * it: with a single selector, a request blocked in a handler must not hold up the next envelope.
 */
class SelectorLaneTest {
    static {
        // Run alone, without a Dropwizard application's logging set up, Jetty would log at DEBUG.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.eclipse.jetty"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
    }

    private final CountDownLatch release = new CountDownLatch(1);
    private Server server;
    private ServerConnector application;
    private ServerConnector other;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        // One acceptor, one selector each: a selector held by a blocked request would hold every connection.
        application = new ServerConnector(server, 1, 1);
        application.setName("application");
        application.setHost("127.0.0.1");
        other = new ServerConnector(server, 1, 1);
        other.setName("admin");
        other.setHost("127.0.0.1");
        server.addConnector(application);
        server.addConnector(other);
        server.setHandler(new SelectorLane(new Routes(), Set.of(application)));
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        server.stop();
    }

    /** {@code /block} waits for the test; {@code /api/...} answers at once; {@code /none} is declined; {@code /fail} throws. */
    private final class Routes extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            switch (path) {
                case "/block" -> release.await(20, TimeUnit.SECONDS);
                case "/none" -> {
                    return false;
                }
                case "/fail" -> throw new IllegalStateException("a handler failed");
                default -> { }
            }
            Content.Sink.write(response, true, path, callback);
            return true;
        }
    }

    private HttpResponse<String> get(ServerConnector connector, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + connector.getLocalPort() + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void theServerCountsAsNonBlockingSoThatItsSelectorsRunRequestsThemselves() {
        assertThat(server.getInvocationType()).isEqualTo(Invocable.InvocationType.NON_BLOCKING);
    }

    @Test
    void aBlockedRequestDoesNotHoldTheSelectorThatEnvelopesNeed() throws Exception {
        CompletableFuture<HttpResponse<String>> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return get(application, "/block");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300); // the blocked request is in its handler
        assertThat(blocked).isNotDone();
        HttpResponse<String> envelope = get(application, "/api/1/envelope/");
        assertThat(envelope.statusCode()).isEqualTo(200);
        assertThat(envelope.body()).isEqualTo("/api/1/envelope/");
        // The same path on another port (the admin one) is not the lane's: it is dispatched like the rest.
        assertThat(get(other, "/api/1/envelope/").statusCode()).isEqualTo(200);
        release.countDown();
        assertThat(blocked.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void aDeclinedRequestIs404AndAFailedOne500AsWithoutTheLane() throws Exception {
        assertThat(get(application, "/none").statusCode()).isEqualTo(404);
        assertThat(get(application, "/fail").statusCode()).isEqualTo(500);
        assertThat(get(application, "/fine").statusCode()).isEqualTo(200);
    }
}
