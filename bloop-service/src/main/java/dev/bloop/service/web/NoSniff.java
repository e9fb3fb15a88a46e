package dev.bloop.service.web;

import io.dropwizard.core.setup.Environment;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code X-Content-Type-Options: nosniff} on every answer of the application port (the JSON API,
 * ingest, the dashboard and its assets), so a browser never reads an answer as another type than the
 * one declared, e.g. a JSON error that echoes a field as HTML. One pre-encoded header per request.
 */
public final class NoSniff extends Handler.Wrapper {
    public static final HttpField HEADER = new PreEncodedHttpField("X-Content-Type-Options", "nosniff");

    public static void register(Environment env) {
        env.getApplicationContext().insertHandler(new NoSniff());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        response.getHeaders().put(HEADER);
        return super.handle(request, response, callback);
    }
}
