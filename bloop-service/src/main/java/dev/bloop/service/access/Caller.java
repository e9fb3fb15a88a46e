package dev.bloop.service.access;

import dev.bloop.service.access.Scope;
import dev.bloop.service.web.ApiProblem;
import java.security.Principal;
import java.util.EnumSet;
import java.util.Set;

/**
 * Who is calling the API: an API token (bound to one project, limited to its scopes) or a dashboard
 * session (a user who sees the projects they belong to, or every project when admin).
 *
 * @param name      what the status history records as the actor (token name or username)
 * @param projectId the project this request acts on; for a session, the {@code project_id} it asked
 *                  for (already checked for membership) or its default; null when it has none
 * @param member    the session's user and memberships; null for a token
 */
public record Caller(String name, String projectId, Set<Scope> scopes, Member member) implements Principal {

    /** A session user and the projects they belong to. */
    public record Member(User user, Set<String> projectIds) {
        public boolean canAccess(String projectId) {
            return user.admin() || projectIds.contains(projectId);
        }
    }

    public Caller(String name, String projectId, Set<Scope> scopes) {
        this(name, projectId, scopes, null);
    }

    /** A dashboard session: every scope, acting on {@code projectId} (already checked for membership). */
    public static Caller session(User user, Set<String> memberProjects, String projectId) {
        return new Caller(user.username(), projectId, EnumSet.allOf(Scope.class), new Member(user, memberProjects));
    }

    @Override
    public String getName() {
        return name;
    }

    /** Throws 403 naming the scope when the caller lacks it (sessions hold every scope). */
    public void require(Scope scope) {
        if (!scopes.contains(scope)) {
            throw new MissingScopeException(scope);
        }
    }

    /**
     * The project a request acts on: a token's own, whatever project_id it passes; a session's chosen
     * one. A session user who belongs to no project gets a 404 that says so.
     */
    public String project() {
        if (projectId == null) {
            throw ApiProblem.notFound("you are not a member of any project yet: ask an admin to add you "
                    + "to one, or create one with POST /v1/projects", "project_id");
        }
        return projectId;
    }

    /** Whether this caller may read and change the given project. */
    public boolean canAccess(String project) {
        return member == null ? projectId.equals(project) : member.canAccess(project);
    }

    public boolean isSession() {
        return member != null;
    }

    /** The signed-in person on a {@code @RolesAllowed(Roles.PEOPLE)} route (403 for a token elsewhere). */
    public User user() {
        return requireSession();
    }

    /** Whether this caller holds a role of {@link Roles}: a session is {@code people}; an admin's also {@code admin}. */
    public boolean hasRole(String role) {
        return member != null && (Roles.PEOPLE.equals(role) || Roles.ADMIN.equals(role) && member.user().admin());
    }

    /** The session's user; 403 for a token, on routes that only people may use. */
    public User requireSession() {
        if (member == null) {
            throw ApiProblem.forbidden("this route needs a dashboard session (passkey sign-in); "
                    + "API tokens cannot use it");
        }
        return member.user();
    }

    /** The session's user when an admin; 403 otherwise. */
    public User requireAdmin() {
        User user = requireSession();
        if (!user.admin()) {
            throw ApiProblem.forbidden("admin access required");
        }
        return user;
    }
}
