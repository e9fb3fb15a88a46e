package dev.bloop.service.analytics;

import dev.bloop.service.web.JsonResponses;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Registered instead of the analytics routes when the module is off: says how to turn it on. */
@Path("/v1/analytics")
@Produces(MediaType.APPLICATION_JSON)
public final class AnalyticsOffResource {
    static final String HOW_TO_TURN_ON = "analytics is off on this server: set analytics.enabled: true in "
            + "config.yml (or BLOOP__ANALYTICS__ENABLED=true) and restart bloop";

    @GET
    @Path("{any: .*}")
    public Response off() {
        return JsonResponses.notFound(HOW_TO_TURN_ON);
    }
}
