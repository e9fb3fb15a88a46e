package dev.bloop.service.access;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A route that API tokens may call when they hold this scope; dashboard sessions hold every scope.
 * Every authenticated route declares its audience: this, or {@code @RolesAllowed(Roles.PEOPLE)} /
 * {@code @RolesAllowed(Roles.ADMIN)} for routes no token may use. A route that declares neither
 * stops the server from starting, so a people-only route cannot be opened to tokens by forgetting a
 * check.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RequiresScope {
    Scope value();
}
