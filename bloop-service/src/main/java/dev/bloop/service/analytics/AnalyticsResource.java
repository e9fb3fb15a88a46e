package dev.bloop.service.analytics;

import dev.bloop.api.ApiError;
import dev.bloop.api.analytics.CorrelationsReport;
import dev.bloop.api.analytics.EnvironmentsReport;
import dev.bloop.api.analytics.MoversReport;
import dev.bloop.api.analytics.ReleasesReport;
import dev.bloop.api.analytics.SpikesReport;
import dev.bloop.service.access.Caller;
import dev.bloop.service.access.RequiresScope;
import dev.bloop.service.access.Scope;
import dev.bloop.service.web.ApiProblem;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.function.Supplier;

/**
 * {@code /v1/analytics/*}: HTTP only (parse, authorize, map). Scope {@code errors:read}; the project
 * is the token's, or the session's {@code project_id}, like the rest of the query API.
 */
@Path("/v1/analytics")
@Produces(MediaType.APPLICATION_JSON)
public final class AnalyticsResource {
    static final int DEFAULT_HOURS = 72;
    static final int MAX_HOURS = 720;
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    private static final int MAX_TEXT = 512;

    private final AnalyticsModule module;

    AnalyticsResource(AnalyticsModule module) {
        this.module = module;
    }

    /** The service once DuckDB is open; until then the routes answer 503. */
    private AnalyticsService service() {
        AnalyticsService service = module.service();
        if (service == null) {
            throw unavailable(module.failure() != null ? "analytics could not start: " + module.failure()
                    : new AnalyticsService.NotReady().getMessage(), 5);
        }
        return service;
    }

    @GET
    @RequiresScope(Scope.ERRORS_READ)
    @Path("/spikes")
    public SpikesReport spikes(@Auth Caller caller, @QueryParam("hours") String hours, @QueryParam("limit") String limit,
                               @QueryParam("environment") String environment, @QueryParam("release") String release) {
        caller.require(Scope.ERRORS_READ);
        noRelease("spikes", release);
        AnalyticsConfig c = module.config();
        int min = c.getSpikeRecentHours() + c.getMinBaselineHours();
        int h = AnalyticsParams.intParam("hours", hours, DEFAULT_HOURS, 1, MAX_HOURS);
        if (h < min) {
            throw ApiProblem.badRequest("hours must be at least " + min + " for spikes (the " + c.getSpikeRecentHours()
                    + " latest hours are tested against a baseline of at least " + c.getMinBaselineHours()
                    + " hours), got " + h, "hours");
        }
        String project = caller.project();
        return answer(() -> service().spikes(project, new AnalyticsService.Ask(h, limit(limit), env(environment), null)));
    }

    @GET
    @RequiresScope(Scope.ERRORS_READ)
    @Path("/movers")
    public MoversReport movers(@Auth Caller caller, @QueryParam("hours") String hours, @QueryParam("limit") String limit,
                               @QueryParam("environment") String environment, @QueryParam("release") String release) {
        caller.require(Scope.ERRORS_READ);
        noRelease("movers", release);
        String project = caller.project();
        AnalyticsService.Ask ask = new AnalyticsService.Ask(hours(hours), limit(limit), env(environment), null);
        return answer(() -> service().movers(project, ask));
    }

    @GET
    @RequiresScope(Scope.ERRORS_READ)
    @Path("/correlations")
    public CorrelationsReport correlations(@Auth Caller caller, @QueryParam("hours") String hours,
                                           @QueryParam("limit") String limit,
                                           @QueryParam("environment") String environment,
                                           @QueryParam("release") String release) {
        caller.require(Scope.ERRORS_READ);
        noRelease("correlations", release);
        String project = caller.project();
        AnalyticsService.Ask ask = new AnalyticsService.Ask(hours(hours), limit(limit), env(environment), null);
        return answer(() -> service().correlations(project, ask));
    }

    @GET
    @RequiresScope(Scope.ERRORS_READ)
    @Path("/environments")
    public EnvironmentsReport environments(@Auth Caller caller, @QueryParam("hours") String hours,
                                           @QueryParam("limit") String limit,
                                           @QueryParam("environment") String environment,
                                           @QueryParam("release") String release) {
        caller.require(Scope.ERRORS_READ);
        noRelease("environments", release);
        String project = caller.project();
        AnalyticsService.Ask ask = new AnalyticsService.Ask(hours(hours), limit(limit), env(environment), null);
        return answer(() -> service().environments(project, ask));
    }

    /** Releases are compared over their whole life, so {@code hours} does not apply. */
    @GET
    @RequiresScope(Scope.ERRORS_READ)
    @Path("/releases")
    public ReleasesReport releases(@Auth Caller caller, @QueryParam("hours") String hours,
                                   @QueryParam("limit") String limit, @QueryParam("environment") String environment,
                                   @QueryParam("release") String release) {
        caller.require(Scope.ERRORS_READ);
        if (hours != null && !hours.isEmpty()) {
            throw ApiProblem.badRequest("hours does not apply to releases: each release is measured over its "
                    + "whole life (first to last event)", "hours");
        }
        String project = caller.project();
        AnalyticsService.Ask ask = new AnalyticsService.Ask(0, limit(limit), env(environment),
                AnalyticsParams.text("release", release, MAX_TEXT));
        return answer(() -> service().releases(project, ask));
    }

    private static <T> T answer(Supplier<T> work) {
        try {
            return work.get();
        } catch (AnalyticsService.NotReady e) {
            throw unavailable(e.getMessage(), 5);
        } catch (AnalyticsService.TooBig e) {
            throw unavailable(e.getMessage(), 30);
        } catch (DuckDb.TimedOut e) {
            throw unavailable(e.getMessage() + "; try a shorter window (hours)", 30);
        }
    }

    private static WebApplicationException unavailable(String message, int retryAfterSecs) {
        return new WebApplicationException(message, Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .type(MediaType.APPLICATION_JSON_TYPE).header("Retry-After", retryAfterSecs)
                .entity(ApiError.of(message)).build());
    }

    /** Hourly counts are kept per environment, not per release: a release filter cannot be honoured. */
    private static void noRelease(String endpoint, String release) {
        if (release != null && !release.isEmpty()) {
            throw ApiProblem.badRequest("release does not apply to " + endpoint + ": hourly counts are kept per "
                    + "environment, not per release (see /v1/analytics/releases)", "release");
        }
    }

    private static int hours(String raw) {
        return AnalyticsParams.intParam("hours", raw, DEFAULT_HOURS, 1, MAX_HOURS);
    }

    private static int limit(String raw) {
        return AnalyticsParams.intParam("limit", raw, DEFAULT_LIMIT, 1, MAX_LIMIT);
    }

    private static String env(String raw) {
        return AnalyticsParams.text("environment", raw, MAX_TEXT);
    }
}
