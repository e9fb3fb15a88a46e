package dev.bloop.service.llm.eval;

import dev.bloop.api.llm.eval.Budget;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.RequiresScope;
import dev.bloop.service.access.Scope;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET/PUT /v1/llm/budget}: the caller's project's monthly LLM budget, this month's spend and forecast. */
@Path("/v1/llm/budget")
@Produces(MediaType.APPLICATION_JSON)
public final class BudgetResource {
    private final Budgets budgets;

    BudgetResource(Budgets budgets) {
        this.budgets = budgets;
    }

    @GET
    @RequiresScope(Scope.LLM_READ)
    public Budget budget(@Auth Caller caller) {
        return budgets.view(caller.project());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresScope(Scope.LLM_WRITE)
    public Budget setBudget(@Auth Caller caller, @RequestBody(required = true, content = @Content(schema = @Schema(
            implementation = Budget.BudgetUpdate.class))) String body) {
        return budgets.set(caller.project(), EvalBodies.read(body, Budget.BudgetUpdate.class));
    }
}
