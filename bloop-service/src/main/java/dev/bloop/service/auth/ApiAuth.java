package dev.bloop.service.auth;

import dev.bloop.api.ApiError;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.MissingScopeException;
import dev.bloop.service.access.Secrets;
import dev.bloop.service.access.User;
import dev.bloop.service.project.Project;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.token.TokenService;
import dev.bloop.service.web.ApiProblem;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.core.setup.Environment;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import java.util.Optional;
import java.util.Set;

/**
 * Authentication for every {@code @Auth} route: {@code Authorization: Bearer <token>} resolves to a
 * token {@link Caller}; otherwise the session cookie ({@link RelyingParty#sessionCookie()}) resolves to a session caller, whose
 * {@code project_id} parameter (id or slug) must name a project they belong to (404 otherwise, so a
 * non-member learns nothing). State-changing requests under a session must come from an allowed
 * origin ({@code Origin} header) or carry the session's {@code X-CSRF-Token}.
 */
public final class ApiAuth {
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** {@code project_id=all}: the issue list across every project the user may see. */
    private static final String ALL_PROJECTS = "all";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private ApiAuth() {
    }

    public static void register(Environment env, TokenService tokens, Sessions sessions, ProjectStore projects,
                                RelyingParty rp) {
        env.jersey().register(new Audiences(new CallerFilter(tokens, sessions, projects, rp)));
        env.jersey().register(new AuthValueFactoryProvider.Binder<>(Caller.class));
        env.jersey().register(new MissingScopeException.Mapper());
    }

    @Priority(Priorities.AUTHENTICATION)
    static final class CallerFilter implements ContainerRequestFilter {
        private final TokenService tokens;
        private final Sessions sessions;
        private final ProjectStore projects;
        private final RelyingParty rp;

        CallerFilter(TokenService tokens, Sessions sessions, ProjectStore projects, RelyingParty rp) {
            this.tokens = tokens;
            this.sessions = sessions;
            this.projects = projects;
            this.rp = rp;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
            Caller caller;
            if (authorization != null && !authorization.isBlank()) {
                caller = bearer(authorization);
            } else {
                Cookie cookie = request.getCookies().get(rp.sessionCookie());
                if (cookie == null || cookie.getValue() == null || cookie.getValue().isEmpty()) {
                    throw unauthorized("authentication required: send Authorization: Bearer <token> or sign in "
                            + "to the dashboard");
                }
                caller = session(request, cookie.getValue());
            }
            boolean secure = request.getSecurityContext().isSecure();
            request.setSecurityContext(new CallerContext(caller, secure));
        }

        private Caller bearer(String authorization) {
            int space = authorization.indexOf(' ');
            if (space < 0 || !authorization.substring(0, space).equalsIgnoreCase("Bearer")) {
                throw unauthorized("unsupported Authorization scheme: send Authorization: Bearer <token>");
            }
            return tokens.authenticate(authorization.substring(space + 1).trim())
                    .map(t -> new Caller(t.name(), t.projectId(), t.scopes()))
                    .orElseThrow(() -> unauthorized("invalid, revoked or expired token"));
        }

        private Caller session(ContainerRequestContext request, String cookie) {
            Sessions.Active active = sessions.find(cookie)
                    .orElseThrow(() -> unauthorized("invalid or expired session: sign in again"));
            if (!SAFE_METHODS.contains(request.getMethod()) && !sameOrigin(request, active)) {
                throw crossSite();
            }
            User user = active.user();
            Set<String> member = projects.memberProjectIds(user.id());
            String requested = request.getUriInfo().getQueryParameters().getFirst("project_id");
            String projectId;
            if (ALL_PROJECTS.equals(requested)) {
                // The issue list's all-projects stream reads the parameter itself; elsewhere: the default.
                projectId = defaultProject(user, member);
            } else if (requested != null && !requested.isBlank()) {
                Optional<Project> p = projects.findByIdOrSlug(requested.trim());
                if (p.isEmpty() || !(user.admin() || member.contains(p.get().id()))) {
                    throw ApiProblem.notFound("project not found: no project " + requested.trim()
                            + " that you are a member of", "project_id");
                }
                projectId = p.get().id();
            } else {
                projectId = defaultProject(user, member);
            }
            return Caller.session(user, member, projectId);
        }

        /** Without project_id: the default project when the user may see it, else their oldest project. */
        private String defaultProject(User user, Set<String> member) {
            if (user.admin() || member.contains(Project.DEFAULT_ID)) {
                return Project.DEFAULT_ID;
            }
            if (member.isEmpty()) {
                return null;
            }
            return projects.listForMember(user.id()).stream().findFirst().map(Project::id).orElse(null);
        }

        private boolean sameOrigin(ContainerRequestContext request, Sessions.Active active) {
            return ApiAuth.sameOrigin(rp, request.getHeaderString("Origin"), request.getHeaderString(CSRF_HEADER),
                    active);
        }
    }

    /** An allowed {@code Origin}, or the session's own CSRF token (compared in constant time). */
    static boolean sameOrigin(RelyingParty rp, String origin, String csrf, Sessions.Active active) {
        if (rp.allows(origin)) {
            return true;
        }
        return Secrets.same(csrf, active.csrfToken());
    }

    static ApiProblem crossSite() {
        return new ApiProblem(403, "cross-site request refused: a request that changes data with a "
                + "session cookie needs an allowed Origin header or the session's " + CSRF_HEADER + " header",
                "Origin");
    }

    static WebApplicationException unauthorized(String message) {
        return new WebApplicationException(Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"bloop\"")
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(message, "Authorization"))
                .build());
    }

    private record CallerContext(Caller caller, boolean secure) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return caller;
        }

        @Override
        public boolean isUserInRole(String role) {
            return caller.hasRole(role);
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return caller.isSession() ? "SESSION" : "BEARER";
        }
    }
}
