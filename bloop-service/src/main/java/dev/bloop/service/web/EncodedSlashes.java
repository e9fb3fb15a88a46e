package dev.bloop.service.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.ApiError;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Release names may contain a slash ({@code ios/2.3.1}), so {@code /v1/releases/ios%2F2.3.1/errors}
 * (and the dashboard's {@code /releases/ios%2F2.3.1}) must reach the application with the encoded
 * slash kept inside one path segment. Jetty refuses every encoded slash by default, because servlets
 * that decode the path could then be steered to another path ({@code /ui/..%2F..%2Fsecret}). So the
 * application connectors allow that one URI violation, and this handler, in front of every servlet of
 * the application, admits it only on those two routes, where Jersey binds the segment as one value;
 * anywhere else it is still a 400. Requests without the violation cost one flag test.
 */
public final class EncodedSlashes extends Handler.Wrapper {
    private static final Pattern ALLOWED = Pattern.compile("/v1/releases/[^/]+/errors|/releases/[^/]+");
    private static final byte[] REFUSAL = refusal();

    /** Lets encoded slashes past Jetty's URI parser, on the application connectors only. */
    public static void allowOnConnectors(ServerFactory server) {
        List<ConnectorFactory> connectors = server instanceof DefaultServerFactory d ? d.getApplicationConnectors()
                : server instanceof SimpleServerFactory s ? List.of(s.getConnector()) : List.of();
        for (ConnectorFactory c : connectors) {
            if (c instanceof HttpConnectorFactory http) {
                UriCompliance base = http.getUriCompliance() == null ? UriCompliance.DEFAULT : http.getUriCompliance();
                http.setUriCompliance(base.with("bloop-release-names", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
            }
        }
    }

    /** Servlets decode such paths instead of refusing them; this handler has refused them first elsewhere. */
    public static void register(Environment env) {
        env.getApplicationContext().getServletHandler().setDecodeAmbiguousURIs(true);
        env.getApplicationContext().insertHandler(new EncodedSlashes());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        HttpURI uri = request.getHttpURI();
        if (uri.hasViolation(UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR) && !ALLOWED.matcher(uri.getPath()).matches()) {
            response.setStatus(400);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(REFUSAL), callback);
            return true;
        }
        return super.handle(request, response, callback);
    }

    private static byte[] refusal() {
        try {
            return new ObjectMapper().writeValueAsBytes(ApiError.of(
                    "ambiguous URI path separator: an encoded slash (%2F) is allowed only in a release name"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
