package dev.bloop.service.llm.proxy;

import dev.bloop.service.Core;
import dev.bloop.service.llm.TraceSink;
import io.dropwizard.core.setup.Environment;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The LLM proxy ({@code /v1/proxy/openai/...}, {@code /v1/proxy/anthropic/...}): a part of LLM tracing,
 * built only while it is on. The upstream client is the JDK's {@link HttpClient}: no extra dependency,
 * HTTP/2 to the providers, and a body subscriber with demand, which is what lets a stream go through
 * one chunk at a time.
 */
public final class LlmProxy {
    private LlmProxy() {
    }

    /**
     * @param maxText how much of a streamed completion is kept as the span's output (when the project keeps content)
     */
    public static void wire(Core core, Environment env, ProxyConfig config, TraceSink sink, int maxText) {
        AtomicInteger n = new AtomicInteger();
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(config.getConnectTimeoutSecs()))
                .followRedirects(HttpClient.Redirect.NEVER)
                // Every task on it is short and never waits on a client (writes are non-blocking, see
                // Forwarding), so a fixed few threads serve any number of streams; a cached pool grew a
                // thread per busy stream (377 threads with 200 streams open).
                .executor(Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
                    Thread t = new Thread(r, "bloop-llm-proxy-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }))
                .build();
        Recorder recorder = new Recorder(sink, core.json());
        env.lifecycle().manage(recorder);
        ProxyServlet servlet = new ProxyServlet(core.tokens(), sink, new ProxyServlet.Upstreams(client,
                config.getOpenaiBaseUrl(), config.getAnthropicBaseUrl(),
                Duration.ofSeconds(config.getResponseTimeoutSecs())), recorder, core.json(),
                config.getMaxRequestSize().toBytes(), (int) config.getMaxCapture().toBytes(), maxText);
        var registration = env.servlets().addServlet("llm-proxy", servlet);
        registration.setAsyncSupported(true);
        registration.addMapping("/v1/proxy/*");
        dev.bloop.service.apidoc.ServletRoutes.describe(env, ProxyRoutes.class);
    }
}
