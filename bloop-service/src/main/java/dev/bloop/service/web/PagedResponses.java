package dev.bloop.service.web;

import dev.bloop.api.Page;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * A resource that answers a {@link Page} sends its items as the JSON array and the total in
 * {@code X-Total-Count}, so list routes return a typed page instead of building a {@code Response}.
 */
public final class PagedResponses implements ContainerResponseFilter {
    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getEntity() instanceof Page<?> page) {
            response.getHeaders().putSingle(Page.TOTAL_COUNT, page.total());
            List<?> items = page.items() instanceof ArrayList<?> ? page.items() : new ArrayList<>(page.items());
            response.setEntity(items, response.getEntityAnnotations(), response.getMediaType());
        }
    }
}
