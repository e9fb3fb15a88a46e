package dev.bloop.service.errors;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.AssigneeChange;
import dev.bloop.api.AssigneeUpdate;
import dev.bloop.api.BulkAction;
import dev.bloop.api.BulkResult;
import dev.bloop.api.Comment;
import dev.bloop.api.CommentCreate;
import dev.bloop.api.ErrorFacets;
import dev.bloop.api.ErrorGroup;
import dev.bloop.api.ErrorGroupDetail;
import dev.bloop.api.ErrorStats;
import dev.bloop.api.HourlyCount;
import dev.bloop.api.Occurrence;
import dev.bloop.api.Page;
import dev.bloop.api.ReleaseSummary;
import dev.bloop.api.StatusChange;
import dev.bloop.api.StatusUpdate;
import dev.bloop.api.TagBreakdown;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.RequiresScope;
import dev.bloop.service.access.Scope;
import dev.bloop.service.releases.ReleaseHealthStore;
import dev.bloop.service.sourcemap.Symbolicator;
import dev.bloop.service.store.Database;
import dev.bloop.service.web.ApiProblem;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The query API over error groups: list, detail, occurrences, triage, history, trends, stats and
 * per-release lists. HTTP only: parse, authorize, map. A caller only ever sees its own project.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public final class ErrorsResource {
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{16}");
    private static final int MAX_TREND_HOURS = 720;
    private static final int DEFAULT_TREND_HOURS = 72;
    private static final int MAX_TEXT = 512;
    private static final String BODY = "request body must be a JSON object";
    private static final String ALL_PROJECTS = "all";
    private static final String RESOLVE_IN_NEXT_RELEASE = "resolve_in_next_release";
    /** Bulk actions that set a status, and the status each sets; {@code assign} is the other one. */
    private static final Map<String, String> BULK_STATUSES = Map.of("resolve", "resolved",
            RESOLVE_IN_NEXT_RELEASE, "resolved", "ignore", "ignored", "mute", "muted", "unresolve", "unresolved");
    private static final String ASSIGN = "assign";

    private final ErrorQueries queries;
    private final FacetQueries facets;
    private final TagQueries tags;
    private final StatusService statuses;
    private final Comments comments;
    private final BulkTriage bulk;
    private final ReleaseHealthStore releaseHealth;

    public ErrorsResource(Database db, ObjectMapper json, Symbolicator symbolicator) {
        this(db, json, symbolicator, null);
    }

    /** @param releaseHealth sessions per release (null: releases carry no health) */
    public ErrorsResource(Database db, ObjectMapper json, Symbolicator symbolicator, ReleaseHealthStore releaseHealth) {
        this.queries = new ErrorQueries(db, json, symbolicator);
        this.facets = new FacetQueries(db);
        this.tags = new TagQueries(db, json);
        this.statuses = new StatusService(db);
        this.comments = new Comments(db);
        this.bulk = new BulkTriage(statuses);
        this.releaseHealth = releaseHealth;
    }

    /**
     * Release, environment, source and route may repeat: any of the values matches. {@code assigned}:
     * {@code me}, {@code none} or a username. {@code sparkline=24h|14d} adds hourly/daily counts to each
     * row. {@code project_id=all} (sessions): every project the user belongs to (an admin: every project).
     */
    @GET
    @Path("/errors")
    @RequiresScope(Scope.ERRORS_READ)
    public Page<ErrorGroup> list(@Auth Caller caller,
                         @QueryParam("release") List<String> release, @QueryParam("environment") List<String> environment,
                         @QueryParam("source") List<String> source, @QueryParam("route") List<String> route,
                         @QueryParam("status") String status, @QueryParam("q") String q,
                         @QueryParam("since") String since, @QueryParam("until") String until,
                         @QueryParam("assigned") String assigned, @QueryParam("sparkline") String sparkline,
                         @QueryParam("sort") String sort, @QueryParam("limit") String limit,
                         @QueryParam("offset") String offset, @QueryParam("project_id") String projectId) {
        Sparkline spark = Sparkline.parse(sparkline);
        List<String> projects = projects(caller, projectId);
        GroupFilter filter = new GroupFilter(projects,
                Params.texts("release", release, MAX_TEXT), Params.texts("environment", environment, MAX_TEXT),
                Params.texts("source", source, MAX_TEXT), Params.texts("route", route, MAX_TEXT),
                Params.status(status), Params.text("q", q, MAX_TEXT),
                Params.optionalLong("since", since), Params.optionalLong("until", until), assigned(caller, assigned),
                GroupSort.parse(sort, GroupSort.LAST_SEEN), limit(limit), offset(offset), false);
        if (projects.isEmpty()) {
            return new Page<>(List.of(), 0);
        }
        Page<ErrorGroup> page = queries.list(filter);
        return spark == null ? page : queries.withSparklines(page, spark, System.currentTimeMillis());
    }

    /** The caller's project; with {@code project_id=all}, a session's every project (sorted, maybe none). */
    private List<String> projects(Caller caller, String projectId) {
        if (ALL_PROJECTS.equals(projectId) && caller.isSession()) {
            if (caller.user().admin()) {
                return queries.allProjectIds();
            }
            return caller.member().projectIds().stream().sorted().toList();
        }
        return List.of(caller.project());
    }

    /** {@code assigned}: null (no filter), nobody, or a user's id. */
    private String assigned(Caller caller, String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String value = raw.trim();
        if (value.equals("none")) {
            return GroupFilter.NOBODY;
        }
        if (value.equals("me")) {
            if (!caller.isSession()) {
                throw new BadParameterException("assigned", "assigned=me needs a dashboard session; "
                        + "an API token names the user: assigned=<username>");
            }
            return caller.user().id();
        }
        return statuses.user(value).map(StatusService.Assignee::id).orElseThrow(() -> new BadParameterException(
                "assigned", "assigned must be me, none or a username; there is no user " + abbreviate(value)));
    }

    /**
     * Puts a member of the project (or an admin) on the issue, or nobody ({@code "assignee": null}).
     * Recorded in the history with the actor.
     */
    @POST
    @Path("/errors/{fingerprint}/assign")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresScope(Scope.ERRORS_WRITE)
    public AssigneeUpdate assign(@Auth Caller caller, @PathParam("fingerprint") String fingerprint,
                                 @NotNull(message = BODY) @Valid AssigneeChange body) {
        String fp = fingerprint(fingerprint);
        StatusService.Assignee who = assignee(caller.project(), body.assignee());
        return statuses.assign(caller.project(), fp, who, caller.getName()).orElseThrow(() -> notFound(fp));
    }

    /** A comment (plain text) on the issue; it shows in the history. */
    @POST
    @Path("/errors/{fingerprint}/comments")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresScope(Scope.ERRORS_WRITE)
    @ApiResponse(responseCode = "201", description = "the comment, as stored",
            content = @Content(schema = @Schema(implementation = Comment.class)))
    public jakarta.ws.rs.core.Response comment(@Auth Caller caller, @PathParam("fingerprint") String fingerprint,
                                               @NotNull(message = BODY) @Valid CommentCreate body) {
        String fp = fingerprint(fingerprint);
        Comment c = comments.add(caller.project(), fp, caller.getName(), body.body()).orElseThrow(() -> notFound(fp));
        return jakarta.ws.rs.core.Response.status(201).entity(c).build();
    }

    /**
     * One action on many issues of the caller's project: named by {@code fingerprints} or matched by
     * {@code filter}. Answers how many changed and how many were skipped (already so, or not an issue of
     * this project: {@code not_found}).
     */
    @POST
    @Path("/errors/bulk")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresScope(Scope.ERRORS_WRITE)
    public BulkResult bulk(@Auth Caller caller, @NotNull(message = BODY) @Valid BulkAction body) {
        String project = caller.project();
        if (body.action() == null || !(BULK_STATUSES.containsKey(body.action()) || ASSIGN.equals(body.action()))) {
            throw ApiProblem.badRequest("action must be one of resolve, resolve_in_next_release, ignore, mute, "
                    + "unresolve, assign", "action");
        }
        String status = BULK_STATUSES.get(body.action()); // null: assign
        if (status != null && body.assignee() != null) {
            throw ApiProblem.badRequest("assignee is only for the assign action", "assignee");
        }
        StatusService.Assignee who = status == null ? assignee(project, body.assignee()) : null;
        if ((body.fingerprints() == null) == (body.filter() == null)) {
            throw ApiProblem.badRequest("send either fingerprints or filter", body.fingerprints() == null
                    ? "fingerprints" : "filter");
        }
        List<String> fps;
        if (body.fingerprints() != null) {
            if (body.fingerprints().size() > BulkTriage.MAX_FINGERPRINTS) {
                throw ApiProblem.badRequest("fingerprints takes at most " + BulkTriage.MAX_FINGERPRINTS
                        + " values; use filter for more", "fingerprints");
            }
            LinkedHashSet<String> distinct = new LinkedHashSet<>();
            for (String fp : body.fingerprints()) {
                if (fp == null || fp.length() > MAX_TEXT) {
                    throw ApiProblem.badRequest("fingerprints must be strings of at most " + MAX_TEXT
                            + " characters", "fingerprints");
                }
                distinct.add(fingerprint(fp));
            }
            fps = new ArrayList<>(distinct);
        } else {
            fps = matching(caller, project, body.filter());
        }
        return bulk.apply(project, body.action(), status, RESOLVE_IN_NEXT_RELEASE.equals(body.action()), who, fps,
                caller.getName());
    }

    /** The fingerprints of every issue of the project that the list would show for this filter. */
    private List<String> matching(Caller caller, String project, BulkAction.Filter f) {
        GroupFilter filter;
        try {
            filter = new GroupFilter(List.of(project),
                    Params.texts("release", f.release(), MAX_TEXT), Params.texts("environment", f.environment(), MAX_TEXT),
                    Params.texts("source", f.source(), MAX_TEXT), Params.texts("route", f.route(), MAX_TEXT),
                    Params.status(f.status()), Params.text("q", f.q(), MAX_TEXT), f.since(), f.until(),
                    assigned(caller, f.assigned()), GroupSort.LAST_SEEN, BulkTriage.MAX_MATCHES, 0, false);
        } catch (BadParameterException e) {
            throw ApiProblem.badRequest(e.getMessage(), "filter." + e.parameter());
        }
        Page<ErrorGroup> page = queries.list(filter);
        if (page.total() > BulkTriage.MAX_MATCHES) {
            throw ApiProblem.badRequest("the filter matches " + page.total() + " issues; a bulk request changes at most "
                    + BulkTriage.MAX_MATCHES + ": narrow the filter", "filter");
        }
        return page.items().stream().map(ErrorGroup::fingerprint).toList();
    }

    /** The member (or admin) named, or nobody for null; 400 naming {@code assignee} otherwise. */
    private StatusService.Assignee assignee(String project, String username) {
        if (username == null) {
            return null;
        }
        return statuses.assignable(project, username.trim()).orElseThrow(() -> ApiProblem.badRequest(
                "assignee must be a member of this project (or an admin); " + abbreviate(username.trim())
                        + " is not", "assignee"));
    }

    private static String abbreviate(String raw) {
        return "'" + (raw.length() > 40 ? raw.substring(0, 40) + "..." : raw) + "'";
    }

    /** The values the list's filters can take in this project, with their issues and events. */
    @GET
    @Path("/errors/facets")
    @RequiresScope(Scope.ERRORS_READ)
    public ErrorFacets facets(@Auth Caller caller, @QueryParam("limit") String limit) {
        int n = Params.intParam("limit", limit, FacetQueries.DEFAULT_LIMIT, 1, FacetQueries.MAX_LIMIT);
        return facets.facets(caller.project(), n);
    }

    /** {@code new=true}: only the groups whose first event came in this release. */
    @GET
    @Path("/releases/{release}/errors")
    @RequiresScope(Scope.ERRORS_READ)
    public Page<ErrorGroup> release(@Auth Caller caller, @PathParam("release") String release,
                            @QueryParam("environment") List<String> environment, @QueryParam("status") String status,
                            @QueryParam("new") String onlyNew, @QueryParam("sort") String sort,
                            @QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        return queries.list(new GroupFilter(List.of(caller.project()), List.of(release),
                Params.texts("environment", environment, MAX_TEXT), null, null, Params.status(status), null, null,
                null, null, GroupSort.parse(sort, GroupSort.TOTAL_COUNT), limit(limit), offset(offset),
                Params.bool("new", onlyNew)));
    }

    @GET
    @Path("/errors/{fingerprint}")
    @RequiresScope(Scope.ERRORS_READ)
    public ErrorGroupDetail detail(@Auth Caller caller, @PathParam("fingerprint") String fingerprint) {
        String fp = fingerprint(fingerprint);
        return queries.detail(caller.project(), fp).orElseThrow(() -> notFound(fp));
    }

    @GET
    @Path("/errors/{fingerprint}/occurrences")
    @RequiresScope(Scope.ERRORS_READ)
    public Page<Occurrence> occurrences(@Auth Caller caller, @PathParam("fingerprint") String fingerprint,
                                        @QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        String fp = fingerprint(fingerprint);
        Page<Occurrence> page = queries.occurrences(caller.project(), fp, limit(limit), offset(offset));
        if (page == null) {
            throw notFound(fp);
        }
        return page;
    }

    /** How the group's recent events split by environment, release, app version, browser, OS, device and locale. */
    @GET
    @Path("/errors/{fingerprint}/tags")
    @RequiresScope(Scope.ERRORS_READ)
    public TagBreakdown tags(@Auth Caller caller, @PathParam("fingerprint") String fingerprint) {
        String fp = fingerprint(fingerprint);
        return tags.tags(caller.project(), fp).orElseThrow(() -> notFound(fp));
    }

    @GET
    @Path("/errors/{fingerprint}/history")
    @RequiresScope(Scope.ERRORS_READ)
    public List<StatusChange> history(@Auth Caller caller, @PathParam("fingerprint") String fingerprint) {
        String fp = fingerprint(fingerprint);
        List<StatusChange> rows = queries.history(caller.project(), fp);
        if (rows == null) {
            throw notFound(fp);
        }
        return rows;
    }

    @GET
    @Path("/errors/{fingerprint}/trend")
    @RequiresScope(Scope.ERRORS_READ)
    public List<HourlyCount> trend(@Auth Caller caller, @PathParam("fingerprint") String fingerprint,
                                   @QueryParam("hours") String hours) {
        String fp = fingerprint(fingerprint);
        int h = Params.intParam("hours", hours, DEFAULT_TREND_HOURS, 1, MAX_TREND_HOURS);
        if (!queries.exists(caller.project(), fp)) {
            throw notFound(fp);
        }
        return queries.trend(caller.project(), fp, h, System.currentTimeMillis());
    }

    /** Releases seen in the project, most recently active first (at most {@code limit}, default 50, max 200). */
    @GET
    @Path("/releases")
    @RequiresScope(Scope.ERRORS_READ)
    public List<ReleaseSummary> releases(@Auth Caller caller, @QueryParam("limit") String limit) {
        int n = limit(limit);
        List<ReleaseSummary> releases = queries.releases(caller.project(), n);
        return releaseHealth == null ? releases : releaseHealth.withHealth(caller.project(), releases, n);
    }

    @GET
    @Path("/trends")
    @RequiresScope(Scope.ERRORS_READ)
    public List<HourlyCount> trends(@Auth Caller caller, @QueryParam("hours") String hours) {
        int h = Params.intParam("hours", hours, DEFAULT_TREND_HOURS, 1, MAX_TREND_HOURS);
        return queries.trend(caller.project(), null, h, System.currentTimeMillis());
    }

    @GET
    @Path("/stats")
    @RequiresScope(Scope.ERRORS_READ)
    public ErrorStats stats(@Auth Caller caller) {
        return queries.stats(caller.project(), System.currentTimeMillis());
    }

    @POST
    @Path("/errors/{fingerprint}/resolve")
    @RequiresScope(Scope.ERRORS_WRITE)
    public StatusUpdate resolve(@Auth Caller caller, @PathParam("fingerprint") String fingerprint,
                                @QueryParam("in_next_release") String inNextRelease) {
        return setStatus(caller, fingerprint, "resolved", Params.bool("in_next_release", inNextRelease));
    }

    @POST
    @Path("/errors/{fingerprint}/ignore")
    @RequiresScope(Scope.ERRORS_WRITE)
    public StatusUpdate ignore(@Auth Caller caller, @PathParam("fingerprint") String fingerprint) {
        return setStatus(caller, fingerprint, "ignored", false);
    }

    @POST
    @Path("/errors/{fingerprint}/mute")
    @RequiresScope(Scope.ERRORS_WRITE)
    public StatusUpdate mute(@Auth Caller caller, @PathParam("fingerprint") String fingerprint) {
        return setStatus(caller, fingerprint, "muted", false);
    }

    @POST
    @Path("/errors/{fingerprint}/unresolve")
    @RequiresScope(Scope.ERRORS_WRITE)
    public StatusUpdate unresolve(@Auth Caller caller, @PathParam("fingerprint") String fingerprint) {
        return setStatus(caller, fingerprint, "unresolved", false);
    }

    private StatusUpdate setStatus(Caller caller, String fingerprint, String status, boolean inNextRelease) {
        String fp = fingerprint(fingerprint);
        return statuses.change(caller.project(), fp, status, caller.getName(), inNextRelease)
                .orElseThrow(() -> notFound(fp));
    }

    private static int limit(String raw) {
        return Params.intParam("limit", raw, GroupFilter.DEFAULT_LIMIT, 1, GroupFilter.MAX_LIMIT);
    }

    private static int offset(String raw) {
        return Params.intParam("offset", raw, 0, 0, Integer.MAX_VALUE);
    }

    /** Fingerprints are 16 hex characters; anything else cannot name a group. */
    private static String fingerprint(String raw) {
        return raw.toLowerCase(Locale.ROOT);
    }

    private static ApiProblem notFound(String fp) {
        String shown = FINGERPRINT.matcher(fp).matches() ? fp : "that fingerprint";
        return new ApiProblem(404, "no error group with " + shown + " in this project", null);
    }
}
