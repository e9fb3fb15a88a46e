package dev.bloop.service.ingest;

import dev.bloop.api.IngestPolicy;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.Roles;
import dev.bloop.service.project.Project;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.web.ApiProblem;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

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
    public IngestPolicy.View put(@Auth Caller caller, @PathParam("slug") String slug,
                                 @NotNull(message = "request body must be a JSON object") @Valid IngestPolicy policy) {
        Project p = visible(caller, slug);
        if (policy.burst() != null && policy.eventsPerMinute() == null) {
            throw ApiProblem.badRequest("burst needs events_per_minute", "burst");
        }
        policies.put(p.id(), policy, System.currentTimeMillis());
        return new IngestPolicy.View(policy, ledger.last24h(p.id()));
    }

    private Project visible(Caller caller, String slug) {
        return projects.findBySlug(slug).or(() -> projects.findById(slug))
                .filter(p -> caller.canAccess(p.id()))
                .orElseThrow(() -> ApiProblem.notFound("no project " + slug, "slug"));
    }
}
