package dev.bloop.service.llm;

import dev.bloop.api.ApiError;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** While LLM tracing is off, its routes answer 404 with a sentence saying how to turn it on. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public final class TurnedOff {
    static final String SENTENCE = "LLM tracing is turned off on this server: set llm_tracing.enabled: true in "
            + "config.yml (or the environment variable BLOOP__LLM_TRACING__ENABLED=true) and restart bloop";

    private static Response off() {
        return Response.status(404).type(MediaType.APPLICATION_JSON_TYPE).entity(ApiError.of(SENTENCE)).build();
    }

    @GET
    @Path("{path: (llm|traces|otlp|proxy)(/.*)?}")
    public Response get() {
        return off();
    }

    // The body is read (and dropped) before answering: a body left unread makes Jetty close the connection
    // after the answer, which a keep-alive client may already be reusing.
    @POST
    @Path("{path: (llm|traces|otlp|proxy)(/.*)?}")
    public Response post(byte[] body) {
        return off();
    }

    @PUT
    @Path("{path: (llm|traces|otlp|proxy)(/.*)?}")
    public Response put(byte[] body) {
        return off();
    }

    @DELETE
    @Path("{path: (llm|traces|otlp|proxy)(/.*)?}")
    public Response delete() {
        return off();
    }

    @OPTIONS
    @Path("{path: (llm|traces|otlp|proxy)(/.*)?}")
    public Response options() {
        return off();
    }
}
