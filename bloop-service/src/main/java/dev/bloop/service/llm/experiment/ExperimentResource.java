package dev.bloop.service.llm.experiment;

import dev.bloop.api.llm.Experiment;
import dev.bloop.api.llm.ExperimentComparison;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.RequiresScope;
import dev.bloop.service.access.Scope;
import dev.bloop.service.web.ApiProblem;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * Prompt A/B experiments ({@code /v1/llm/experiments}): CRUD, sticky assignment and the statistical
 * comparison, always of the caller's project. Reading needs {@code llm:read}, changing
 * {@code llm:write} (or a dashboard session). HTTP only; the work is in {@link Experiments}.
 */
@Path("/v1/llm/experiments")
@Produces(MediaType.APPLICATION_JSON)
public final class ExperimentResource {
    private final Experiments experiments;

    ExperimentResource(Experiments experiments) {
        this.experiments = experiments;
    }

    @GET
    @RequiresScope(Scope.LLM_READ)
    @ApiResponse(responseCode = "200", description = "the project's experiments, newest first; the total in X-Total-Count",
            content = @Content(array = @ArraySchema(schema = @Schema(implementation = Experiment.class))))
    public Response list(@Auth Caller caller) {
        List<Experiment> all = experiments.list(caller.project());
        return Response.ok(all).header("X-Total-Count", all.size()).build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresScope(Scope.LLM_WRITE)
    @ApiResponse(responseCode = "201", description = "the experiment created",
            content = @Content(schema = @Schema(implementation = Experiment.class)))
    public Response create(@Auth Caller caller,
                           @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
                                   schema = @Schema(implementation = Experiment.Definition.class))) String body) {
        Experiment created = experiments.create(caller.project(), body, caller.name());
        return Response.status(201).entity(created).build();
    }

    @GET
    @Path("/{id}")
    @RequiresScope(Scope.LLM_READ)
    public Experiment get(@Auth Caller caller, @PathParam("id") String id) {
        return experiments.get(caller.project(), id(id));
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresScope(Scope.LLM_WRITE)
    public Experiment update(@Auth Caller caller, @PathParam("id") String id,
                             @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
                                     schema = @Schema(implementation = Experiment.Change.class))) String body) {
        return experiments.update(caller.project(), id(id), body, caller.name());
    }

    @DELETE
    @Path("/{id}")
    @RequiresScope(Scope.LLM_WRITE)
    @ApiResponse(responseCode = "204", description = "deleted; its traces stay, and traces naming it are refused from now on")
    public Response delete(@Auth Caller caller, @PathParam("id") String id) {
        experiments.delete(caller.project(), id(id));
        return Response.noContent().build();
    }

    @GET
    @Path("/{id}/assign")
    @RequiresScope(Scope.LLM_READ)
    public Experiment.Assignment assign(@Auth Caller caller, @PathParam("id") String id,
                                        @QueryParam("unit") String unit) {
        if (unit == null || unit.isEmpty()) {
            throw ApiProblem.badRequest("unit is required: the user id, session id or trace id to assign", "unit");
        }
        if (unit.length() > 200) {
            throw ApiProblem.badRequest("unit must be at most 200 characters", "unit");
        }
        return experiments.assign(caller.project(), id(id), unit);
    }

    @GET
    @Path("/{id}/compare")
    @RequiresScope(Scope.LLM_READ)
    public ExperimentComparison compare(@Auth Caller caller, @PathParam("id") String id) {
        return experiments.compare(caller.project(), id(id));
    }

    private static long id(String id) {
        try {
            long n = Long.parseLong(id);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiProblem.notFound("no experiment '" + id + "' in this project", "id");
    }
}
