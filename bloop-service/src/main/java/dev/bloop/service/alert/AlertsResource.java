package dev.bloop.service.alert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.RequiresScope;
import dev.bloop.service.access.Scope;
import dev.bloop.service.web.JsonResponses;
import io.dropwizard.auth.Auth;
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
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Alert rules and channels of the caller's project: {@code alerts:read} to read, {@code alerts:write} to change. */
@Path("/v1/alerts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class AlertsResource {
    private final AlertService alerts;

    AlertsResource(AlertService alerts) {
        this.alerts = alerts;
    }

    @GET
    @RequiresScope(Scope.ALERTS_READ)
    public Response list(@Auth Caller caller) {
        return Response.ok(alerts.list(caller.project())).build();
    }

    @POST
    @RequiresScope(Scope.ALERTS_WRITE)
    public Response create(@Auth Caller caller, JsonNode body) {
        try {
            return Response.status(Response.Status.CREATED).entity(alerts.create(caller.project(), body)).build();
        } catch (InvalidAlertException e) {
            return bad(e);
        }
    }

    @GET
    @Path("/{id}")
    @RequiresScope(Scope.ALERTS_READ)
    public Response get(@Auth Caller caller, @PathParam("id") String id) {
        return found(id, () -> alerts.get(caller.project(), parse(id)));
    }

    @PUT
    @Path("/{id}")
    @RequiresScope(Scope.ALERTS_WRITE)
    public Response update(@Auth Caller caller, @PathParam("id") String id, JsonNode body) {
        try {
            long ruleId = parse(id);
            return ruleId < 0 ? notFound(id) : alerts.update(caller.project(), ruleId, body)
                    .map(r -> Response.ok(r).build()).orElseGet(() -> notFound(id));
        } catch (InvalidAlertException e) {
            return bad(e);
        }
    }

    @DELETE
    @Path("/{id}")
    @RequiresScope(Scope.ALERTS_WRITE)
    public Response delete(@Auth Caller caller, @PathParam("id") String id) {
        long ruleId = parse(id);
        return ruleId >= 0 && alerts.delete(caller.project(), ruleId)
                ? Response.ok(Map.of("deleted", ruleId)).build() : notFound(id);
    }

    @GET
    @Path("/{id}/channels")
    @RequiresScope(Scope.ALERTS_READ)
    public Response channels(@Auth Caller caller, @PathParam("id") String id) {
        return found(id, () -> alerts.channels(caller.project(), parse(id)));
    }

    @POST
    @Path("/{id}/channels")
    @RequiresScope(Scope.ALERTS_WRITE)
    public Response addChannel(@Auth Caller caller, @PathParam("id") String id, JsonNode body) {
        try {
            long ruleId = parse(id);
            return ruleId < 0 ? notFound(id) : alerts.addChannel(caller.project(), ruleId, body)
                    .map(c -> Response.status(Response.Status.CREATED).entity(c).build()).orElseGet(() -> notFound(id));
        } catch (InvalidAlertException e) {
            return bad(e);
        }
    }

    @DELETE
    @Path("/{id}/channels/{cid}")
    @RequiresScope(Scope.ALERTS_WRITE)
    public Response deleteChannel(@Auth Caller caller, @PathParam("id") String id, @PathParam("cid") String cid) {
        long ruleId = parse(id);
        long channelId = parse(cid);
        return ruleId >= 0 && channelId >= 0 && alerts.deleteChannel(caller.project(), ruleId, channelId)
                ? Response.ok(Map.of("deleted", channelId)).build()
                : JsonResponses.notFound("channel " + cid + " not found on rule " + id);
    }

    @POST
    @Path("/{id}/test")
    @RequiresScope(Scope.ALERTS_WRITE)
    public Response test(@Auth Caller caller, @PathParam("id") String id) {
        return found(id, () -> alerts.test(caller.project(), parse(id)).map(results -> Map.of("results", results)));
    }

    @GET
    @Path("/{id}/deliveries")
    @RequiresScope(Scope.ALERTS_READ)
    public Response deliveries(@Auth Caller caller, @PathParam("id") String id, @QueryParam("limit") String limit) {
        int n;
        try {
            n = limit == null ? 50 : Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > 200) {
            return JsonResponses.badRequest("limit must be between 1 and 200", "limit");
        }
        int finalN = n;
        return found(id, () -> alerts.deliveries(caller.project(), parse(id), finalN));
    }

    private static long parse(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Response found(String id, Supplier<? extends Optional<?>> body) {
        if (parse(id) < 0) {
            return notFound(id);
        }
        return body.get().map(b -> Response.ok(b).build()).orElseGet(() -> notFound(id));
    }

    private static Response notFound(String id) {
        return JsonResponses.notFound("alert rule " + id + " not found");
    }

    private static Response bad(InvalidAlertException e) {
        return JsonResponses.badRequest(e.getMessage(), e.field());
    }
}
