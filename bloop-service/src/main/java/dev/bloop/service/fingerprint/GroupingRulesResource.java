package dev.bloop.service.fingerprint;

import dev.bloop.api.InAppRules;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.RequiresScope;
import dev.bloop.service.access.Scope;
import dev.bloop.service.project.Project;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.web.ApiProblem;
import io.dropwizard.auth.Auth;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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
    public InAppRules get(@Auth Caller caller, @PathParam("slug") String slug) {
        Project p = project(caller, slug);
        return answer(p, rules.find(p.id()));
    }

    /**
     * Body {@code {"in_app_include": [...], "in_app_exclude": [...]}}: replaces both lists (a list left
     * out is empty). Each holds at most 50 prefixes of 1 to 200 characters; duplicates are dropped.
     */
    @PUT
    @RequiresScope(Scope.ERRORS_WRITE)
    public InAppRules put(@Auth Caller caller, @PathParam("slug") String slug,
                          @NotNull(message = "request body must be a JSON object with in_app_include and "
                                  + "in_app_exclude lists") @Valid InAppRules.InAppRulesUpdate body) {
        Project p = project(caller, slug);
        List<String> include = prefixes(body.inAppInclude(), INCLUDE);
        List<String> exclude = prefixes(body.inAppExclude(), EXCLUDE);
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

    private static List<String> prefixes(List<String> list, String field) {
        if (list == null) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = field + "[" + i + "]";
            String item = list.get(i);
            if (item == null) {
                throw ApiProblem.badRequest(at + " must be a string", at);
            }
            String prefix = item.strip();
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

    private static InAppRules answer(Project p, Optional<GroupingRulesStore.Stored> stored) {
        return new InAppRules(p.id(), p.slug(), stored.map(s -> s.rules().include()).orElse(List.of()),
                stored.map(s -> s.rules().exclude()).orElse(List.of()), stored.map(s -> s.rules().version()).orElse(0),
                Fingerprinter.VERSION, stored.map(GroupingRulesStore.Stored::updatedAt).orElse(null),
                stored.map(GroupingRulesStore.Stored::updatedBy).orElse(null));
    }
}
