package dev.bloop.service.errors;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Locale;
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

    private final ErrorQueries queries;
    private final FacetQueries facets;
    private final TagQueries tags;
    private final StatusService statuses;
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
        this.releaseHealth = releaseHealth;
    }

    /** Release, environment, source and route may repeat: any of the values matches. */
    @GET
    @Path("/errors")
    @RequiresScope(Scope.ERRORS_READ)
    public Page<ErrorGroup> list(@Auth Caller caller,
                         @QueryParam("release") List<String> release, @QueryParam("environment") List<String> environment,
                         @QueryParam("source") List<String> source, @QueryParam("route") List<String> route,
                         @QueryParam("status") String status, @QueryParam("q") String q,
                         @QueryParam("since") String since, @QueryParam("until") String until,
                         @QueryParam("sort") String sort, @QueryParam("limit") String limit,
                         @QueryParam("offset") String offset) {
        return queries.list(new GroupFilter(caller.project(),
                Params.texts("release", release, MAX_TEXT), Params.texts("environment", environment, MAX_TEXT),
                Params.texts("source", source, MAX_TEXT), Params.texts("route", route, MAX_TEXT),
                Params.status(status), Params.text("q", q, MAX_TEXT),
                Params.optionalLong("since", since), Params.optionalLong("until", until),
                GroupSort.parse(sort, GroupSort.LAST_SEEN), limit(limit), offset(offset), false));
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
        return queries.list(new GroupFilter(caller.project(), List.of(release),
                Params.texts("environment", environment, MAX_TEXT), null, null, Params.status(status), null, null,
                null, GroupSort.parse(sort, GroupSort.TOTAL_COUNT), limit(limit), offset(offset),
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
    public StatusUpdate resolve(@Auth Caller caller, @PathParam("fingerprint") String fingerprint) {
        return setStatus(caller, fingerprint, "resolved");
    }

    @POST
    @Path("/errors/{fingerprint}/ignore")
    @RequiresScope(Scope.ERRORS_WRITE)
    public StatusUpdate ignore(@Auth Caller caller, @PathParam("fingerprint") String fingerprint) {
        return setStatus(caller, fingerprint, "ignored");
    }

    @POST
    @Path("/errors/{fingerprint}/mute")
    @RequiresScope(Scope.ERRORS_WRITE)
    public StatusUpdate mute(@Auth Caller caller, @PathParam("fingerprint") String fingerprint) {
        return setStatus(caller, fingerprint, "muted");
    }

    @POST
    @Path("/errors/{fingerprint}/unresolve")
    @RequiresScope(Scope.ERRORS_WRITE)
    public StatusUpdate unresolve(@Auth Caller caller, @PathParam("fingerprint") String fingerprint) {
        return setStatus(caller, fingerprint, "unresolved");
    }

    private StatusUpdate setStatus(Caller caller, String fingerprint, String status) {
        String fp = fingerprint(fingerprint);
        return statuses.change(caller.project(), fp, status, caller.getName()).orElseThrow(() -> notFound(fp));
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
