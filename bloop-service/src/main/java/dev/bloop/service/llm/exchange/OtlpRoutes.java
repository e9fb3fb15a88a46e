package dev.bloop.service.llm.exchange;

import dev.bloop.api.ApiError;
import dev.bloop.api.llm.OtlpExportResponse;
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
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

/**
 * The OTLP/HTTP trace import as the OpenAPI document shows it (only while LLM tracing is on). Served by
 * {@link OtlpImportServlet} beside Jersey, so described here by hand; nothing implements this.
 */
@Path("/v1")
@Tag(name = "llm")
@Consumes({"application/x-protobuf", "application/json"})
@Produces({"application/x-protobuf", "application/json"})
interface OtlpRoutes {
    String DESCRIPTION = "An OTLP/HTTP ExportTraceServiceRequest, protobuf or JSON (hex ids), gzip-encoded or not, "
            + "at most llm_tracing.otlp_max_body_bytes (4 MiB by default) as sent and after gzip. Spans are grouped "
            + "into bloop traces by trace id and mapped by the OpenTelemetry GenAI conventions. Authenticated by "
            + "Authorization: Bearer <token with llm:write>, by X-Project-Key with X-Project-Secret, or by "
            + "X-Signature as trace ingest. The answer is an ExportTraceServiceResponse in the request's content "
            + "type; partialSuccess counts the spans that were not kept and says why.";
    String EXAMPLE = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5b8efff798038103d269b633813fc60c\","
            + "\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"chat gpt-4o-mini\",\"kind\":3,"
            + "\"startTimeUnixNano\":\"1718000000000000000\",\"endTimeUnixNano\":\"1718000001200000000\"}]}]}]}";

    @POST
    @Path("/otlp/v1/traces")
    @Operation(operationId = "importOtlpTraces", summary = "Import OpenTelemetry traces (OTLP/HTTP)",
            description = DESCRIPTION, security = {@SecurityRequirement(name = "bearer"),
                    @SecurityRequirement(name = "hmac")})
    @ApiResponse(responseCode = "200", description = "ExportTraceServiceResponse, in the request's content type",
            content = @Content(schema = @Schema(implementation = OtlpExportResponse.class)))
    @ApiResponse(responseCode = "400", description = "not a valid OTLP trace request; `field` names the part",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "401", description = "no or wrong credentials",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "403", description = "the token lacks llm:write",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "413", description = "body over llm_tracing.otlp_max_body_bytes",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "415", description = "another Content-Type or Content-Encoding",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "429", description = "queue full; nothing was kept, retry after Retry-After seconds",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    OtlpExportResponse otlp(@HeaderParam("X-Project-Key") @Parameter(description = "with X-Project-Secret or X-Signature")
                String projectKey,
                @HeaderParam("X-Project-Secret") @Parameter(description = "the project's ingest secret")
                String projectSecret,
                @RequestBody(required = true, description = EXAMPLE) byte[] request);

    @POST
    @Path("/llm/export/otlp")
    @Operation(operationId = "importOtlpTracesLlm", summary = "Import OpenTelemetry traces (same as /v1/otlp/v1/traces)",
            description = DESCRIPTION, security = {@SecurityRequirement(name = "bearer"),
                    @SecurityRequirement(name = "hmac")})
    @ApiResponse(responseCode = "200", description = "ExportTraceServiceResponse, in the request's content type",
            content = @Content(schema = @Schema(implementation = OtlpExportResponse.class)))
    @ApiResponse(responseCode = "400", description = "not a valid OTLP trace request",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "401", description = "no or wrong credentials",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "413", description = "body over llm_tracing.otlp_max_body_bytes",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    OtlpExportResponse llmOtlp(@HeaderParam("X-Project-Key") @Parameter(description = "with X-Project-Secret or X-Signature")
                   String projectKey,
                   @HeaderParam("X-Project-Secret") @Parameter(description = "the project's ingest secret")
                   String projectSecret,
                   @RequestBody(required = true, description = EXAMPLE) byte[] request);
}
