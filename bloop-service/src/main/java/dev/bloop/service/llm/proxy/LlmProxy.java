package dev.bloop.service.llm.proxy;

import dev.bloop.service.Core;
import dev.bloop.service.llm.TraceSink;
import io.dropwizard.core.setup.Environment;
import java.time.Duration;
import org.eclipse.jetty.client.HttpClient;

/**
 * The LLM proxy ({@code /v1/proxy/openai/...}, {@code /v1/proxy/anthropic/...}): a part of LLM tracing,
 * built only while it is on. The upstream client is Jetty's (the server's own version): a response body
 * read chunk by chunk on demand, on a few threads of its own. It replaced the JDK's HttpClient,
 * whose per-chunk hand-offs between its selector and executor threads cost more CPU than the rest of a
 * proxied call (bench/proxy.sh, docs/performance.md). See {@link UpstreamClient} for how it is set up.
 */
public final class LlmProxy {
    private LlmProxy() {
    }

    /**
     * @param maxText how much of a streamed completion is kept as the span's output (when the project keeps content)
     */
    public static void wire(Core core, Environment env, ProxyConfig config, TraceSink sink, int maxText) {
        HttpClient client = new UpstreamClient(config);
        env.lifecycle().manage(client);
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
