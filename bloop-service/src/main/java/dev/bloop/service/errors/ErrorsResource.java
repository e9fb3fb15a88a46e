package dev.bloop.service.errors;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.web.JsonResponses;
import dev.bloop.api.HourlyCount;
import dev.bloop.api.StatusChange;
import dev.bloop.service.auth.Caller;
import dev.bloop.service.sourcemap.Symbolicator;
import dev.bloop.service.store.Database;
import dev.bloop.service.token.Scope;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
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
    static final String TOTAL_COUNT = "X-Total-Count";
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{16}");
    private static final int MAX_TREND_HOURS = 720;
    private static final int DEFAULT_TREND_HOURS = 72;
    private static final int MAX_TEXT = 512;

    private final ErrorQueries queries;
    private final FacetQueries facets;
    private final TagQueries tags;
    private final StatusService statuses;

    public ErrorsResource(Database db, ObjectMapper json, Symbolicator symbolicator) {
        this.queries = new ErrorQueries(db, json, symbolicator);
        this.facets = new FacetQueries(db);
        this.tags = new TagQueries(db, json);
        this.statuses = new StatusService(db);
    }

    /** Release, environment, source and route may repeat: any of the values matches. */
    @GET
    @Path("/errors")
    public Response list(@Auth Caller caller,
                         @QueryParam("release") List<String> release, @QueryParam("environment") List<String> environment,
                         @QueryParam("source") List<String> source, @QueryParam("route") List<String> route,
                         @QueryParam("status") String status, @QueryParam("q") String q,
                         @QueryParam("since") String since, @QueryParam("until") String until,
                         @QueryParam("sort") String sort, @QueryParam("limit") String limit,
                         @QueryParam("offset") String offset) {
        caller.require(Scope.ERRORS_READ);
        return page(queries.list(new GroupFilter(caller.project(),
                Params.texts("release", release, MAX_TEXT), Params.texts("environment", environment, MAX_TEXT),
                Params.texts("source", source, MAX_TEXT), Params.texts("route", route, MAX_TEXT),
                Params.status(status), Params.text("q", q, MAX_TEXT),
                Params.optionalLong("since", since), Params.optionalLong("until", until),
                GroupSort.parse(sort, GroupSort.LAST_SEEN), limit(limit), offset(offset), false)));
    }

    /** The values the list's filters can take in this project, with their issues and events. */
    @GET
    @Path("/errors/facets")
    public Response facets(@Auth Caller caller, @QueryParam("limit") String limit) {
        caller.require(Scope.ERRORS_READ);
        int n = Params.intParam("limit", limit, FacetQueries.DEFAULT_LIMIT, 1, FacetQueries.MAX_LIMIT);
        return Response.ok(facets.facets(caller.project(), n)).build();
    }

    /** {@code new=true}: only the groups whose first event came in this release. */
    @GET
    @Path("/releases/{release}/errors")
    public Response release(@Auth Caller caller, @PathParam("release") String release,
                            @QueryParam("environment") List<String> environment, @QueryParam("status") String status,
                            @QueryParam("new") String onlyNew, @QueryParam("sort") String sort,
                            @QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        caller.require(Scope.ERRORS_READ);
        return page(queries.list(new GroupFilter(caller.project(), List.of(release),
                Params.texts("environment", environment, MAX_TEXT), null, null, Params.status(status), null, null,
                null, GroupSort.parse(sort, GroupSort.TOTAL_COUNT), limit(limit), offset(offset),
                Params.bool("new", onlyNew))));
    }

    @GET
    @Path("/errors/{fingerprint}")
    public Response detail(@Auth Caller caller, @PathParam("fingerprint") String fingerprint) {
        caller.require(Scope.ERRORS_READ);
        String fp = fingerprint(fingerprint);
        return queries.detail(caller.project(), fp).map(d -> Response.ok(d).build())
                .orElseGet(() -> notFound(fp));
    }

    @GET
    @Path("/errors/{fingerprint}/occurrences")
    public Response occurrences(@Auth Caller caller, @PathParam("fingerprint") String fingerprint,
                                @QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        caller.require(Scope.ERRORS_READ);
        String fp = fingerprint(fingerprint);
        Page<?> page = queries.occurrences(caller.project(), fp, limit(limit), offset(offset));
        return page == null ? notFound(fp) : page(page);
    }

    /** How the group's recent events split by environment, release, app version, browser, OS, device and locale. */
    @GET
    @Path("/errors/{fingerprint}/tags")
    public Response tags(@Auth Caller caller, @PathParam("fingerprint") String fingerprint) {
        caller.require(Scope.ERRORS_READ);
        String fp = fingerprint(fingerprint);
        return tags.tags(caller.project(), fp).map(t -> Response.ok(t).build()).orElseGet(() -> notFound(fp));
    }

    @GET
    @Path("/errors/{fingerprint}/history")
    public Response history(@Auth Caller caller, @PathParam("fingerprint") String fingerprint) {
        caller.require(Scope.ERRORS_READ);
        String fp = fingerprint(fingerprint);
        List<StatusChange> rows = queries.history(caller.project(), fp);
        return rows == null ? notFound(fp) : Response.ok(rows).build();
    }

    @GET
    @Path("/errors/{fingerprint}/trend")
    public Response trend(@Auth Caller caller, @PathParam("fingerprint") String fingerprint,
                          @QueryParam("hours") String hours) {
        caller.require(Scope.ERRORS_READ);
        String fp = fingerprint(fingerprint);
        int h = Params.intParam("hours", hours, DEFAULT_TREND_HOURS, 1, MAX_TREND_HOURS);
        if (!queries.exists(caller.project(), fp)) {
            return notFound(fp);
        }
        return Response.ok(queries.trend(caller.project(), fp, h, System.currentTimeMillis())).build();
    }

    /** Releases seen in the project, most recently active first (at most {@code limit}, default 50, max 200). */
    @GET
    @Path("/releases")
    public Response releases(@Auth Caller caller, @QueryParam("limit") String limit) {
        caller.require(Scope.ERRORS_READ);
        return Response.ok(queries.releases(caller.project(), limit(limit))).build();
    }

    @GET
    @Path("/trends")
    public List<HourlyCount> trends(@Auth Caller caller, @QueryParam("hours") String hours) {
        caller.require(Scope.ERRORS_READ);
        int h = Params.intParam("hours", hours, DEFAULT_TREND_HOURS, 1, MAX_TREND_HOURS);
        return queries.trend(caller.project(), null, h, System.currentTimeMillis());
    }

    @GET
    @Path("/stats")
    public Response stats(@Auth Caller caller) {
        caller.require(Scope.ERRORS_READ);
        return Response.ok(queries.stats(caller.project(), System.currentTimeMillis())).build();
    }

    @POST
    @Path("/errors/{fingerprint}/resolve")
    public Response resolve(@Auth Caller caller, @PathParam("fingerprint") String fingerprint) {
        return setStatus(caller, fingerprint, "resolved");
    }

    @POST
    @Path("/errors/{fingerprint}/ignore")
    public Response ignore(@Auth Caller caller, @PathParam("fingerprint") String fingerprint) {
        return setStatus(caller, fingerprint, "ignored");
    }

    @POST
    @Path("/errors/{fingerprint}/mute")
    public Response mute(@Auth Caller caller, @PathParam("fingerprint") String fingerprint) {
        return setStatus(caller, fingerprint, "muted");
    }

    @POST
    @Path("/errors/{fingerprint}/unresolve")
    public Response unresolve(@Auth Caller caller, @PathParam("fingerprint") String fingerprint) {
        return setStatus(caller, fingerprint, "unresolved");
    }

    private Response setStatus(Caller caller, String fingerprint, String status) {
        caller.require(Scope.ERRORS_WRITE);
        String fp = fingerprint(fingerprint);
        return statuses.change(caller.project(), fp, status, caller.getName())
                .map(u -> Response.ok(u).build()).orElseGet(() -> notFound(fp));
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

    private static Response page(Page<?> page) {
        return Response.ok(page.items()).header(TOTAL_COUNT, page.total()).build();
    }

    private static Response notFound(String fp) {
        String shown = FINGERPRINT.matcher(fp).matches() ? fp : "that fingerprint";
        return JsonResponses.notFound("no error group with " + shown + " in this project");
    }
}
