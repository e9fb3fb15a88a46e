package dev.bloop.service.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.Roles;
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
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    public List<User> users(@Auth Caller caller) {
        caller.requireAdmin();
        return users.list();
    }

    @PUT
    @Path("/users/{id}/role")
    public Map<String, Object> role(@Auth Caller caller, @PathParam("id") String id, JsonNode body) {
        User me = caller.requireAdmin();
        JsonNode admin = body == null || !body.isObject() ? null : body.get("is_admin");
        if (admin == null || !admin.isBoolean()) {
            throw ApiProblem.badRequest("request body must be {\"is_admin\": true|false}", "is_admin");
        }
        if (me.id().equals(id)) {
            throw ApiProblem.badRequest("cannot change your own role", "id");
        }
        if (!users.setAdmin(id, admin.booleanValue())) {
            throw ApiProblem.notFound("user not found", "id");
        }
        return Map.of("status", "ok", "user_id", id, "is_admin", admin.booleanValue());
    }

    @DELETE
    @Path("/users/{id}")
    public Map<String, Object> deleteUser(@Auth Caller caller, @PathParam("id") String id) {
        User me = caller.requireAdmin();
        if (me.id().equals(id)) {
            throw ApiProblem.badRequest("cannot delete yourself", "id");
        }
        if (!users.delete(id)) {
            throw ApiProblem.notFound("user not found", "id");
        }
        return Map.of("status", "ok", "deleted", id);
    }

    /** Body (optional): {@code {"project_id": "<id or slug>", "is_admin": false}}. The token is shown once. */
    @POST
    @Path("/invites")
    public Response createInvite(@Auth Caller caller, JsonNode body) {
        User me = caller.requireAdmin();
        String projectId = null;
        boolean admin = false;
        if (body != null && !body.isNull()) {
            String p = JsonBodies.text(body, "project_id");
            if (p != null) {
                projectId = projects.findByIdOrSlug(p).map(Project::id)
                        .orElseThrow(() -> ApiProblem.badRequest("project not found: " + p, "project_id"));
            }
            admin = Boolean.TRUE.equals(JsonBodies.bool(body, "is_admin"));
        }
        Invites.Created created = invites.create(me.id(), projectId, admin);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", created.invite().id());
        out.put("token", created.token());
        out.put("url", rp.primaryOrigin() + "/?invite=" + created.token());
        out.put("project_id", projectId);
        out.put("is_admin", admin);
        out.put("created_at", created.invite().createdAt());
        out.put("expires_at", created.invite().expiresAt());
        return Response.status(Response.Status.CREATED).entity(out).build();
    }

    @GET
    @Path("/invites")
    public List<Invites.Invite> listInvites(@Auth Caller caller) {
        caller.requireAdmin();
        return invites.list();
    }

    @DELETE
    @Path("/invites/{id}")
    public Map<String, Object> revokeInvite(@Auth Caller caller, @PathParam("id") String id) {
        caller.requireAdmin();
        if (!invites.revoke(id)) {
            throw ApiProblem.notFound("invite not found or already used", "id");
        }
        return Map.of("status", "ok", "revoked", id);
    }
}
