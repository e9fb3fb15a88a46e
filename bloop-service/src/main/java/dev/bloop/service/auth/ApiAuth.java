package dev.bloop.service.auth;

import dev.bloop.api.ApiError;
import dev.bloop.service.token.TokenService;
import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.auth.Authenticator;
import io.dropwizard.auth.UnauthorizedHandler;
import io.dropwizard.auth.oauth.OAuthCredentialAuthFilter;
import io.dropwizard.core.setup.Environment;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Authentication for the query API through dropwizard-auth: {@code Authorization: Bearer <token>}
 * resolves to a {@link Caller}; anything else on an {@code @Auth} route is a JSON 401.
 */
public final class ApiAuth {
    private ApiAuth() {
    }

    public static void register(Environment env, TokenService tokens) {
        Authenticator<String, Caller> bearer = presented -> tokens.authenticate(presented).map(Caller::of);
        env.jersey().register(new AuthDynamicFeature(new OAuthCredentialAuthFilter.Builder<Caller>()
                .setAuthenticator(bearer)
                .setPrefix("Bearer")
                .setRealm("bloop")
                .setUnauthorizedHandler(new JsonUnauthorized())
                .buildAuthFilter()));
        env.jersey().register(new AuthValueFactoryProvider.Binder<>(Caller.class));
        env.jersey().register(new MissingScopeException.Mapper());
    }

    /** 401 in the API's error shape instead of dropwizard-auth's plain text. */
    static final class JsonUnauthorized implements UnauthorizedHandler {
        @Override
        public Response buildResponse(String prefix, String realm) {
            return Response.status(Response.Status.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, prefix + " realm=\"" + realm + "\"")
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ApiError("missing, invalid, revoked or expired credentials: "
                            + "send Authorization: Bearer <token>", "Authorization"))
                    .build();
        }
    }
}
