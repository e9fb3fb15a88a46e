package dev.bloop.service.llm.proxy;

import dev.bloop.api.ApiError;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

/**
 * The LLM proxy's routes as the OpenAPI document shows them (only while LLM tracing is on). They are
 * served by {@link ProxyServlet} beside Jersey; nothing implements this.
 */
@Path("/v1/proxy/{provider}/{path}")
@Tag(name = "llm")
interface ProxyRoutes {
    String PROVIDER = "openai or anthropic";
    String PATH = "the provider's API path after its base URL, e.g. chat/completions, responses, messages, models";
    String TOKEN = "a bloop API token with the llm:write scope (or put it first in the path: "
            + "/v1/proxy/{token}/{provider}/{path})";
    String DESCRIPTION = "Forwards the request to the provider's base URL (llm_tracing.proxy.*_base_url) with the "
            + "provider credential (Authorization or x-api-key) untouched, and passes the answer through unchanged, "
            + "streams chunk by chunk. The call is recorded as a trace with one generation span (model, tokens, cost, "
            + "latency, time to first token, content per the project's storage policy). Optional headers "
            + "X-Bloop-Trace-Id, X-Bloop-Session-Id, X-Bloop-User-Id, X-Bloop-Trace-Name, X-Bloop-Experiment, "
            + "X-Bloop-Variant group calls. The answer carries X-Bloop-Overhead-Ms and X-Bloop-Trace-Id.";

    @POST
    @Operation(operationId = "proxyLlmCall", summary = "Call OpenAI or Anthropic through bloop, traced",
            description = DESCRIPTION)
    @ApiResponse(responseCode = "200", description = "the provider's answer, unchanged (any provider status passes "
            + "through the same way)", content = {
                @Content(mediaType = "application/json", schema = @Schema(type = "object",
                        description = "the provider's JSON answer")),
                @Content(mediaType = "text/event-stream", schema = @Schema(type = "string",
                        description = "the provider's server-sent events, chunk by chunk"))})
    @ApiResponse(responseCode = "400", description = "a grouping header over its limit: `field` names it",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "401", description = "no or an invalid bloop token; nothing was forwarded",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "403", description = "the token lacks llm:write; nothing was forwarded",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "404", description = "unknown provider",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "413", description = "body over llm_tracing.proxy.max_request_size",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "429", description = "the LLM trace queue is full; nothing was forwarded",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "502", description = "the provider could not be reached",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "504", description = "the provider did not answer in time",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    void call(@PathParam("provider") @Parameter(description = PROVIDER) String provider,
              @PathParam("path") @Parameter(description = PATH) String path,
              @HeaderParam(ProxyServlet.TOKEN_HEADER) @Parameter(description = TOKEN) String token);

    @GET
    @Operation(operationId = "proxyLlmGet", summary = "GET from OpenAI or Anthropic through bloop (models lists)",
            description = "Forwarded and passed back like POST; not recorded (it is not a model call).")
    @ApiResponse(responseCode = "200", description = "the provider's answer, unchanged",
            content = @Content(mediaType = "application/json", schema = @Schema(type = "object",
                    description = "the provider's JSON answer")))
    @ApiResponse(responseCode = "401", description = "no or an invalid bloop token; nothing was forwarded",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    void get(@PathParam("provider") @Parameter(description = PROVIDER) String provider,
             @PathParam("path") @Parameter(description = PATH) String path,
             @HeaderParam(ProxyServlet.TOKEN_HEADER) @Parameter(description = TOKEN) String token);
}
