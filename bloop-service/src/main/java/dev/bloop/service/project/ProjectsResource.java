package dev.bloop.service.project;

import dev.bloop.api.Done;
import dev.bloop.api.ProjectCreate;
import dev.bloop.api.ProjectDeleted;
import dev.bloop.api.ProjectDetails;
import dev.bloop.api.ProjectMember;
import dev.bloop.api.ProjectRename;
import dev.bloop.api.ProjectSummary;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.Roles;
import dev.bloop.service.access.User;
import dev.bloop.service.web.ApiProblem;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.media.ArraySchema;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Projects for signed-in people. A user sees and manages the projects they belong to (admins: all);
 * anything else answers 404, as if it did not exist. The ingest key and secret appear in a project's
 * details, which only its members (and admins) can read. Deleting, rotating keys and membership
 * changes are an admin's.
 */
@Path("/v1/projects")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.PEOPLE)
public final class ProjectsResource {
    static final String BODY = "request body must be a JSON object";

    private final ProjectStore projects;
    private final ProjectKeys keys;
    private final ProjectDeletion deletion;
    private final Set<String> legacySigning;
    private final List<ProjectDetail> extraDetails;

    /**
     * @param legacySigning slugs whose apps may sign with the public key ({@code auth.legacy_key_signing})
     * @param extraDetails  what optional modules add to a project's details (read at each request)
     */
    public ProjectsResource(ProjectStore projects, ProjectKeys keys, ProjectDeletion deletion,
                            Set<String> legacySigning, List<ProjectDetail> extraDetails) {
        this.projects = projects;
        this.keys = keys;
        this.deletion = deletion;
        this.legacySigning = Set.copyOf(legacySigning);
        this.extraDetails = extraDetails;
    }

    @GET
    public List<ProjectSummary> list(@Auth Caller caller) {
        User user = caller.user();
        return projects.visibleTo(user.id(), user.admin()).stream().map(ProjectsResource::summary).toList();
    }

    /** The creator becomes a member. 201 with the keys. */
    @POST
    @ApiResponse(responseCode = "201", description = "the new project, with its ingest key and secret",
            content = @Content(schema = @Schema(implementation = ProjectDetails.class)))
    public Response create(@Auth Caller caller, @Context UriInfo uri, @NotNull(message = BODY) @Valid ProjectCreate body) {
        User user = caller.user();
        Project created = projects.create(body.slug(), body.name().trim(), user.id())
                .orElseThrow(() -> new ApiProblem(409, "a project with slug " + body.slug() + " already exists", "slug"));
        return Response.status(Response.Status.CREATED).entity(details(created, uri)).build();
    }

    @GET
    @Path("/{slug}")
    public ProjectDetails get(@Auth Caller caller, @Context UriInfo uri, @PathParam("slug") String slug) {
        return details(visible(caller, slug), uri);
    }

    /** The slug never changes (it is in SDK configs and URLs). */
    @PUT
    @Path("/{slug}")
    public ProjectDetails rename(@Auth Caller caller, @Context UriInfo uri, @PathParam("slug") String slug,
                                 @NotNull(message = BODY) @Valid ProjectRename body) {
        Project p = visible(caller, slug);
        projects.rename(p.id(), body.name().trim());
        return details(projects.findById(p.id()).orElseThrow(() -> notFound(slug)), uri);
    }

    /** Deleting throws away every event of every member: an admin's decision, like key rotation. */
    @DELETE
    @Path("/{slug}")
    @RolesAllowed(Roles.ADMIN)
    public ProjectDeleted delete(@Auth Caller caller, @PathParam("slug") String slug) throws InterruptedException {
        Project p = visible(caller, slug);
        if (Project.DEFAULT_ID.equals(p.id())) {
            throw ApiProblem.badRequest("the default project cannot be deleted", "slug");
        }
        Map<String, Integer> deleted = deletion.delete(p.id());
        if (deleted == null) {
            throw notFound(slug);
        }
        return new ProjectDeleted(true, p.id(), p.slug(), deleted);
    }

    /** A new public key for the project's Sentry DSN (the number stays); the old DSN stops working at once. */
    @POST
    @Path("/{slug}/rotate-dsn")
    @RolesAllowed(Roles.ADMIN)
    public ProjectDetails rotateDsn(@Auth Caller caller, @Context UriInfo uri, @PathParam("slug") String slug) {
        Project p = visible(caller, slug);
        Project rotated = projects.rotateSentryKey(p.id()).orElseThrow(() -> notFound(slug));
        keys.invalidateAll();
        return details(rotated, uri);
    }

    /** New key and secret; the old ones stop working at once. */
    @POST
    @Path("/{slug}/rotate-key")
    @RolesAllowed(Roles.ADMIN)
    public ProjectDetails rotateKey(@Auth Caller caller, @Context UriInfo uri, @PathParam("slug") String slug) {
        Project p = visible(caller, slug);
        Project rotated = projects.rotateKey(p.id()).orElseThrow(() -> notFound(slug));
        keys.invalidateAll();
        return details(rotated, uri);
    }

    @GET
    @Path("/{slug}/members")
    public List<ProjectMember> members(@Auth Caller caller, @PathParam("slug") String slug) {
        return projects.members(visible(caller, slug).id());
    }

    @POST
    @Path("/{slug}/members")
    @RolesAllowed(Roles.ADMIN)
    @ApiResponse(responseCode = "201", description = "the project's members, the new one included",
            content = @Content(array = @ArraySchema(schema = @Schema(implementation = ProjectMember.class))))
    public Response addMember(@Auth Caller caller, @PathParam("slug") String slug,
                              @NotNull(message = BODY) @Valid ProjectMember.Add body) {
        Project p = visible(caller, slug);
        if (!projects.addMember(p.id(), body.userId())) {
            throw ApiProblem.badRequest("user not found: " + body.userId(), "user_id");
        }
        return Response.status(Response.Status.CREATED).entity(projects.members(p.id())).build();
    }

    @DELETE
    @Path("/{slug}/members/{userId}")
    @RolesAllowed(Roles.ADMIN)
    public Done removeMember(@Auth Caller caller, @PathParam("slug") String slug,
                                              @PathParam("userId") String userId) {
        Project p = visible(caller, slug);
        if (!projects.removeMember(p.id(), userId)) {
            throw ApiProblem.notFound("no such member", "userId");
        }
        return Done.removed(userId);
    }

    private Project visible(Caller caller, String slug) {
        return projects.findBySlug(slug).or(() -> projects.findById(slug))
                .filter(p -> caller.canAccess(p.id()))
                .orElseThrow(() -> notFound(slug));
    }

    private static ApiProblem notFound(String slug) {
        return ApiProblem.notFound("project not found: " + slug, "slug");
    }

    static ProjectSummary summary(Project p) {
        return new ProjectSummary(p.id(), p.slug(), p.name(), p.createdAt(), p.createdBy());
    }

    ProjectDetails details(Project p, UriInfo uri) {
        // legacy_key_signing: the operator lets this project's apps sign with the public key; say so
        // wherever its keys are shown.
        ProjectDetails out = new ProjectDetails(p.id(), p.slug(), p.name(), p.createdAt(), p.createdBy(), p.ingestKey(),
                p.ingestSecret(), p.numericId(), legacySigning.contains(p.slug()), null, null);
        java.net.URI base = uri == null ? null : uri.getBaseUri();
        for (ProjectDetail d : extraDetails) {
            out = d.addTo(p, base, out);
        }
        return out;
    }
}
