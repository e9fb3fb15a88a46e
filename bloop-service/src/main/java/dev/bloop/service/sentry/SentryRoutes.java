package dev.bloop.service.sentry;

import dev.bloop.api.ApiError;
import dev.bloop.api.SentryAccepted;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * The Sentry-compatible routes as the OpenAPI document shows them (only while the module is on). They are
 * served by {@link SentryHandler} in front of Jersey, so they are described here by hand; nothing implements this.
 */
@Path("/api/{project_id}")
@Tag(name = "sentry")
@Produces(MediaType.APPLICATION_JSON)
interface SentryRoutes {
    String AUTH = "`Sentry sentry_key=<the DSN's public key>, sentry_version=7, ...` (what Sentry SDKs send)";
    String KEY = "the DSN's public key, for clients that cannot set headers (browsers' beacons)";
    String PROJECT = "the project's number: the last part of its DSN";

    @POST
    @Path("/envelope/")
    @Operation(operationId = "sentryEnvelope", summary = "A Sentry envelope (events, sessions, client reports)",
            description = "Authenticated by the DSN's public key (X-Sentry-Auth, the sentry_key query parameter, or "
                    + "the envelope header's dsn). Bodies may be gzip or deflate encoded; caps in sentry.*. Events "
                    + "go through the core's ingest path (quota, validation, filters, grouping); sessions feed "
                    + "release health; client reports the ledger; other item types are skipped.")
    @ApiResponse(responseCode = "200", description = "taken: the event id, or {} when the envelope had no event",
            content = @Content(schema = @Schema(implementation = SentryAccepted.class)))
    @ApiResponse(responseCode = "400", description = "malformed envelope or event",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "401", description = "unknown key",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "403", description = "no key", content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "413", description = "over sentry.max_envelope_size (compressed or not)",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "415", description = "an unsupported Content-Encoding (br)",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "429", description = "queue full or quota spent, with Retry-After and "
            + "X-Sentry-Rate-Limits", headers = {@Header(name = "Retry-After", schema = @Schema(type = "integer")),
            @Header(name = "X-Sentry-Rate-Limits", schema = @Schema(type = "string"))},
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    SentryAccepted envelope(@PathParam("project_id") @Parameter(description = PROJECT) long projectId,
                            @HeaderParam("X-Sentry-Auth") @Parameter(description = AUTH) String auth,
                            @QueryParam("sentry_key") @Parameter(description = KEY) String key,
                            @RequestBody(required = true, content = @Content(mediaType = "application/x-sentry-envelope",
                                    schema = @Schema(type = "string"))) String envelope);

    @POST
    @Path("/store/")
    @Operation(operationId = "sentryStore", summary = "One Sentry event as JSON (older SDKs)",
            description = "Authenticated and processed as an envelope's event.")
    @ApiResponse(responseCode = "200", description = "taken: the event id",
            content = @Content(schema = @Schema(implementation = SentryAccepted.class)))
    @ApiResponse(responseCode = "400", description = "malformed event",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "401", description = "unknown key",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "403", description = "no key", content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "429", description = "queue full or quota spent",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    SentryAccepted store(@PathParam("project_id") @Parameter(description = PROJECT) long projectId,
                         @HeaderParam("X-Sentry-Auth") @Parameter(description = AUTH) String auth,
                         @QueryParam("sentry_key") @Parameter(description = KEY) String key,
                         @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                                 schema = @Schema(type = "object"))) String event);
}
