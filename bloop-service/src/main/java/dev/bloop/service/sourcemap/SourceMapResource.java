package dev.bloop.service.sourcemap;

import dev.bloop.api.ApiError;
import dev.bloop.api.SourceMapInfo;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.RequiresScope;
import dev.bloop.service.access.Scope;
import dev.bloop.service.project.Project;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.web.ApiProblem;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.glassfish.jersey.media.multipart.FormDataContentDisposition;
import org.glassfish.jersey.media.multipart.FormDataParam;

/**
 * Source map upload, list and delete for one project. A token only reaches its own project; any
 * other slug answers 404, as if it did not exist.
 */
@Path("/v1/projects/{slug}/sourcemaps")
@Produces(MediaType.APPLICATION_JSON)
public final class SourceMapResource {
    private static final int MAX_NAME_LENGTH = 512;
    private final ProjectStore projects;
    private final Symbolicator symbolicator;
    private final long maxUploadBytes;

    public SourceMapResource(ProjectStore projects, Symbolicator symbolicator, SourceMapConfig config) {
        this.projects = projects;
        this.symbolicator = symbolicator;
        this.maxUploadBytes = config.getMaxUploadSize().toBytes();
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @RequiresScope(Scope.SOURCEMAPS_WRITE)
    @ApiResponse(responseCode = "201", description = "the stored map (the same release and file name again replaces it)",
            content = @Content(schema = @Schema(implementation = SourceMapInfo.class)))
    @ApiResponse(responseCode = "413", description = "over sourcemaps.max_upload_size",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Response upload(@Auth Caller caller, @PathParam("slug") String slug,
                           @FormDataParam("release") String release,
                           @FormDataParam("file") InputStream file,
                           @FormDataParam("file") FormDataContentDisposition disposition) throws IOException {
        Project project = project(caller, slug);
        if (release == null || release.isBlank()) {
            throw ApiProblem.badRequest("release is required (a multipart field)", "release");
        }
        if (file == null || disposition == null) {
            throw ApiProblem.badRequest("file is required (a multipart file field)", "file");
        }
        String fileName = disposition.getFileName();
        if (fileName == null || fileName.isBlank() || fileName.length() > MAX_NAME_LENGTH) {
            throw ApiProblem.badRequest("file needs a file name, e.g. app.min.js.map", "file");
        }
        byte[] bytes = file.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxUploadBytes + 1));
        if (bytes.length > maxUploadBytes) {
            throw new ApiProblem(413, "source map exceeds " + maxUploadBytes
                    + " bytes (sourcemaps.max_upload_size)", "file");
        }
        try {
            symbolicator.parser().parse(bytes);
        } catch (InvalidSourceMapException e) {
            throw ApiProblem.badRequest("invalid source map: " + e.getMessage(), "file");
        }
        String name = baseName(fileName);
        SourceMapStore.Stored stored = symbolicator.store().put(project.id(), release.trim(), name, gzip(bytes),
                bytes.length, System.currentTimeMillis());
        symbolicator.changed(stored.projectId(), stored.release(), stored.id());
        return Response.status(Response.Status.CREATED).entity(info(stored)).build();
    }

    @GET
    @RequiresScope(Scope.SOURCEMAPS_READ)
    public List<SourceMapInfo> list(@Auth Caller caller, @PathParam("slug") String slug,
                                    @QueryParam("release") String release) {
        Project project = project(caller, slug);
        return symbolicator.store().list(project.id(), release == null || release.isBlank() ? null : release)
                .stream().map(SourceMapResource::info).toList();
    }

    @DELETE
    @Path("/{id}")
    @RequiresScope(Scope.SOURCEMAPS_WRITE)
    public SourceMapInfo.Deleted delete(@Auth Caller caller, @PathParam("slug") String slug,
                                        @PathParam("id") String id) {
        Project project = project(caller, slug);
        long mapId;
        try {
            mapId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new ApiProblem(404, "source map " + id + " not found", null);
        }
        Optional<String> release = symbolicator.store().delete(mapId, project.id());
        if (release.isEmpty()) {
            throw new ApiProblem(404, "source map " + mapId + " not found", null);
        }
        symbolicator.changed(project.id(), release.get(), mapId);
        return new SourceMapInfo.Deleted(mapId);
    }

    private Project project(Caller caller, String slug) {
        return projects.findBySlug(slug).filter(p -> caller.canAccess(p.id()))
                .orElseThrow(() -> new ApiProblem(404, "project not found", null));
    }

    /** The name as given, without a leading slash: a frame matches it when its path ends with it. */
    private static String baseName(String fileName) {
        String n = fileName.replace('\\', '/');
        return n.startsWith("/") ? n.substring(1) : n;
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private static SourceMapInfo info(SourceMapStore.Stored s) {
        return new SourceMapInfo(s.id(), s.projectId(), s.release(), s.fileName(), s.sizeBytes(), s.compressedBytes(),
                s.uploadedAt());
    }
}
