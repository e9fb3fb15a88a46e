package dev.bloop.service.auth;


import dev.bloop.api.Done;
import dev.bloop.api.Invite;
import dev.bloop.api.RoleChange;
import dev.bloop.api.UserInfo;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.Roles;
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
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** Admin-only people management: users, roles and invites ({@code /v1/admin}). */
@Path("/v1/admin")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public final class AdminResource {
    private final UserStore users;
    private final Invites invites;
    private final ProjectStore projects;
    private final RelyingParty rp;

    AdminResource(UserStore users, Invites invites, ProjectStore projects, RelyingParty rp) {
        this.users = users;
        this.invites = invites;
        this.projects = projects;
        this.rp = rp;
    }

    @GET
    @Path("/users")
    public List<UserInfo> users(@Auth Caller caller) {
        return users.list().stream().map(AuthResource::info).toList();
    }

    @PUT
    @Path("/users/{id}/role")
    public RoleChange.Changed role(@Auth Caller caller, @PathParam("id") String id,
                                   @NotNull(message = "request body must be {\"is_admin\": true|false}") @Valid
                                   RoleChange body) {
        User me = caller.user();
        if (me.id().equals(id)) {
            throw ApiProblem.badRequest("cannot change your own role", "id");
        }
        if (!users.setAdmin(id, body.admin())) {
            throw ApiProblem.notFound("user not found", "id");
        }
        return new RoleChange.Changed("ok", id, body.admin());
    }

    @DELETE
    @Path("/users/{id}")
    public Done deleteUser(@Auth Caller caller, @PathParam("id") String id) {
        User me = caller.user();
        if (me.id().equals(id)) {
            throw ApiProblem.badRequest("cannot delete yourself", "id");
        }
        if (!users.delete(id)) {
            throw ApiProblem.notFound("user not found", "id");
        }
        return Done.deleted(id);
    }

    /** The body is optional. The token is shown once. */
    @POST
    @Path("/invites")
    @ApiResponse(responseCode = "201", description = "the invite, with its token and sign-up link (shown only here)",
            content = @Content(schema = @Schema(implementation = Invite.Created.class)))
    public Response createInvite(@Auth Caller caller, Invite.Create body) {
        User me = caller.user();
        String projectId = null;
        boolean admin = false;
        if (body != null) {
            String p = body.projectId();
            if (p != null) {
                projectId = projects.findByIdOrSlug(p).map(Project::id)
                        .orElseThrow(() -> ApiProblem.badRequest("project not found: " + p, "project_id"));
            }
            admin = Boolean.TRUE.equals(body.admin());
        }
        Invites.Created created = invites.create(me.id(), projectId, admin);
        Invite.Created out = new Invite.Created(created.invite().id(), created.token(),
                rp.primaryOrigin() + "/?invite=" + created.token(), projectId, admin, created.invite().createdAt(),
                created.invite().expiresAt());
        return Response.status(Response.Status.CREATED).entity(out).build();
    }

    @GET
    @Path("/invites")
    public List<Invite> listInvites(@Auth Caller caller) {
        return invites.list();
    }

    @DELETE
    @Path("/invites/{id}")
    public Done revokeInvite(@Auth Caller caller, @PathParam("id") String id) {
        if (!invites.revoke(id)) {
            throw ApiProblem.notFound("invite not found or already used", "id");
        }
        return Done.revoked(id);
    }
}
