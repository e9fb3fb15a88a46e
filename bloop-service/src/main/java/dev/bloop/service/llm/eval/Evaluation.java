package dev.bloop.service.llm.eval;

import dev.bloop.service.Core;
import dev.bloop.service.ingest.IngestDoor;
import dev.bloop.service.store.Database;
import io.dropwizard.core.setup.Environment;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * LLM evaluation, built on LLM tracing: scores and user feedback on traces and spans with their
 * summaries, monthly budgets with a forecast and the {@code llm_budget} alert rule, tools and retrieval
 * tables, prompt versions with their comparison, and search. Wired by the tracing bundle when tracing is on; switched off, its routes answer 404 with
 * the rest of {@code /v1/llm/*}.
 */
public final class Evaluation {
    private final SignedFeedback signedFeedback;

    private Evaluation(SignedFeedback signedFeedback) {
        this.signedFeedback = signedFeedback;
    }

    public static Evaluation wire(Core core, Environment env, TraceLookup traces, long alertEvaluationSecs) {
        Clock clock = Clock.systemUTC();
        Database db = core.db();
        ScoreStore scores = new ScoreStore(db.writer(), db.reader(), traces);
        FeedbackStore feedback = new FeedbackStore(db.writer(), db.reader(), traces);
        env.jersey().register(new ScoresResource(scores, new ScoreSummaries(db.reader()), feedback,
                new Evaluations(db.reader())));
        Prompts prompts = new Prompts(db.reader());
        env.jersey().register(new InsightsResource(new SpanTables(db.reader(), db.dialect()), prompts,
                new PromptCompare(prompts), new Search(db.reader(), db.dialect())));
        Budgets budgets = new Budgets(db.writer(), db.reader(), clock);
        env.jersey().register(new BudgetResource(budgets));
        BudgetAlerts alerts = new BudgetAlerts(core.alertRules(), budgets, db.writer(), clock,
                TimeUnit.SECONDS.toMillis(alertEvaluationSecs), db.nodes());
        alerts.register();
        env.lifecycle().manage(alerts);
        core.onProjectDeletion(id -> { }, id -> {
            for (String table : List.of("llm_scores", "llm_feedback", "llm_budgets")) {
                db.writer().useHandle(h -> h.createUpdate("DELETE FROM " + table + " WHERE project_id = :p")
                        .bind("p", id).execute());
            }
        });
        return new Evaluation(new SignedFeedback(feedback, traces));
    }

    /** The handler of the signed {@code POST /v1/traces/{id}/feedback}, served by the trace ingest servlet. */
    public BiConsumer<IngestDoor.Exchange, String> signedFeedback() {
        return signedFeedback::accept;
    }
}
