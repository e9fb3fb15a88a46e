package dev.bloop.service.alert;

import dev.bloop.api.AlertChannel;
import dev.bloop.api.AlertChannelConfig;
import dev.bloop.api.AlertDeleted;
import dev.bloop.api.AlertDelivery;
import dev.bloop.api.AlertRule;
import dev.bloop.api.AlertRuleCreate;
import dev.bloop.api.AlertRuleUpdate;
import dev.bloop.api.AlertTestResults;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.RequiresScope;
import dev.bloop.service.access.Scope;
import dev.bloop.service.web.ApiProblem;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
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
import java.util.Optional;

/** Alert rules and channels of the caller's project: {@code alerts:read} to read, {@code alerts:write} to change. */
@Path("/v1/alerts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class AlertsResource {
    private static final String BODY = "the body must be a JSON object";
    private final AlertService alerts;

    AlertsResource(AlertService alerts) {
        this.alerts = alerts;
    }

    @GET
    @RequiresScope(Scope.ALERTS_READ)
    public List<AlertRule> list(@Auth Caller caller) {
        return alerts.list(caller.project());
    }

    @POST
    @RequiresScope(Scope.ALERTS_WRITE)
    @ApiResponse(responseCode = "201", description = "the new rule",
            content = @Content(schema = @Schema(implementation = AlertRule.class)))
    public Response create(@Auth Caller caller, @NotNull(message = BODY) @Valid AlertRuleCreate body) {
        try {
            return Response.status(Response.Status.CREATED).entity(alerts.create(caller.project(), body)).build();
        } catch (InvalidAlertException e) {
            throw bad(e);
        }
    }

    @GET
    @Path("/{id}")
    @RequiresScope(Scope.ALERTS_READ)
    public AlertRule get(@Auth Caller caller, @PathParam("id") String id) {
        return found(id, alerts.get(caller.project(), parse(id)));
    }

    @PUT
    @Path("/{id}")
    @RequiresScope(Scope.ALERTS_WRITE)
    public AlertRule update(@Auth Caller caller, @PathParam("id") String id,
                            @NotNull(message = BODY) @Valid AlertRuleUpdate body) {
        try {
            return found(id, alerts.update(caller.project(), parse(id), body));
        } catch (InvalidAlertException e) {
            throw bad(e);
        }
    }

    @DELETE
    @Path("/{id}")
    @RequiresScope(Scope.ALERTS_WRITE)
    public AlertDeleted delete(@Auth Caller caller, @PathParam("id") String id) {
        long ruleId = parse(id);
        if (!alerts.delete(caller.project(), ruleId)) {
            throw notFound(id);
        }
        return new AlertDeleted(ruleId);
    }

    @GET
    @Path("/{id}/channels")
    @RequiresScope(Scope.ALERTS_READ)
    public List<AlertChannel> channels(@Auth Caller caller, @PathParam("id") String id) {
        return found(id, alerts.channels(caller.project(), parse(id)));
    }

    /** 201 with the channel; a Slack webhook URL is shown whole only here. */
    @POST
    @Path("/{id}/channels")
    @RequiresScope(Scope.ALERTS_WRITE)
    @ApiResponse(responseCode = "201", description = "the new channel (a Slack webhook URL is shown whole only here)",
            content = @Content(schema = @Schema(implementation = AlertChannel.class)))
    public Response addChannel(@Auth Caller caller, @PathParam("id") String id,
                               @NotNull(message = BODY) @Valid AlertChannelConfig body) {
        try {
            AlertChannel created = found(id, alerts.addChannel(caller.project(), parse(id), body));
            return Response.status(Response.Status.CREATED).entity(created).build();
        } catch (InvalidAlertException e) {
            throw bad(e);
        }
    }

    @DELETE
    @Path("/{id}/channels/{cid}")
    @RequiresScope(Scope.ALERTS_WRITE)
    public AlertDeleted deleteChannel(@Auth Caller caller, @PathParam("id") String id, @PathParam("cid") String cid) {
        long channelId = parse(cid);
        if (!alerts.deleteChannel(caller.project(), parse(id), channelId)) {
            throw ApiProblem.notFound("channel " + cid + " not found on rule " + id, null);
        }
        return new AlertDeleted(channelId);
    }

    @POST
    @Path("/{id}/test")
    @RequiresScope(Scope.ALERTS_WRITE)
    public AlertTestResults test(@Auth Caller caller, @PathParam("id") String id) {
        return found(id, alerts.test(caller.project(), parse(id)));
    }

    @GET
    @Path("/{id}/deliveries")
    @RequiresScope(Scope.ALERTS_READ)
    public List<AlertDelivery> deliveries(@Auth Caller caller, @PathParam("id") String id,
                                          @QueryParam("limit") String limit) {
        int n;
        try {
            n = limit == null ? 50 : Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > 200) {
            throw ApiProblem.badRequest("limit must be between 1 and 200", "limit");
        }
        return found(id, alerts.deliveries(caller.project(), parse(id), n));
    }

    /** The id, or -1 (matches no row) when it is not a number. */
    private static long parse(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static <T> T found(String id, Optional<T> body) {
        return body.orElseThrow(() -> notFound(id));
    }

    private static ApiProblem notFound(String id) {
        return ApiProblem.notFound("alert rule " + id + " not found", null);
    }

    private static ApiProblem bad(InvalidAlertException e) {
        return ApiProblem.badRequest(e.getMessage(), e.field());
    }
}
