package dev.bloop.service.ingest;

import dev.bloop.api.ApiError;
import dev.bloop.api.BatchResult;
import dev.bloop.api.EventBatch;
import dev.bloop.api.IngestAccepted;
import dev.bloop.api.IngestEvent;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The signed ingest routes as the OpenAPI document shows them. They are served by {@link IngestServlet}
 * beside Jersey (no resource matching on the hot path), so they are described here, by hand, with the
 * same records; nothing implements this interface.
 */
@Path("/v1/ingest")
@Tag(name = "ingest")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
interface IngestRoutes {
    String PROJECT_KEY = "a project's public ingest key (bloop_pk_...); without it, the event goes to the "
            + "default project and is signed with auth.hmac_secret";

    @POST
    @Operation(operationId = "ingestEvent", summary = "Send one error event",
            description = "Checked in this order: a full queue (429) or a failing store (503) before the body is "
                    + "read; X-Signature present and hex (401); body at most 32 KB (413); X-Project-Key known "
                    + "(401); signature (401, constant time); Content-Type and JSON (400/415); the project's quota "
                    + "(429). Events the project's inbound filters drop are acknowledged as `filtered`.",
            security = @SecurityRequirement(name = "hmac"))
    @ApiResponse(responseCode = "200", description = "accepted (with its group's fingerprint) or filtered",
            content = @Content(schema = @Schema(implementation = IngestAccepted.class)))
    @ApiResponse(responseCode = "400", description = "invalid event: `field` names the field",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "401", description = "missing or malformed signature, unknown project key, "
            + "signature mismatch", content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "408", description = "the body did not arrive within ingest.body_timeout",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "413", description = "body over ingest.max_payload_bytes",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "415", description = "Content-Type is not application/json",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "429", description = "the queue is full, or the project's quota is spent: retry "
            + "after Retry-After seconds; nothing was kept", headers = @Header(name = "Retry-After",
            schema = @Schema(type = "integer")), content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "503", description = "the store refuses writes (disk full, read-only) or the "
            + "server is stopping: retry after Retry-After seconds", headers = @Header(name = "Retry-After",
            schema = @Schema(type = "integer")), content = @Content(schema = @Schema(implementation = ApiError.class)))
    IngestAccepted ingest(@HeaderParam("X-Project-Key") @Parameter(description = PROJECT_KEY) String projectKey,
                          @RequestBody(required = true) IngestEvent event);

    @POST
    @Path("/batch")
    @Operation(operationId = "ingestBatch", summary = "Send up to 50 events at once",
            description = "Signed and checked as a single event. Over 50 events is a 400 for the whole request; "
                    + "otherwise invalid events are reported by index and the valid ones accepted. A quota "
                    + "refusal takes the batch whole or not at all.",
            security = @SecurityRequirement(name = "hmac"))
    @ApiResponse(responseCode = "200", description = "how many were accepted (and filtered), and why the others "
            + "were refused", content = @Content(schema = @Schema(implementation = BatchResult.class)))
    @ApiResponse(responseCode = "400", description = "not a batch, or over 50 events",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "401", description = "as for one event",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "413", description = "body over ingest.max_payload_bytes",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "429", description = "queue full or quota spent; retry after Retry-After seconds",
            headers = @Header(name = "Retry-After", schema = @Schema(type = "integer")),
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "503", description = "the store refuses writes, or the server is stopping",
            headers = @Header(name = "Retry-After", schema = @Schema(type = "integer")),
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    BatchResult batch(@HeaderParam("X-Project-Key") @Parameter(description = PROJECT_KEY) String projectKey,
                      @RequestBody(required = true) EventBatch batch);
}
