package dev.bloop.service.llm.proxy;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The proxy's client to the providers: Jetty's HTTP client, made transparent. It keeps no cookies (a
 * provider's cookie would otherwise go out with every caller's later calls), decodes nothing (bloop asks
 * for identity encoding; the caller's Accept-Encoding is not its own), adds no User-Agent, follows no
 * redirect and answers no 401 or 100-continue itself: every status reaches the caller as the provider
 * sent it. HTTP/1.1: each call in flight holds a connection, so the per-provider cap is high.
 */
final class UpstreamClient extends HttpClient {
    /** Connections to one provider at once: every open stream holds one. */
    private static final int MAX_CONNECTIONS = 4_096;

    UpstreamClient(ProxyConfig config) {
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("bloop-llm-proxy");
        threads.setDaemon(true);
        setExecutor(threads);
        setConnectTimeout(config.getConnectTimeoutSecs() * 1000L);
        // An idle pooled connection, or a stream that sends nothing for this long, is closed.
        setIdleTimeout(config.getResponseTimeoutSecs() * 1000L);
        setFollowRedirects(false);
        setUserAgentField(null);
        setHttpCookieStore(new HttpCookieStore.Empty());
        getContentDecoderFactories().clear();
        setMaxConnectionsPerDestination(MAX_CONNECTIONS);
        setMaxRequestsQueuedPerDestination(MAX_CONNECTIONS);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        // The client installs its protocol handlers (redirects, authentication, 100-continue) when it starts.
        getProtocolHandlers().clear();
    }
}
