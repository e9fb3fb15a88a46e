package dev.bloop.service.llm.exchange;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.llm.LangSmithBatch;
import dev.bloop.api.llm.LangSmithExport;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.RequiresScope;
import dev.bloop.service.access.Scope;
import dev.bloop.service.llm.LlmParams;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.Set;

/**
 * {@code GET /v1/llm/export/langsmith} ({@code llm:read} or a session): the caller's project's traces of
 * the last {@code hours} as LangSmith runs, newest traces first, a page at a time ({@code limit} traces,
 * then {@code offset} or the {@code cursor} of the previous page). {@code format=json} (default),
 * {@code jsonl} (one run a line) or {@code batch} (the body of LangSmith's {@code runs/batch}).
 */
@Path("/v1/llm/export")
public final class LangSmithResource {
    static final String TOTAL_COUNT = "X-Total-Count";
    static final String NEXT_CURSOR = "X-Next-Cursor";
    private static final Set<String> FORMATS = Set.of("json", "jsonl", "batch");

    private final LangSmithRuns runs;
    private final ObjectMapper json;

    LangSmithResource(LangSmithRuns runs, ObjectMapper json) {
        this.runs = runs;
        this.json = json;
    }

    @GET
    @Path("/langsmith")
    @Produces({MediaType.APPLICATION_JSON, "application/x-ndjson"})
    @RequiresScope(Scope.LLM_READ)
    @ApiResponse(responseCode = "200", description = "runs of up to `limit` traces (roots before their children); "
            + "the number of traces in the window in X-Total-Count, the next page's cursor in X-Next-Cursor",
            content = @Content(schema = @Schema(implementation = LangSmithExport.class)))
    public Response langsmith(@Auth Caller caller, @QueryParam("hours") String hours,
                              @QueryParam("limit") String limit, @QueryParam("offset") String offset,
                              @Parameter(description = "X-Next-Cursor of the previous page")
                              @QueryParam("cursor") String cursor,
                              @Parameter(description = "json (default), jsonl or batch ({\"post\": [...]})")
                              @QueryParam("format") String format) {
        String f = format == null || format.isEmpty() ? "json" : LlmParams.oneOf("format", format, FORMATS);
        Long before = cursor == null || cursor.isEmpty() ? null
                : LlmParams.whole("cursor", cursor, 0, 1, Long.MAX_VALUE);
        LangSmithRuns.Page page = runs.page(caller.project(), LlmParams.hours(hours), LlmParams.limit(limit),
                LlmParams.offset(offset), before, System.currentTimeMillis());
        Response.ResponseBuilder ok = switch (f) {
            case "jsonl" -> Response.ok((StreamingOutput) out -> {
                for (var run : page.runs()) {
                    out.write(json.writeValueAsBytes(run));
                    out.write('\n');
                }
            }, "application/x-ndjson");
            case "batch" -> Response.ok(new LangSmithBatch(page.runs()), MediaType.APPLICATION_JSON_TYPE);
            default -> Response.ok(new LangSmithExport(page.runs(), page.traces(), page.nextCursor()),
                    MediaType.APPLICATION_JSON_TYPE);
        };
        ok.header(TOTAL_COUNT, page.total());
        if (page.nextCursor() != null) {
            ok.header(NEXT_CURSOR, page.nextCursor());
        }
        return ok.build();
    }

}
