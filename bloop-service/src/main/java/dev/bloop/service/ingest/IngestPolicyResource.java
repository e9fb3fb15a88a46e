package dev.bloop.service.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.api.IngestPolicy;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.Roles;
import dev.bloop.service.project.Project;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.web.ApiProblem;
import dev.bloop.service.web.JsonBodies;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A project's ingest quota and inbound filters ({@code /v1/projects/{slug}/ingest}), for its members
 * (and admins), with what ingest refused or dropped for it in the last 24 hours. PUT replaces the
 * whole policy; fields left out (or null) mean no limit.
 */
@Path("/v1/projects/{slug}/ingest")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.PEOPLE)
public final class IngestPolicyResource {
    private static final Set<String> FIELDS = Set.of("events_per_minute", "burst", "releases", "environments",
            "max_age_days");
    private static final int MAX_RATE = 10_000_000;
    private static final int MAX_VALUES = 100;
    private static final int MAX_VALUE_CHARS = 200;

    private final ProjectStore projects;
    private final IngestPolicies policies;
    private final IngestLedger ledger;

    public IngestPolicyResource(ProjectStore projects, IngestPolicies policies, IngestLedger ledger) {
        this.projects = projects;
        this.policies = policies;
        this.ledger = ledger;
    }

    @GET
    public IngestPolicy.View get(@Auth Caller caller, @PathParam("slug") String slug) {
        Project p = visible(caller, slug);
        return new IngestPolicy.View(policies.get(p.id()), ledger.last24h(p.id()));
    }

    @PUT
    public IngestPolicy.View put(@Auth Caller caller, @PathParam("slug") String slug, JsonNode body) {
        Project p = visible(caller, slug);
        IngestPolicy policy = parse(body);
        policies.put(p.id(), policy, System.currentTimeMillis());
        return new IngestPolicy.View(policy, ledger.last24h(p.id()));
    }

    private Project visible(Caller caller, String slug) {
        caller.requireSession();
        return projects.findBySlug(slug).or(() -> projects.findById(slug))
                .filter(p -> caller.canAccess(p.id()))
                .orElseThrow(() -> ApiProblem.notFound("no project " + slug, "slug"));
    }

    static IngestPolicy parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiProblem.badRequest("request body must be a JSON object", null);
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw ApiProblem.badRequest("unknown field " + f + " (expected events_per_minute, burst, releases, "
                        + "environments, max_age_days)", f);
            }
        }
        Integer rate = whole(body, "events_per_minute", 1, MAX_RATE);
        Integer burst = whole(body, "burst", 1, MAX_RATE);
        if (burst != null && rate == null) {
            throw ApiProblem.badRequest("burst needs events_per_minute", "burst");
        }
        return new IngestPolicy(rate, burst, values(body, "releases"), values(body, "environments"),
                whole(body, "max_age_days", 1, 3650));
    }

    private static Integer whole(JsonNode body, String field, int min, int max) {
        JsonNode v = JsonBodies.field(body, field);
        if (v == null) {
            return null;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < min || v.intValue() > max) {
            throw ApiProblem.badRequest(field + " must be a whole number from " + min + " to " + max + ", or null", field);
        }
        return v.intValue();
    }

    private static List<String> values(JsonNode body, String field) {
        JsonNode v = JsonBodies.field(body, field);
        if (v == null) {
            return null;
        }
        if (!v.isArray() || v.isEmpty() || v.size() > MAX_VALUES) {
            throw ApiProblem.badRequest(field + " must be a list of 1 to " + MAX_VALUES + " names, or null (no filter)",
                    field);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual() || item.asText().isBlank() || item.asText().length() > MAX_VALUE_CHARS) {
                throw ApiProblem.badRequest(field + " entries must be non-empty strings of at most " + MAX_VALUE_CHARS
                        + " characters", field);
            }
            out.add(item.asText());
        }
        return out;
    }
}
