package dev.bloop.service.retention;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.Roles;
import dev.bloop.service.project.Project;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.web.ApiProblem;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Admin-only retention settings, storage figures and purge-now ({@code /v1/admin/retention}). */
@Path("/v1/admin/retention")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public final class RetentionResource {
    private static final Set<String> TOP_FIELDS = Set.of("raw_events_days", "hourly_counts_days", "per_project");
    private final PurgeService purge;
    private final ProjectStore projects;

    public RetentionResource(PurgeService purge, ProjectStore projects) {
        this.purge = purge;
        this.projects = projects;
    }

    @GET
    public Map<String, Object> get(@Auth Caller caller) {
        caller.requireAdmin();
        RetentionStore store = purge.store();
        RetentionStore.Policy policy = store.policy(purge.config());
        Map<String, Long> rawByProject = store.rawEventsByProject();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("global", Map.of("raw_events_days", policy.rawEventsDays(),
                "hourly_counts_days", policy.hourlyCountsDays()));
        out.put("defaults", Map.of("raw_events_days", purge.config().getRawEventsDays(),
                "hourly_counts_days", purge.config().getHourlyCountsDays()));
        List<Map<String, Object>> perProject = new ArrayList<>();
        for (Project p : projects.list()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("project_id", p.id());
            row.put("slug", p.slug());
            row.put("project_name", p.name());
            row.put("raw_events_days", policy.perProject().get(p.id()));
            row.put("effective_raw_events_days", policy.rawDaysFor(p.id()));
            row.put("raw_events_count", rawByProject.getOrDefault(p.id(), 0L));
            perProject.add(row);
        }
        out.put("per_project", perProject);
        out.put("storage", store.storage());
        out.put("last_purge", store.lastRun().orElse(null));
        return out;
    }

    /**
     * Body: {@code {"raw_events_days"?, "hourly_counts_days"?, "per_project"?: [{"project_id", "raw_events_days"}]}}.
     * Days are 1..3650; a project's 0 or null removes its override. Everything is checked before anything is saved.
     */
    @PUT
    public Map<String, Object> put(@Auth Caller caller, JsonNode body) {
        caller.requireAdmin();
        if (body == null || !body.isObject()) {
            throw ApiProblem.badRequest("request body must be a JSON object", null);
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!TOP_FIELDS.contains(f)) {
                throw ApiProblem.badRequest("unknown field " + f + " (expected raw_events_days, hourly_counts_days, "
                        + "per_project)", f);
            }
        }
        Integer raw = days(body.get("raw_events_days"), "raw_events_days", false);
        Integer hourly = days(body.get("hourly_counts_days"), "hourly_counts_days", false);
        Map<String, Integer> perProject = new LinkedHashMap<>();
        JsonNode list = body.get("per_project");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw ApiProblem.badRequest("per_project must be a list of {project_id, raw_events_days}", "per_project");
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode item = list.get(i);
                String at = "per_project[" + i + "]";
                if (!item.isObject() || !item.path("project_id").isTextual()) {
                    throw ApiProblem.badRequest(at + ".project_id is required", at + ".project_id");
                }
                String id = projects.findByIdOrSlug(item.get("project_id").asText()).map(Project::id)
                        .orElseThrow(() -> ApiProblem.badRequest("project not found: " + item.get("project_id").asText(),
                                at + ".project_id"));
                perProject.put(id, days(item.get("raw_events_days"), at + ".raw_events_days", true));
            }
        }
        RetentionStore store = purge.store();
        if (raw != null) {
            store.setGlobal(RetentionStore.RAW_EVENTS_DAYS, raw);
        }
        if (hourly != null) {
            store.setGlobal(RetentionStore.HOURLY_COUNTS_DAYS, hourly);
        }
        perProject.forEach(store::setProject);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "ok");
        out.putAll(get(caller));
        return out;
    }

    /** Body {@code {"confirm": true, "dry_run"?: false}}: purge now by the policy and report. */
    @POST
    @Path("/purge")
    public Map<String, Object> purgeNow(@Auth Caller caller, JsonNode body) {
        caller.requireAdmin();
        JsonNode confirm = body == null || !body.isObject() ? null : body.get("confirm");
        if (confirm == null || !confirm.isBoolean()) {
            throw ApiProblem.badRequest("request body must contain {\"confirm\": true}", "confirm");
        }
        if (!confirm.booleanValue()) {
            throw ApiProblem.badRequest("confirm must be true", "confirm");
        }
        boolean dryRun = body.path("dry_run").asBoolean(false);
        PurgeReport report = purge.purge(new PurgeService.Options(null, null, dryRun), "api:" + caller.getName(),
                line -> { });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "ok");
        out.put("dry_run", report.dryRun());
        out.put("raw_events_deleted", report.rawEventsDeleted());
        out.put("samples_deleted", report.samplesDeleted());
        out.put("hourly_counts_deleted", report.hourlyCountsDeleted());
        out.put("freed_bytes", report.freedBytes());
        out.put("duration_ms", report.durationMs());
        out.put("projects", report.projects());
        return out;
    }

    private static Integer days(JsonNode v, String field, boolean zeroRemoves) {
        if (v == null || v.isNull()) {
            return null; // globals: unchanged; a project: its override removed
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ApiProblem.badRequest(field + " must be a whole number of days", field);
        }
        int d = v.asInt();
        if (zeroRemoves && d == 0) {
            return null;
        }
        if (d < 1 || d > RetentionConfig.MAX_DAYS) {
            throw ApiProblem.badRequest(field + " must be between 1 and " + RetentionConfig.MAX_DAYS
                    + (zeroRemoves ? " (or 0 to use the global value)" : ""), field);
        }
        return d;
    }
}
