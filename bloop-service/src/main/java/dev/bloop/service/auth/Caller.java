package dev.bloop.service.auth;

import dev.bloop.service.token.ApiToken;
import dev.bloop.service.token.Scope;
import java.security.Principal;
import java.util.Set;

/**
 * Who is calling the query API. A token caller is bound to one project and limited to its scopes;
 * the dashboard's session callers will join here with their own project rules.
 *
 * @param name      what the status history records as the actor (the token's name)
 * @param projectId the only project this caller can see
 */
public record Caller(String name, String projectId, Set<Scope> scopes) implements Principal {

    public static Caller of(ApiToken token) {
        return new Caller(token.name(), token.projectId(), token.scopes());
    }

    @Override
    public String getName() {
        return name;
    }

    /** Throws 403 naming the scope when the caller lacks it. */
    public void require(Scope scope) {
        if (!scopes.contains(scope)) {
            throw new MissingScopeException(scope);
        }
    }

    /** The project a request acts on: always the token's own, whatever project_id it passes. */
    public String project() {
        return projectId;
    }
}
