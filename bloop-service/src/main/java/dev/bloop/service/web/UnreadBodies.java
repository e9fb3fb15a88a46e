package dev.bloop.service.web;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * An error answered to a request that carried a body says {@code Connection: close}. Such answers are often
 * given before the body is read (authentication, an unknown route, a switched-off module); Jetty then drops a
 * body that has fully arrived but closes the connection after the answer when more is on the way, and a
 * keep-alive client that was not told would send its next request on that closing connection. Successful
 * answers have read their body, so their connections stay open.
 */
public final class UnreadBodies implements ContainerResponseFilter {
    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getStatus() < 400) {
            return;
        }
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        boolean hasBody = (length != null && !length.equals("0")) || request.getHeaderString("Transfer-Encoding") != null;
        if (hasBody) {
            response.getHeaders().putSingle("Connection", "close");
        }
    }
}
