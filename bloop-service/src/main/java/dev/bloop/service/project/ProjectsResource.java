package dev.bloop.service.project;

import static dev.bloop.service.web.JsonBodies.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.service.auth.Caller;
import dev.bloop.service.auth.User;
import dev.bloop.service.token.TokenService;
import dev.bloop.service.web.ApiProblem;
import io.dropwizard.auth.Auth;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Projects for signed-in people. A user sees and manages the projects they belong to (admins: all);
 * anything else answers 404, as if it did not exist. The ingest key and secret appear in a project's
 * details, which only its members (and admins) can read.
 */
@Path("/v1/projects")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class ProjectsResource {
    private static final Pattern SLUG = Pattern.compile("[a-z0-9-]{1,64}");
    private static final int MAX_NAME = 100;

    private final ProjectStore projects;
    private final ProjectKeys keys;
    private final ProjectDeletion deletion;
    private final TokenService tokens;
    private final Set<String> legacySigning;
    private final List<ProjectDetail> extraDetails;

    public ProjectsResource(ProjectStore projects, ProjectKeys keys, ProjectDeletion deletion, TokenService tokens) {
        this(projects, keys, deletion, tokens, Set.of(), List.of());
    }

    /**
     * @param legacySigning slugs whose apps may sign with the public key ({@code auth.legacy_key_signing})
     * @param extraDetails  what optional modules add to a project's details (read at each request)
     */
    public ProjectsResource(ProjectStore projects, ProjectKeys keys, ProjectDeletion deletion, TokenService tokens,
                            Set<String> legacySigning, List<ProjectDetail> extraDetails) {
        this.projects = projects;
        this.keys = keys;
        this.deletion = deletion;
        this.tokens = tokens;
        this.legacySigning = Set.copyOf(legacySigning);
        this.extraDetails = extraDetails;
    }

    @GET
    public List<Map<String, Object>> list(@Auth Caller caller) {
        User user = caller.requireSession();
        List<Project> visible = projects.visibleTo(user.id(), user.admin());
        return visible.stream().map(ProjectsResource::summary).toList();
    }

    /** Body {@code {"name": "...", "slug": "..."}}; the creator becomes a member. 201 with the keys. */
    @POST
    public Response create(@Auth Caller caller, @Context UriInfo uri, JsonNode body) {
        User user = caller.requireSession();
        String name = name(body);
        String slug = text(body, "slug");
        if (slug == null || slug.isEmpty()) {
            throw ApiProblem.badRequest("slug is required", "slug");
        }
        if (!SLUG.matcher(slug).matches()) {
            throw ApiProblem.badRequest("slug must be 1-64 characters of a-z, 0-9 and -", "slug");
        }
        Project created = projects.create(slug, name, user.id())
                .orElseThrow(() -> new ApiProblem(409, "a project with slug " + slug + " already exists", "slug"));
        return Response.status(Response.Status.CREATED).entity(details(created, uri)).build();
    }

    @GET
    @Path("/{slug}")
    public Map<String, Object> get(@Auth Caller caller, @Context UriInfo uri, @PathParam("slug") String slug) {
        return details(visible(caller, slug), uri);
    }

    /** Body {@code {"name": "..."}}; the slug never changes (it is in SDK configs and URLs). */
    @PUT
    @Path("/{slug}")
    public Map<String, Object> rename(@Auth Caller caller, @Context UriInfo uri, @PathParam("slug") String slug,
                                      JsonNode body) {
        Project p = visible(caller, slug);
        String name = name(body);
        projects.rename(p.id(), name);
        return details(projects.findById(p.id()).orElseThrow(() -> notFound(slug)), uri);
    }

    @DELETE
    @Path("/{slug}")
    public Map<String, Object> delete(@Auth Caller caller, @PathParam("slug") String slug) throws InterruptedException {
        Project p = visible(caller, slug);
        // Deleting throws away every event of every member: an admin's decision, like key rotation.
        caller.requireAdmin();
        if (Project.DEFAULT_ID.equals(p.id())) {
            throw ApiProblem.badRequest("the default project cannot be deleted", "slug");
        }
        Map<String, Integer> deleted = deletion.delete(p.id());
        if (deleted == null) {
            throw notFound(slug);
        }
        tokens.invalidateCache();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("deleted", true);
        out.put("id", p.id());
        out.put("slug", p.slug());
        out.put("rows_deleted", deleted);
        return out;
    }

    /** Admins only: a new public key for the project's Sentry DSN; the old DSN stops working at once. */
    @POST
    @Path("/{slug}/rotate-dsn")
    public Map<String, Object> rotateDsn(@Auth Caller caller, @Context UriInfo uri, @PathParam("slug") String slug) {
        Project p = visible(caller, slug);
        caller.requireAdmin();
        Project rotated = projects.rotateSentryKey(p.id()).orElseThrow(() -> notFound(slug));
        keys.invalidateAll();
        return details(rotated, uri);
    }

    /** Admins only: new key and secret; the old ones stop working at once. */
    @POST
    @Path("/{slug}/rotate-key")
    public Map<String, Object> rotateKey(@Auth Caller caller, @Context UriInfo uri, @PathParam("slug") String slug) {
        Project p = visible(caller, slug);
        caller.requireAdmin();
        Project rotated = projects.rotateKey(p.id()).orElseThrow(() -> notFound(slug));
        keys.invalidateAll();
        return details(rotated, uri);
    }

    @GET
    @Path("/{slug}/members")
    public List<ProjectStore.Member> members(@Auth Caller caller, @PathParam("slug") String slug) {
        return projects.members(visible(caller, slug).id());
    }

    /** Admins only: body {@code {"user_id": "..."}}. */
    @POST
    @Path("/{slug}/members")
    public Response addMember(@Auth Caller caller, @PathParam("slug") String slug, JsonNode body) {
        Project p = visible(caller, slug);
        caller.requireAdmin();
        String userId = text(body, "user_id");
        if (userId == null || userId.isEmpty()) {
            throw ApiProblem.badRequest("user_id is required", "user_id");
        }
        if (!projects.addMember(p.id(), userId)) {
            throw ApiProblem.badRequest("user not found: " + userId, "user_id");
        }
        return Response.status(Response.Status.CREATED).entity(projects.members(p.id())).build();
    }

    @DELETE
    @Path("/{slug}/members/{userId}")
    public Map<String, Object> removeMember(@Auth Caller caller, @PathParam("slug") String slug,
                                            @PathParam("userId") String userId) {
        Project p = visible(caller, slug);
        caller.requireAdmin();
        if (!projects.removeMember(p.id(), userId)) {
            throw ApiProblem.notFound("no such member", "userId");
        }
        return Map.of("status", "ok", "removed", userId);
    }

    private Project visible(Caller caller, String slug) {
        caller.requireSession();
        return projects.findBySlug(slug).or(() -> projects.findById(slug))
                .filter(p -> caller.canAccess(p.id()))
                .orElseThrow(() -> notFound(slug));
    }

    private static ApiProblem notFound(String slug) {
        return ApiProblem.notFound("project not found: " + slug, "slug");
    }

    static Map<String, Object> summary(Project p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", p.id());
        out.put("slug", p.slug());
        out.put("name", p.name());
        out.put("created_at", p.createdAt());
        out.put("created_by", p.createdBy());
        return out;
    }

    Map<String, Object> details(Project p, UriInfo uri) {
        Map<String, Object> out = summary(p);
        out.put("ingest_key", p.ingestKey());
        out.put("ingest_secret", p.ingestSecret());
        out.put("numeric_id", p.numericId());
        // The operator lets this project's apps sign with the public key: say so wherever its keys are shown.
        out.put("legacy_key_signing", legacySigning.contains(p.slug()));
        java.net.URI base = uri == null ? null : uri.getBaseUri();
        for (ProjectDetail d : extraDetails) {
            d.addTo(p, base, out);
        }
        return out;
    }

    private static String name(JsonNode body) {
        String name = text(body, "name");
        name = name == null ? null : name.trim();
        if (name == null || name.isEmpty()) {
            throw ApiProblem.badRequest("name is required", "name");
        }
        if (name.length() > MAX_NAME) {
            throw ApiProblem.badRequest("name must be at most " + MAX_NAME + " characters", "name");
        }
        return name;
    }
}
