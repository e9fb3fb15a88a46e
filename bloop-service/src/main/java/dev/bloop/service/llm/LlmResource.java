package dev.bloop.service.llm;

import dev.bloop.api.llm.LatencyRow;
import dev.bloop.api.llm.LlmOverview;
import dev.bloop.api.llm.ModelUsage;
import dev.bloop.api.llm.SessionSummary;
import dev.bloop.api.llm.TraceDetail;
import dev.bloop.api.llm.TraceSummary;
import dev.bloop.api.llm.UsageRow;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.RequiresScope;
import dev.bloop.service.access.Scope;
import dev.bloop.service.web.ApiProblem;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * The LLM query API ({@code llm:read}, or a dashboard session): overview, hourly usage, latency
 * percentiles, models, traces with their span trees, and sessions, always of the caller's project.
 * HTTP only: parse, authorize, map; the reads are {@link LlmQueries}'.
 */
@Path("/v1/llm")
@Produces(MediaType.APPLICATION_JSON)
public final class LlmResource {
    static final String TOTAL_COUNT = "X-Total-Count";

    private final LlmQueries queries;

    LlmResource(LlmQueries queries) {
        this.queries = queries;
    }

    @GET
    @Path("/overview")
    @RequiresScope(Scope.LLM_READ)
    public LlmOverview overview(@Auth Caller caller, @QueryParam("hours") String hours) {
        return queries.overview(caller.project(), LlmParams.hours(hours), System.currentTimeMillis());
    }

    @GET
    @Path("/usage")
    @RequiresScope(Scope.LLM_READ)
    public List<UsageRow> usage(@Auth Caller caller, @QueryParam("hours") String hours, @QueryParam("model") String model,
                                @QueryParam("provider") String provider) {
        return queries.usage(caller.project(), LlmParams.hours(hours), LlmParams.text("model", model),
                LlmParams.text("provider", provider), System.currentTimeMillis());
    }

    @GET
    @Path("/latency")
    @RequiresScope(Scope.LLM_READ)
    public List<LatencyRow> latency(@Auth Caller caller, @QueryParam("hours") String hours,
                                    @QueryParam("model") String model) {
        return queries.latency(caller.project(), LlmParams.hours(hours), LlmParams.text("model", model),
                System.currentTimeMillis());
    }

    @GET
    @Path("/models")
    @RequiresScope(Scope.LLM_READ)
    public List<ModelUsage> models(@Auth Caller caller, @QueryParam("hours") String hours,
                                   @QueryParam("provider") String provider, @QueryParam("unpriced") String unpriced) {
        Boolean onlyUnpriced = LlmParams.bool("unpriced", unpriced);
        List<ModelUsage> all = queries.models(caller.project(), LlmParams.hours(hours),
                LlmParams.text("provider", provider), System.currentTimeMillis());
        return onlyUnpriced == null ? all : all.stream().filter(m -> m.priced() != onlyUnpriced).toList();
    }

    @GET
    @Path("/traces")
    @RequiresScope(Scope.LLM_READ)
    @ApiResponse(responseCode = "200", description = "traces, newest first; the total in X-Total-Count",
            content = @Content(array = @ArraySchema(schema = @Schema(implementation = TraceSummary.class))))
    public Response traces(@Auth Caller caller, @QueryParam("hours") String hours, @QueryParam("model") String model,
                           @QueryParam("provider") String provider, @QueryParam("session_id") String sessionId,
                           @QueryParam("user_id") String userId, @QueryParam("status") String status,
                           @QueryParam("name") String name, @QueryParam("prompt_name") String promptName,
                           @QueryParam("prompt_version") String promptVersion,
                           @QueryParam("experiment") String experiment, @QueryParam("variant") String variant,
                           @QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        LlmQueries.Page<?> page = queries.traces(new LlmQueries.TraceFilter(caller.project(), LlmParams.hours(hours),
                LlmParams.text("model", model), LlmParams.text("provider", provider),
                LlmParams.text("session_id", sessionId), LlmParams.text("user_id", userId),
                LlmParams.oneOf("status", status, TraceValidator.TRACE_STATUSES), LlmParams.text("name", name),
                new LlmQueries.Tags(LlmParams.text("prompt_name", promptName),
                        LlmParams.text("prompt_version", promptVersion), LlmParams.text("experiment", experiment),
                        LlmParams.text("variant", variant)),
                LlmParams.limit(limit), LlmParams.offset(offset)), System.currentTimeMillis());
        return Response.ok(page.rows()).header(TOTAL_COUNT, page.total()).build();
    }

    @GET
    @Path("/traces/{id}")
    @RequiresScope(Scope.LLM_READ)
    @ApiResponse(responseCode = "200", description = "the trace with its spans as a tree",
            content = @Content(schema = @Schema(implementation = TraceDetail.class)))
    public Response trace(@Auth Caller caller, @PathParam("id") String id) {
        if (id.length() > TraceValidator.MAX_ID_CHARS) {
            throw ApiProblem.badRequest("id must be at most " + TraceValidator.MAX_ID_CHARS + " characters", "id");
        }
        return queries.trace(caller.project(), id).map(t -> Response.ok(t).build())
                .orElseThrow(() -> ApiProblem.notFound("no trace '" + id + "' in this project", "id"));
    }

    @GET
    @Path("/sessions")
    @RequiresScope(Scope.LLM_READ)
    @ApiResponse(responseCode = "200", description = "sessions, most recent first; the total in X-Total-Count",
            content = @Content(array = @ArraySchema(schema = @Schema(implementation = SessionSummary.class))))
    public Response sessions(@Auth Caller caller, @QueryParam("hours") String hours, @QueryParam("user_id") String userId,
                             @QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        LlmQueries.Page<?> page = queries.sessions(caller.project(), LlmParams.hours(hours),
                LlmParams.text("user_id", userId), LlmParams.limit(limit), LlmParams.offset(offset),
                System.currentTimeMillis());
        return Response.ok(page.rows()).header(TOTAL_COUNT, page.total()).build();
    }
}
