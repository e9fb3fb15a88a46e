package dev.bloop.service.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.DeadLetter;
import dev.bloop.api.Page;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.Roles;
import dev.bloop.service.pipeline.DeadLetters;
import dev.bloop.service.pipeline.EventQueue;
import dev.bloop.service.web.ApiProblem;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.util.List;

/**
 * Admin-only view of the dead-letter table ({@code /v1/admin/dead-letters}): what failed and why,
 * replay after a fix, delete. Replayed events go through the queue to the writer like new ones.
 */
@Path("/v1/admin/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public final class DeadLettersResource {
    private static final int MAX_LIMIT = 200;
    private static final int MAX_REPLAY = 1_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeadLetters letters;
    private final EventQueue queue;

    public DeadLettersResource(DeadLetters letters, EventQueue queue) {
        this.letters = letters;
        this.queue = queue;
    }

    /** Newest first; the total in {@code X-Total-Count}. */
    @GET
    public Page<DeadLetter> list(@Auth Caller caller, @QueryParam("project_id") String projectId,
                                 @QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        int l = bounded("limit", limit, 50, 1, MAX_LIMIT);
        int o = bounded("offset", offset, 0, 0, Integer.MAX_VALUE);
        String project = projectId == null || projectId.isBlank() ? null : projectId;
        List<DeadLetter> page = letters.list(project, l, o).stream()
                .map(x -> new DeadLetter(x.id(), x.projectId(), x.receivedAt(), x.failedAt(), x.error(), parse(x.event())))
                .toList();
        return new Page<>(page, letters.total(project));
    }

    @POST
    @Path("/replay")
    public DeadLetter.Replayed replay(@Auth Caller caller, DeadLetter.Replay body) {
        if (body == null || (body.ids() == null) == !Boolean.TRUE.equals(body.all())) {
            throw ApiProblem.badRequest("give either ids (a list of dead-letter ids) or \"all\": true", "ids");
        }
        if (body.ids() != null && (body.ids().isEmpty() || body.ids().size() > MAX_REPLAY)) {
            throw ApiProblem.badRequest("ids must hold 1 to " + MAX_REPLAY + " ids", "ids");
        }
        int n = letters.replay(body.ids(), MAX_REPLAY, queue);
        if (n < 0) {
            throw new ApiProblem(429, "the ingest queue has no room for these events now; nothing was replayed, "
                    + "retry later", null);
        }
        return new DeadLetter.Replayed(n);
    }

    @DELETE
    @Path("/{id}")
    public void delete(@Auth Caller caller, @PathParam("id") String id) {
        long key;
        try {
            key = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest("id must be a dead-letter id (an integer)", "id");
        }
        if (!letters.delete(key)) {
            throw ApiProblem.notFound("no dead letter " + key, "id");
        }
    }

    private static JsonNode parse(String event) {
        try {
            return JSON.readTree(event);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(event);
        }
    }

    private static int bounded(String name, String raw, int fallback, int min, int max) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(raw.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiProblem.badRequest(name + " must be an integer between " + min + " and " + max, name);
    }
}
