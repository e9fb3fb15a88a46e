package dev.bloop.service.sentry;

import java.util.Set;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Directly under Jetty's {@code Server}: lets the selector thread that read an envelope's headers hand
 * it to {@link SentryHandler} itself, and sends every other request to the connector's thread pool.
 *
 * <p>Jetty runs a request on the thread that read it only when the whole handler tree says it never
 * blocks; servlets do, so each envelope cost a thread wake-up (the reading thread handing its selector to
 * a reserved thread) before any of bloop's work: ~40 % of the request threads' CPU per envelope in an
 * async-profiler profile of bench/sentry.sh. SentryHandler never blocks (bodies are read on demand; a
 * small envelope's work is bounded and waits for nothing, anything that might wait goes to a pool thread
 * or an ingest worker), so this lane claims non-blocking for the tree and keeps that promise by taking
 * the servlets off the selector.
 */
final class SelectorLane extends Handler.Wrapper {
    private final Set<Connector> envelopeConnectors;

    /** @param envelopeConnectors the connectors SentryHandler serves ({@code /api/} on the others is dispatched) */
    SelectorLane(Handler next, Set<Connector> envelopeConnectors) {
        super(next);
        this.envelopeConnectors = envelopeConnectors;
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Connector connector = request.getConnectionMetaData().getConnector();
        if (envelopeConnectors.contains(connector) && Request.getPathInContext(request).startsWith("/api/")) {
            return super.handle(request, response, callback);
        }
        connector.getExecutor().execute(() -> dispatched(request, response, callback));
        return true;
    }

    /** What Jetty does with a handler that declines or throws, on the thread that may block. */
    private void dispatched(Request request, Response response, Callback callback) {
        try {
            if (!super.handle(request, response, callback)) {
                Response.writeError(request, response, callback, 404);
            }
        } catch (Throwable failure) {
            Response.writeError(request, response, callback, failure);
        }
    }
}
