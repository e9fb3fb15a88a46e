package dev.bloop.service.llm.eval;

import dev.bloop.api.llm.eval.Feedback;
import dev.bloop.api.llm.eval.FeedbackIn;
import dev.bloop.api.llm.eval.FeedbackSummary;
import dev.bloop.api.llm.eval.Score;
import dev.bloop.api.llm.eval.ScoreIn;
import dev.bloop.api.llm.eval.ScoreSummary;
import dev.bloop.api.llm.eval.TraceEvaluation;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.RequiresScope;
import dev.bloop.service.access.Scope;
import dev.bloop.service.llm.LlmParams;
import dev.bloop.service.llm.stats.Interval;
import dev.bloop.service.llm.stats.Proportions;
import dev.bloop.service.web.ApiProblem;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * Scores and user feedback on traces ({@code llm:write} to give, {@code llm:read} to read, or a
 * dashboard session), always within the caller's project: another project's trace is a 404.
 */
@Path("/v1/llm")
@Produces(MediaType.APPLICATION_JSON)
public final class ScoresResource {
    private static final String TOTAL_COUNT = "X-Total-Count";

    private final ScoreStore scores;
    private final ScoreSummaries summaries;
    private final FeedbackStore feedback;
    private final Evaluations evaluations;
    private static final int MAX_TRACES = 200;

    ScoresResource(ScoreStore scores, ScoreSummaries summaries, FeedbackStore feedback, Evaluations evaluations) {
        this.evaluations = evaluations;
        this.scores = scores;
        this.summaries = summaries;
        this.feedback = feedback;
    }

    @POST
    @Path("/traces/{id}/scores")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresScope(Scope.LLM_WRITE)
    @ApiResponse(responseCode = "200", description = "the score as stored (replacing an earlier one of the same name)",
            content = @Content(schema = @Schema(implementation = Score.class)))
    public Score score(@Auth Caller caller, @PathParam("id") String id,
                       @RequestBody(required = true, content = @Content(schema = @Schema(implementation = ScoreIn.class)))
                       String body) {
        return scores.put(caller.project(), id, EvalBodies.read(body, ScoreIn.class), System.currentTimeMillis());
    }

    @GET
    @Path("/traces/{id}/scores")
    @RequiresScope(Scope.LLM_READ)
    @ApiResponse(responseCode = "200", description = "the trace's and its spans' scores, newest first",
            content = @Content(array = @ArraySchema(schema = @Schema(implementation = Score.class))))
    public Response scores(@Auth Caller caller, @PathParam("id") String id) {
        List<Score> list = scores.list(caller.project(), id);
        return Response.ok(list).header(TOTAL_COUNT, list.size()).build();
    }

    @GET
    @Path("/scores/summary")
    @RequiresScope(Scope.LLM_READ)
    public ScoreSummary scoreSummary(@Auth Caller caller, @QueryParam("name") String name,
                                     @QueryParam("hours") String hours) {
        if (name == null || name.isEmpty()) {
            throw ApiProblem.badRequest("name is required: the score name to summarize", "name");
        }
        if (!Checks.word(name, ScoreStore.MAX_NAME)) {
            throw ApiProblem.badRequest("name must be 1 to " + ScoreStore.MAX_NAME + " letters, digits, '_' or '-'",
                    "name");
        }
        return summaries.summary(caller.project(), name, LlmParams.hours(hours), System.currentTimeMillis());
    }

    @POST
    @Path("/traces/{id}/feedback")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresScope(Scope.LLM_WRITE)
    @ApiResponse(responseCode = "200", description = "the vote as stored (replacing the user's earlier one)",
            content = @Content(schema = @Schema(implementation = Feedback.class)))
    public Feedback giveFeedback(@Auth Caller caller, @PathParam("id") String id,
                                 @RequestBody(required = true, content = @Content(schema = @Schema(
                                         implementation = FeedbackIn.class))) String body) {
        return feedback.put(caller.project(), id, EvalBodies.read(body, FeedbackIn.class), System.currentTimeMillis());
    }

    @GET
    @Path("/traces/{id}/feedback")
    @RequiresScope(Scope.LLM_READ)
    @ApiResponse(responseCode = "200", description = "the trace's votes, newest first",
            content = @Content(array = @ArraySchema(schema = @Schema(implementation = Feedback.class))))
    public Response feedback(@Auth Caller caller, @PathParam("id") String id) {
        List<Feedback> list = feedback.list(caller.project(), id);
        return Response.ok(list).header(TOTAL_COUNT, list.size()).build();
    }

    @GET
    @Path("/feedback/summary")
    @RequiresScope(Scope.LLM_READ)
    public FeedbackSummary feedbackSummary(@Auth Caller caller, @QueryParam("hours") String hours) {
        int h = LlmParams.hours(hours);
        long[] votes = feedback.counts(caller.project(), Windows.since(System.currentTimeMillis(), h));
        long total = votes[0] + votes[1];
        if (total == 0) {
            return new FeedbackSummary(h, 0, 0, 0, null, null, null);
        }
        Interval ci = Proportions.wilson(votes[0], total);
        return new FeedbackSummary(h, total, votes[0], votes[1], (double) votes[0] / total, ci.low(), ci.high());
    }

    @GET
    @Path("/evaluations")
    @RequiresScope(Scope.LLM_READ)
    public List<TraceEvaluation> evaluations(@Auth Caller caller, @QueryParam("trace_id") List<String> traceIds) {
        if (traceIds == null || traceIds.isEmpty()) {
            throw ApiProblem.badRequest("trace_id is required: one or more trace ids", "trace_id");
        }
        if (traceIds.size() > MAX_TRACES) {
            throw ApiProblem.badRequest("at most " + MAX_TRACES + " trace_id values", "trace_id");
        }
        for (String id : traceIds) {
            if (id.isEmpty() || id.length() > Checks.MAX_ID_CHARS) {
                throw ApiProblem.badRequest("each trace_id must be 1 to " + Checks.MAX_ID_CHARS + " characters",
                        "trace_id");
            }
        }
        return evaluations.of(caller.project(), traceIds);
    }
}
