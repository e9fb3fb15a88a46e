package dev.bloop.service.auth;

import dev.bloop.service.access.Audience;
import dev.bloop.service.access.Caller;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;

/**
 * Authenticates every route that declares an {@link Audience} and checks the caller belongs to it,
 * before the resource runs (and before its body is read). {@link Audience#of} refuses, at start, an
 * authenticated route without a declaration: forgetting cannot open a people-only route to tokens.
 */
final class Audiences implements DynamicFeature {
    private final ContainerRequestFilter authenticate;

    Audiences(ContainerRequestFilter authenticate) {
        this.authenticate = authenticate;
    }

    @Override
    public void configure(ResourceInfo info, FeatureContext context) {
        Audience audience = Audience.of(info.getResourceClass(), info.getResourceMethod());
        if (audience != null) {
            context.register(authenticate);
            context.register(new Check(audience));
        }
    }

    /** Runs after authentication: 403 naming the scope, or saying the route is for people (or admins). */
    @Priority(Priorities.AUTHORIZATION)
    static final class Check implements ContainerRequestFilter {
        private final Audience audience;

        Check(Audience audience) {
            this.audience = audience;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            Caller caller = (Caller) request.getSecurityContext().getUserPrincipal();
            if (audience instanceof Audience.Scoped s) {
                caller.require(s.scope());
            } else if (audience instanceof Audience.People p && p.adminOnly()) {
                caller.requireAdmin();
            } else {
                caller.requireSession();
            }
        }
    }
}
