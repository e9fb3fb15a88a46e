package dev.bloop.service.auth;

import dev.bloop.service.access.Secrets;
import dev.bloop.service.access.User;
import dev.bloop.service.store.Database;
import dev.bloop.service.store.Nodes;
import io.dropwizard.lifecycle.Managed;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dashboard sessions: a random cookie value (32 bytes, base64url) of which only the SHA-256 is stored,
 * a fixed lifetime, and an hourly sweep of expired rows. Each session also has a CSRF token for
 * clients that cannot send an {@code Origin} header.
 */
public final class Sessions implements Managed {
    /** The cookie's name where it cannot be Secure (plain-http loopback development). */
    public static final String COOKIE = "bloop_session";
    /**
     * Its name where it is Secure: with the {@code __Host-} prefix browsers accept it only from this
     * host over HTTPS, with {@code Path=/} and without {@code Domain}, so a sibling subdomain or a
     * plain-http page cannot plant a session of its choosing (session fixation by cookie tossing).
     */
    public static final String SECURE_COOKIE = "__Host-bloop_session";
    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);

    /** A new session: the cookie value (never stored) and its CSRF token. */
    public record Created(String token, String csrfToken, long expiresAt) {
    }

    /** A live session and its user. */
    public record Active(User user, String csrfToken, long expiresAt) {
    }

    private final Jdbi writer;
    private final Jdbi reader;
    private final Duration ttl;
    private ScheduledExecutorService sweeper;

    private final Nodes nodes;

    public Sessions(Database db, Duration ttl) {
        this.nodes = db.nodes();
        this.writer = db.writer();
        this.reader = db.reader();
        this.ttl = ttl;
    }

    public Duration ttl() {
        return ttl;
    }

    public Created create(String userId) {
        String token = Secrets.random(32);
        String csrf = Secrets.random(24);
        long now = System.currentTimeMillis();
        long expires = now + ttl.toMillis();
        writer.useHandle(h -> h.createUpdate("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, "
                        + "expires_at) VALUES (:hash, :user, :csrf, :now, :exp)")
                .bind("hash", Secrets.sha256(token)).bind("user", userId).bind("csrf", csrf).bind("now", now)
                .bind("exp", expires).execute());
        return new Created(token, csrf, expires);
    }

    /** The live session for a cookie value, or empty (unknown, expired, or its user removed). */
    public Optional<Active> find(String token) {
        if (token == null || token.isEmpty() || token.length() > 128) {
            return Optional.empty();
        }
        long now = System.currentTimeMillis();
        return reader.withHandle(h -> h.createQuery("SELECT u.id, u.username, u.user_handle, u.is_admin, "
                        + "u.created_at, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id "
                        + "WHERE s.token_hash = :hash AND s.expires_at > :now")
                .bind("hash", Secrets.sha256(token)).bind("now", now)
                .map((rs, ctx) -> new Active(UserStore.user(rs), rs.getString("csrf_token"), rs.getLong("expires_at")))
                .findOne());
    }

    public void delete(String token) {
        if (token != null && !token.isEmpty()) {
            writer.useHandle(h -> h.createUpdate("DELETE FROM sessions WHERE token_hash = :hash")
                    .bind("hash", Secrets.sha256(token)).execute());
        }
    }

    /** Deletes expired sessions; returns how many. */
    public int sweep() {
        return writer.withHandle(h -> h.createUpdate("DELETE FROM sessions WHERE expires_at <= :now")
                .bind("now", System.currentTimeMillis()).execute());
    }

    @Override
    public void start() {
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bloop-session-sweep");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                if (!nodes.leads("session-sweep")) {
                    return;
                }
                int n = sweep();
                if (n > 0) {
                    LOG.info("Removed {} expired sessions", n);
                }
            } catch (RuntimeException e) {
                LOG.warn("Could not remove expired sessions", e);
            }
        }, 1, 60, TimeUnit.MINUTES);
    }

    @Override
    public void stop() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }

}
