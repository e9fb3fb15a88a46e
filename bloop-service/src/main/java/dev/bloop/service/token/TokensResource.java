package dev.bloop.service.token;


import dev.bloop.api.Revoked;
import dev.bloop.api.TokenCreate;
import dev.bloop.api.TokenInfo;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.Roles;
import dev.bloop.service.access.Scope;
import dev.bloop.service.access.User;
import dev.bloop.service.project.Project;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.web.ApiProblem;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
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
import java.util.List;
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
    private final TokenService tokens;
    private final ProjectStore projects;

    public TokensResource(TokenService tokens, ProjectStore projects) {
        this.tokens = tokens;
        this.projects = projects;
    }

    @POST
    @ApiResponse(responseCode = "201", description = "the token, with its plaintext in `token` (shown only here)",
            content = @Content(schema = @Schema(implementation = TokenInfo.class)))
    public Response create(@Auth Caller caller,
                           @NotNull(message = "request body must be a JSON object") @Valid TokenCreate body) {
        User user = caller.user();
        String requested = body.projectId();
        String projectId = requested == null ? caller.project() : projects.findByIdOrSlug(requested)
                .map(Project::id).filter(caller::canAccess)
                .orElseThrow(() -> ApiProblem.notFound("project not found: no project " + requested
                        + " that you are a member of", "project_id"));
        TokenService.Created created = tokens.create(body.name().trim(), projectId, scopes(body.scopes()),
                body.expiresInDays(), user.username());
        return Response.status(Response.Status.CREATED).entity(view(created.stored(), created.token())).build();
    }

    /** With {@code project_id}: that project's tokens; without: those of every project the caller can see. */
    @GET
    public List<TokenInfo> list(@Auth Caller caller, @QueryParam("project_id") String projectId) {
        User user = caller.user();
        List<ApiToken> out = new ArrayList<>();
        if (projectId != null && !projectId.isBlank()) {
            out.addAll(tokens.list(caller.project()));
        } else {
            List<Project> visible = projects.visibleTo(user.id(), user.admin());
            visible.forEach(p -> out.addAll(tokens.list(p.id())));
            out.sort(Comparator.comparingLong(ApiToken::createdAt).reversed());
        }
        return out.stream().map(t -> view(t, null)).toList();
    }

    /** Revocation takes effect at once, cache included. */
    @DELETE
    @Path("/{id}")
    public Revoked revoke(@Auth Caller caller, @PathParam("id") String id) {
        ApiToken token = tokens.find(id).filter(t -> caller.canAccess(t.projectId()))
                .orElseThrow(() -> ApiProblem.notFound("token not found", "id"));
        if (token.revokedAt() != null || !tokens.revoke(id)) {
            throw ApiProblem.notFound("token not found or already revoked", "id");
        }
        return new Revoked(id);
    }

    private static Set<Scope> scopes(List<String> names) {
        Set<Scope> out = EnumSet.noneOf(Scope.class);
        for (String s : names) {
            if (s == null) {
                throw ApiProblem.badRequest("scopes must be strings", "scopes");
            }
            out.add(Scope.parse(s).orElseThrow(() -> ApiProblem.badRequest("invalid scope: " + s
                    + " (valid: " + String.join(", ", Scope.wireNames()) + ")", "scopes")));
        }
        return out;
    }

    static TokenInfo view(ApiToken t, String plaintext) {
        return new TokenInfo(t.id(), t.name(), t.prefix(), t.projectId(),
                t.scopes().stream().map(Scope::wire).sorted().toList(), t.createdBy(), t.createdAt(), t.expiresAt(),
                t.lastUsedAt(), t.revokedAt(), plaintext);
    }
}
