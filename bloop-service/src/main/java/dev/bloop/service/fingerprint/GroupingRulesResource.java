package dev.bloop.service.fingerprint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.RequiresScope;
import dev.bloop.service.access.Scope;
import dev.bloop.service.project.Project;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.web.ApiProblem;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A project's in-app rules: {@code GET} and {@code PUT /v1/projects/{slug}/grouping}. Readable with
 * {@code errors:read}, changeable with {@code errors:write} (grouping decides what the issues are,
 * as triage does); a session may use them on projects it belongs to (admins: all). Any other project
 * answers 404, as if it did not exist. A change applies to events grouped from then on.
 */
@Path("/v1/projects/{slug}/grouping")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class GroupingRulesResource {
    static final int MAX_PREFIXES = 50;
    static final int MAX_PREFIX_LENGTH = 200;
    static final String INCLUDE = "in_app_include";
    static final String EXCLUDE = "in_app_exclude";

    private final ProjectStore projects;
    private final GroupingRules rules;

    public GroupingRulesResource(ProjectStore projects, GroupingRules rules) {
        this.projects = projects;
        this.rules = rules;
    }

    @GET
    @RequiresScope(Scope.ERRORS_READ)
    public Map<String, Object> get(@Auth Caller caller, @PathParam("slug") String slug) {
        Project p = project(caller, slug);
        return answer(p, rules.find(p.id()));
    }

    /**
     * Body {@code {"in_app_include": [...], "in_app_exclude": [...]}}: replaces both lists (a list left
     * out is empty). Each holds at most 50 prefixes of 1 to 200 characters; duplicates are dropped.
     */
    @PUT
    @RequiresScope(Scope.ERRORS_WRITE)
    public Map<String, Object> put(@Auth Caller caller, @PathParam("slug") String slug, JsonNode body) {
        Project p = project(caller, slug);
        if (body == null || !body.isObject()) {
            throw ApiProblem.badRequest("request body must be a JSON object with in_app_include and in_app_exclude "
                    + "lists", null);
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!INCLUDE.equals(f) && !EXCLUDE.equals(f)) {
                throw ApiProblem.badRequest("unknown field " + f + " (expected in_app_include, in_app_exclude)", f);
            }
        }
        List<String> include = prefixes(body.get(INCLUDE), INCLUDE);
        List<String> exclude = prefixes(body.get(EXCLUDE), EXCLUDE);
        for (int i = 0; i < exclude.size(); i++) {
            if (include.contains(exclude.get(i))) {
                throw ApiProblem.badRequest(exclude.get(i) + " is in both in_app_include and in_app_exclude",
                        EXCLUDE + "[" + i + "]");
            }
        }
        return answer(p, Optional.of(rules.save(p.id(), include, exclude, caller.getName())));
    }

    private Project project(Caller caller, String slug) {
        return projects.findByIdOrSlug(slug).filter(p -> caller.canAccess(p.id()))
                .orElseThrow(() -> ApiProblem.notFound("project not found: " + slug, "slug"));
    }

    private static List<String> prefixes(JsonNode list, String field) {
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw ApiProblem.badRequest(field + " must be a list of package or path prefixes", field);
        }
        if (list.size() > MAX_PREFIXES) {
            throw ApiProblem.badRequest(field + " holds at most " + MAX_PREFIXES + " prefixes", field);
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = field + "[" + i + "]";
            JsonNode item = list.get(i);
            if (!item.isTextual()) {
                throw ApiProblem.badRequest(at + " must be a string", at);
            }
            String prefix = item.asText().strip();
            if (prefix.isEmpty() || prefix.length() > MAX_PREFIX_LENGTH) {
                throw ApiProblem.badRequest(at + " must be 1 to " + MAX_PREFIX_LENGTH + " characters", at);
            }
            if (prefix.chars().anyMatch(Character::isISOControl)) {
                throw ApiProblem.badRequest(at + " must not contain control characters", at);
            }
            out.add(prefix);
        }
        return new ArrayList<>(out);
    }

    private static Map<String, Object> answer(Project p, Optional<GroupingRulesStore.Stored> stored) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("project_id", p.id());
        out.put("slug", p.slug());
        out.put(INCLUDE, stored.map(s -> s.rules().include()).orElse(List.of()));
        out.put(EXCLUDE, stored.map(s -> s.rules().exclude()).orElse(List.of()));
        out.put("rules_version", stored.map(s -> s.rules().version()).orElse(0));
        out.put("grouping_version", Fingerprinter.VERSION);
        out.put("updated_at", stored.map(GroupingRulesStore.Stored::updatedAt).orElse(null));
        out.put("updated_by", stored.map(GroupingRulesStore.Stored::updatedBy).orElse(null));
        return out;
    }
}
