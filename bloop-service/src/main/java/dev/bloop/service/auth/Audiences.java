package dev.bloop.service.auth;

import dev.bloop.service.access.Caller;
import dev.bloop.service.access.RequiresScope;
import dev.bloop.service.access.Roles;
import io.dropwizard.auth.Auth;
import jakarta.annotation.Priority;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Who may call each route, declared on the route and enforced before the resource runs (and before its
 * body is read). An authenticated route (one with an {@code @Auth} parameter, or a role or scope
 * annotation) must declare exactly one audience, on the method or its class:
 * <ul>
 *   <li>{@code @RequiresScope(S)}: an API token holding S, or any session;</li>
 *   <li>{@code @RolesAllowed(Roles.PEOPLE)}: a dashboard session (a token gets 403);</li>
 *   <li>{@code @RolesAllowed(Roles.ADMIN)}: an admin's session.</li>
 * </ul>
 * A route that declares none stops the server at start with a message naming it: forgetting cannot
 * open a people-only route to tokens.
 */
final class Audiences implements DynamicFeature {
    private static final Set<String> KNOWN_ROLES = Set.of(Roles.PEOPLE, Roles.ADMIN);
    private final ContainerRequestFilter authenticate;

    Audiences(ContainerRequestFilter authenticate) {
        this.authenticate = authenticate;
    }

    /** The audience of a resource method, or null when it is public. */
    sealed interface Audience permits Scoped, People {
    }

    record Scoped(RequiresScope scope) implements Audience {
    }

    record People(String role) implements Audience {
    }

    @Override
    public void configure(ResourceInfo info, FeatureContext context) {
        Audience audience = audienceOf(info.getResourceClass(), info.getResourceMethod());
        if (audience == null) {
            return;
        }
        context.register(authenticate);
        context.register(new Check(audience));
    }

    /** The declared audience; null for a public route; an exception for an authenticated route without one. */
    static Audience audienceOf(Class<?> resource, Method method) {
        String where = resource.getSimpleName() + "." + method.getName();
        Audience audience = declared(method, where);
        if (audience == null) {
            audience = declared(resource, where); // a method's own declaration wins over its class's
        }
        boolean hasAuth = Arrays.stream(method.getParameterAnnotations()).flatMap(Arrays::stream)
                .anyMatch(a -> a instanceof Auth);
        if (audience == null && hasAuth) {
            throw new IllegalStateException(where + " is authenticated but declares no audience: add "
                    + "@RequiresScope(Scope.X) if API tokens may call it, or @RolesAllowed(Roles.PEOPLE) / "
                    + "@RolesAllowed(Roles.ADMIN) if only people may");
        }
        return audience;
    }

    private static Audience declared(AnnotatedElement element, String where) {
        RequiresScope scope = element.getAnnotation(RequiresScope.class);
        RolesAllowed roles = element.getAnnotation(RolesAllowed.class);
        if (element.isAnnotationPresent(PermitAll.class) || element.isAnnotationPresent(DenyAll.class)) {
            throw new IllegalStateException(where + ": declare @RequiresScope(...) or @RolesAllowed(Roles.PEOPLE / "
                    + "Roles.ADMIN), not @PermitAll or @DenyAll");
        }
        if (scope != null && roles != null) {
            throw new IllegalStateException(where + " declares both a scope and roles: choose one audience");
        }
        if (roles != null) {
            List<String> r = List.of(roles.value());
            if (r.size() != 1 || !KNOWN_ROLES.contains(r.get(0))) {
                throw new IllegalStateException(where + ": @RolesAllowed takes one of " + KNOWN_ROLES + ", got " + r);
            }
            return new People(r.get(0));
        }
        return scope == null ? null : new Scoped(scope);
    }

    /** Runs after authentication, before the resource method (and before its body is read). */
    @Priority(Priorities.AUTHORIZATION)
    static final class Check implements ContainerRequestFilter {
        private final Audience audience;

        Check(Audience audience) {
            this.audience = audience;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            Caller caller = (Caller) request.getSecurityContext().getUserPrincipal();
            if (audience instanceof Scoped s) {
                caller.require(s.scope().value());
            } else if (audience instanceof People p && Roles.ADMIN.equals(p.role())) {
                caller.requireAdmin();
            } else {
                caller.requireSession();
            }
        }
    }
}
