package dev.bloop.service.llm.eval;

import dev.bloop.api.llm.eval.PromptComparison;
import dev.bloop.api.llm.eval.PromptStats;
import dev.bloop.api.llm.eval.RagRow;
import dev.bloop.api.llm.eval.SearchHit;
import dev.bloop.api.llm.eval.ToolRow;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.RequiresScope;
import dev.bloop.service.access.Scope;
import dev.bloop.service.llm.LlmParams;
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
 * What the traces say about tools, retrieval and prompt versions, and search over them ({@code llm:read}
 * or a dashboard session), always of the caller's project.
 */
@Path("/v1/llm")
@Produces(MediaType.APPLICATION_JSON)
public final class InsightsResource {
    private static final String TOTAL_COUNT = "X-Total-Count";
    private static final int MAX_PROMPT = 200;

    private final SpanTables spans;
    private final Prompts prompts;
    private final PromptCompare compare;
    private final Search search;

    InsightsResource(SpanTables spans, Prompts prompts, PromptCompare compare, Search search) {
        this.spans = spans;
        this.prompts = prompts;
        this.compare = compare;
        this.search = search;
    }

    @GET
    @Path("/tools")
    @RequiresScope(Scope.LLM_READ)
    public List<ToolRow> tools(@Auth Caller caller, @QueryParam("hours") String hours) {
        return spans.tools(caller.project(), LlmParams.hours(hours), System.currentTimeMillis());
    }

    @GET
    @Path("/rag")
    @RequiresScope(Scope.LLM_READ)
    public List<RagRow> rag(@Auth Caller caller, @QueryParam("hours") String hours) {
        return spans.rag(caller.project(), LlmParams.hours(hours), System.currentTimeMillis());
    }

    @GET
    @Path("/prompts")
    @RequiresScope(Scope.LLM_READ)
    public List<PromptStats> prompts(@Auth Caller caller, @QueryParam("hours") String hours) {
        return prompts.prompts(caller.project(), LlmParams.hours(hours), System.currentTimeMillis());
    }

    @GET
    @Path("/prompts/{name}/versions")
    @RequiresScope(Scope.LLM_READ)
    public List<PromptStats> versions(@Auth Caller caller, @PathParam("name") String name,
                                      @QueryParam("hours") String hours) {
        if (name.length() > MAX_PROMPT) {
            throw ApiProblem.badRequest("name must be at most " + MAX_PROMPT + " characters", "name");
        }
        return prompts.versions(caller.project(), name, LlmParams.hours(hours), System.currentTimeMillis());
    }

    @GET
    @Path("/prompts/{name}/compare")
    @RequiresScope(Scope.LLM_READ)
    public PromptComparison compare(@Auth Caller caller, @PathParam("name") String name, @QueryParam("v1") String v1,
                                    @QueryParam("v2") String v2, @QueryParam("hours") String hours) {
        if (name.length() > MAX_PROMPT) {
            throw ApiProblem.badRequest("name must be at most " + MAX_PROMPT + " characters", "name");
        }
        if (LlmParams.text("v1", v1) == null) {
            throw ApiProblem.badRequest("v1 is required: the baseline version", "v1");
        }
        if (LlmParams.text("v2", v2) == null) {
            throw ApiProblem.badRequest("v2 is required: the version compared with v1", "v2");
        }
        if (v1.equals(v2)) {
            throw ApiProblem.badRequest("v2 must be another version than v1", "v2");
        }
        return compare.compare(caller.project(), name, v1, v2, LlmParams.hours(hours), System.currentTimeMillis());
    }

    @GET
    @Path("/search")
    @RequiresScope(Scope.LLM_READ)
    @ApiResponse(responseCode = "200", description = "matching traces and spans, newest first; the total in X-Total-Count",
            content = @Content(array = @ArraySchema(schema = @Schema(implementation = SearchHit.class))))
    public Response search(@Auth Caller caller, @QueryParam("q") String q, @QueryParam("hours") String hours,
                           @QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        if (q == null || q.isBlank()) {
            throw ApiProblem.badRequest("q is required: the words to find", "q");
        }
        LlmParams.text("q", q);
        Search.Page page = search.search(caller.project(), q, LlmParams.hours(hours), LlmParams.limit(limit),
                LlmParams.offset(offset), System.currentTimeMillis());
        return Response.ok(page.rows()).header(TOTAL_COUNT, page.total()).build();
    }
}
