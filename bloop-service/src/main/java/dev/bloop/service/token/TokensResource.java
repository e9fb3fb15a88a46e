package dev.bloop.service.token;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.Roles;
import dev.bloop.service.access.Scope;
import dev.bloop.service.access.User;
import dev.bloop.service.project.Project;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.web.ApiProblem;
import dev.bloop.service.web.JsonBodies;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * API tokens, managed by signed-in members of the token's project (admins: any project). The
 * plaintext is in the 201 answer of the create call and nowhere else, ever.
 */
@Path("/v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.PEOPLE)
public final class TokensResource {
    private static final int MAX_NAME = 100;
    private static final int MAX_DAYS = 3650;
    private final TokenService tokens;
    private final ProjectStore projects;

    public TokensResource(TokenService tokens, ProjectStore projects) {
        this.tokens = tokens;
        this.projects = projects;
    }

    /** Body {@code {"name", "project_id" (id or slug), "scopes": [...], "expires_in_days"?}}. */
    @POST
    public Response create(@Auth Caller caller, JsonNode body) {
        User user = caller.requireSession();
        String name = JsonBodies.text(body, "name");
        if (name == null || name.isBlank() || name.trim().length() > MAX_NAME) {
            throw ApiProblem.badRequest("name must be 1-" + MAX_NAME + " characters", "name");
        }
        String requested = JsonBodies.text(body, "project_id");
        String projectId = requested == null ? caller.project() : projects.findByIdOrSlug(requested)
                .map(Project::id).filter(caller::canAccess)
                .orElseThrow(() -> ApiProblem.notFound("project not found: no project " + requested
                        + " that you are a member of", "project_id"));
        Set<Scope> scopes = scopes(JsonBodies.field(body, "scopes"));
        Integer days = expiresInDays(JsonBodies.field(body, "expires_in_days"));
        TokenService.Created created = tokens.create(name.trim(), projectId, scopes, days, user.username());
        Map<String, Object> out = view(created.stored());
        out.put("token", created.token());
        return Response.status(Response.Status.CREATED).entity(out).build();
    }

    /** With {@code project_id}: that project's tokens; without: those of every project the caller can see. */
    @GET
    public List<Map<String, Object>> list(@Auth Caller caller, @QueryParam("project_id") String projectId) {
        User user = caller.requireSession();
        List<ApiToken> out = new ArrayList<>();
        if (projectId != null && !projectId.isBlank()) {
            out.addAll(tokens.list(caller.project()));
        } else {
            List<Project> visible = projects.visibleTo(user.id(), user.admin());
            visible.forEach(p -> out.addAll(tokens.list(p.id())));
            out.sort(Comparator.comparingLong(ApiToken::createdAt).reversed());
        }
        return out.stream().map(TokensResource::view).toList();
    }

    /** Revocation takes effect at once, cache included. */
    @DELETE
    @Path("/{id}")
    public Map<String, Object> revoke(@Auth Caller caller, @PathParam("id") String id) {
        caller.requireSession();
        ApiToken token = tokens.find(id).filter(t -> caller.canAccess(t.projectId()))
                .orElseThrow(() -> ApiProblem.notFound("token not found", "id"));
        if (token.revokedAt() != null || !tokens.revoke(id)) {
            throw ApiProblem.notFound("token not found or already revoked", "id");
        }
        return Map.of("revoked", id);
    }

    private static Set<Scope> scopes(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw ApiProblem.badRequest("scopes must be a non-empty list, e.g. [\"errors:read\"]", "scopes");
        }
        Set<Scope> out = EnumSet.noneOf(Scope.class);
        for (JsonNode s : node) {
            if (!s.isTextual()) {
                throw ApiProblem.badRequest("scopes must be strings", "scopes");
            }
            out.add(Scope.parse(s.asText()).orElseThrow(() -> ApiProblem.badRequest("invalid scope: " + s.asText()
                    + " (valid: " + String.join(", ", Scope.wireNames()) + ")", "scopes")));
        }
        return out;
    }

    private static Integer expiresInDays(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < 1 || node.asInt() > MAX_DAYS) {
            throw ApiProblem.badRequest("expires_in_days must be a whole number from 1 to " + MAX_DAYS,
                    "expires_in_days");
        }
        return node.asInt();
    }

    static Map<String, Object> view(ApiToken t) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", t.id());
        out.put("name", t.name());
        out.put("token_prefix", t.prefix());
        out.put("project_id", t.projectId());
        out.put("scopes", t.scopes().stream().map(Scope::wire).sorted().toList());
        out.put("created_by", t.createdBy());
        out.put("created_at", t.createdAt());
        out.put("expires_at", t.expiresAt());
        out.put("last_used_at", t.lastUsedAt());
        out.put("revoked_at", t.revokedAt());
        return out;
    }
}
