package dev.bloop.service.auth;

import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.store.Database;
import dev.bloop.service.token.TokenService;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.ServerLifecycleListener;

/** Wires people, passkeys, sessions and the API's auth filter into the application. */
public final class Authentication {
    private final RelyingParty rp;
    private final Sessions sessions;
    private final UserStore users;
    private final Invites invites;
    private final PasskeyAuth passkeyAuth;
    private final int rateLimitPerMinute;

    public Authentication(Database db, AuthConfig config) {
        this.rp = new RelyingParty(config);
        this.sessions = new Sessions(db, config.getSessionTtl().toJavaDuration());
        this.users = new UserStore(db);
        this.invites = new Invites(db);
        this.passkeyAuth = new PasskeyAuth(users, invites, sessions, new Passkeys(rp), new SetupCode(),
                new PasskeyChallenges(db, PasskeyAuth.CHALLENGE_TTL));
        this.rateLimitPerMinute = config.getRateLimitPerMinute();
    }

    public void register(Environment env, TokenService tokens, ProjectStore projects) {
        env.lifecycle().manage(sessions);
        ApiAuth.register(env, tokens, sessions, projects, rp);
        env.jersey().register(new AuthResource(passkeyAuth, sessions, rp, env.getObjectMapper()));
        env.servlets().addFilter("auth-rate-limit", new AuthRateLimit(rateLimitPerMinute, env.getObjectMapper()))
                .addMappingForUrlPatterns(java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST), false, "/auth/*");
        env.jersey().register(new AdminResource(users, invites, projects, rp));
        env.lifecycle().addServerLifecycleListener(new ServerLifecycleListener() {
            @Override
            public void serverStarted(org.eclipse.jetty.server.Server server) {
                rp.serverStarted(getLocalPort(server));
                passkeyAuth.announceSetupCode(rp.primaryOrigin() + "/");
            }
        });
    }
}
