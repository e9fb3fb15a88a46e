package dev.bloop.service.access;

import io.dropwizard.auth.Auth;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Who may call a route, as the route declares it (on the method, else on its class):
 * {@code @RequiresScope(S)}: an API token holding S, or any dashboard session;
 * {@code @RolesAllowed(Roles.PEOPLE)}: a session (a token gets 403); {@code @RolesAllowed(Roles.ADMIN)}:
 * an admin's session. Enforced by the auth filter, described in the OpenAPI document.
 */
public sealed interface Audience permits Audience.Scoped, Audience.People {

    /** An API token with this scope, or a session. */
    record Scoped(Scope scope) implements Audience {
    }

    /** A dashboard session ({@link Roles#PEOPLE}) or an admin's ({@link Roles#ADMIN}). */
    record People(String role) implements Audience {
        public boolean adminOnly() {
            return Roles.ADMIN.equals(role);
        }
    }

    /**
     * The route's audience; null for a public route. An authenticated route (an {@code @Auth} parameter)
     * that declares none, or declares one ambiguously, is an error: the server refuses to start.
     */
    static Audience of(Class<?> resource, Method method) {
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
            if (r.size() != 1 || !Set.of(Roles.PEOPLE, Roles.ADMIN).contains(r.get(0))) {
                throw new IllegalStateException(where + ": @RolesAllowed takes one of [" + Roles.PEOPLE + ", "
                        + Roles.ADMIN + "], got " + r);
            }
            return new People(r.get(0));
        }
        return scope == null ? null : new Scoped(scope.value());
    }
}
