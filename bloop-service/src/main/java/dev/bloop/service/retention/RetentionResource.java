package dev.bloop.service.retention;

import dev.bloop.api.PurgeReport;
import dev.bloop.api.Retention;
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
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Admin-only retention settings, storage figures and purge-now ({@code /v1/admin/retention}). */
@Path("/v1/admin/retention")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public final class RetentionResource {
    private final PurgeService purge;
    private final ProjectStore projects;

    public RetentionResource(PurgeService purge, ProjectStore projects) {
        this.purge = purge;
        this.projects = projects;
    }

    @GET
    public Retention get(@Auth Caller caller) {
        return settings(null);
    }

    /** Days are 1..3650; a project's 0 or null removes its override. Everything is checked before anything is saved. */
    @PUT
    public Retention put(@Auth Caller caller,
                         @NotNull(message = "request body must be a JSON object") @Valid Retention.RetentionUpdate body) {
        Map<String, Integer> perProject = new LinkedHashMap<>();
        List<Retention.ProjectDays> list = body.perProject() == null ? List.of() : body.perProject();
        for (int i = 0; i < list.size(); i++) {
            Retention.ProjectDays item = list.get(i);
            String at = "per_project[" + i + "]";
            String id = projects.findByIdOrSlug(item.projectId()).map(Project::id)
                    .orElseThrow(() -> ApiProblem.badRequest("project not found: " + item.projectId(),
                            at + ".project_id"));
            Integer days = item.rawEventsDays();
            perProject.put(id, days == null || days == 0 ? null : days);
        }
        RetentionStore store = purge.store();
        if (body.rawEventsDays() != null) {
            store.setGlobal(RetentionStore.RAW_EVENTS_DAYS, body.rawEventsDays());
        }
        if (body.hourlyCountsDays() != null) {
            store.setGlobal(RetentionStore.HOURLY_COUNTS_DAYS, body.hourlyCountsDays());
        }
        perProject.forEach(store::setProject);
        return settings("ok");
    }

    /** Purge now by the policy and report. */
    @POST
    @Path("/purge")
    public Retention.Purged purgeNow(@Auth Caller caller,
                                     @NotNull(message = "request body must contain {\"confirm\": true}") @Valid
                                     Retention.PurgeRequest body) {
        boolean dryRun = Boolean.TRUE.equals(body.dryRun());
        PurgeReport report = purge.purge(new PurgeService.Options(null, null, dryRun), "api:" + caller.getName(),
                line -> { });
        return new Retention.Purged("ok", report);
    }

    private Retention settings(String status) {
        RetentionStore store = purge.store();
        RetentionStore.Policy policy = store.policy(purge.config());
        Map<String, Long> rawByProject = store.rawEventsByProject();
        List<Retention.ProjectRetention> perProject = new ArrayList<>();
        for (Project p : projects.list()) {
            perProject.add(new Retention.ProjectRetention(p.id(), p.slug(), p.name(), policy.perProject().get(p.id()),
                    policy.rawDaysFor(p.id()), rawByProject.getOrDefault(p.id(), 0L)));
        }
        return new Retention(status, new Retention.Days(policy.rawEventsDays(), policy.hourlyCountsDays()),
                new Retention.Days(purge.config().getRawEventsDays(), purge.config().getHourlyCountsDays()),
                perProject, store.storage(), store.lastRun().orElse(null));
    }
}
