package dev.bloop.service.llm;

import dev.bloop.api.ApiError;
import dev.bloop.api.BatchResult;
import dev.bloop.api.llm.TraceAccepted;
import dev.bloop.api.llm.TraceBatch;
import dev.bloop.api.llm.TraceIn;
import dev.bloop.api.llm.TraceUpdate;
import dev.bloop.api.llm.eval.Feedback;
import dev.bloop.api.llm.eval.FeedbackIn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The signed trace ingest routes as the OpenAPI document shows them (only while LLM tracing is on). They are
 * served by {@link TraceIngestServlet} beside Jersey, so they are described here by hand; nothing implements this.
 */
@Path("/v1/traces")
@Tag(name = "llm")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
interface TraceRoutes {
    String PROJECT_KEY = "a project's public ingest key; without it, the trace goes to the default project";

    @POST
    @Operation(operationId = "ingestTrace", summary = "Send one LLM trace with its spans",
            description = "Signed like error ingest (X-Signature over the body with the project's ingest secret). "
                    + "Re-sending a trace id replaces that trace.", security = @SecurityRequirement(name = "hmac"))
    @ApiResponse(responseCode = "200", description = "queued for the writer",
            content = @Content(schema = @Schema(implementation = TraceAccepted.class)))
    @ApiResponse(responseCode = "400", description = "invalid trace: `field` names the field",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "401", description = "signature or key refused",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "413", description = "body over llm_tracing.max_payload_bytes",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "429", description = "queue full; nothing was kept, retry after Retry-After seconds",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    TraceAccepted trace(@HeaderParam("X-Project-Key") @Parameter(description = PROJECT_KEY) String projectKey,
                        @RequestBody(required = true) TraceIn trace);

    @POST
    @Path("/batch")
    @Operation(operationId = "ingestTraceBatch", summary = "Send up to max_batch_size traces at once",
            description = "Signed as one trace. Invalid traces are reported by index, the valid ones accepted.",
            security = @SecurityRequirement(name = "hmac"))
    @ApiResponse(responseCode = "200", description = "how many were accepted, and why the others were refused",
            content = @Content(schema = @Schema(implementation = BatchResult.class)))
    @ApiResponse(responseCode = "400", description = "not a batch, or too many traces",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "401", description = "signature or key refused",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "429", description = "queue full; nothing was kept",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    BatchResult batch(@HeaderParam("X-Project-Key") @Parameter(description = PROJECT_KEY) String projectKey,
                      @RequestBody(required = true) TraceBatch batch);

    @PUT
    @Path("/{id}")
    @Operation(operationId = "completeTrace", summary = "Complete a running trace",
            description = "status, ended_at, output, metadata and more spans.",
            security = @SecurityRequirement(name = "hmac"))
    @ApiResponse(responseCode = "200", description = "queued for the writer",
            content = @Content(schema = @Schema(implementation = TraceAccepted.class)))
    @ApiResponse(responseCode = "400", description = "invalid update", content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "401", description = "signature or key refused",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "404", description = "unknown trace id, or another project's trace",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    TraceAccepted complete(@PathParam("id") String id,
                           @HeaderParam("X-Project-Key") @Parameter(description = PROJECT_KEY) String projectKey,
                           @RequestBody(required = true) TraceUpdate update);

    @POST
    @Path("/{id}/feedback")
    @Operation(operationId = "ingestTraceFeedback", summary = "Attach a user's vote to a trace sent earlier",
            description = "Signed as trace ingest. One vote per user_id and trace: a second replaces the first.",
            security = @SecurityRequirement(name = "hmac"))
    @ApiResponse(responseCode = "200", description = "stored",
            content = @Content(schema = @Schema(implementation = Feedback.class)))
    @ApiResponse(responseCode = "400", description = "invalid vote: `field` names the field",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "401", description = "signature or key refused",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "404", description = "unknown trace id, or another project's trace",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    Feedback feedback(@PathParam("id") String id,
                      @HeaderParam("X-Project-Key") @Parameter(description = PROJECT_KEY) String projectKey,
                      @RequestBody(required = true) FeedbackIn vote);
}
