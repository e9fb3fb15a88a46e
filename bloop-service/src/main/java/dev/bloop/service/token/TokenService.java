package dev.bloop.service.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bloop.service.access.Scope;
import dev.bloop.service.access.Secrets;
import dev.bloop.service.store.Database;
import dev.bloop.service.store.Nodes;
import io.dropwizard.lifecycle.Managed;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, authenticates and revokes API tokens. A token is {@code bloop_tk_} + 32 random bytes
 * (base64url); only its SHA-256 is stored. Lookups are cached, but never past what makes a token
 * unusable: expiry is checked on every use, and revoking (or creating, for a cached miss) replaces the
 * cache entry at once. {@code last_used_at} is written off the request path, at most once a minute.
 */
public final class TokenService implements Managed {
    public static final String PREFIX = "bloop_tk_";
    static final int DISPLAY_PREFIX_LENGTH = 16;
    private static final Logger LOG = LoggerFactory.getLogger(TokenService.class);
    private static final long TOUCH_EVERY_MS = 60_000;
    private static final String TOPIC = "tokens";

    /** A new token: the plaintext, shown once, and what is stored. */
    public record Created(String token, ApiToken stored) {
    }

    private final TokenStore store;
    private final Cache<String, Optional<ApiToken>> byHash = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(5))
            .build();
    private final ConcurrentHashMap<String, Long> lastTouched = new ConcurrentHashMap<>();
    private final ExecutorService toucher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bloop-token-touch");
        t.setDaemon(true);
        return t;
    });

    private final Nodes nodes;

    public TokenService(Database db) {
        this.store = new TokenStore(db);
        this.nodes = db.nodes();
        nodes.onChange(TOPIC, byHash::invalidateAll);
    }

    public Created create(String name, String projectId, Set<Scope> scopes, Integer expiresInDays, String createdBy) {
        String token = PREFIX + Secrets.random(32);
        long now = System.currentTimeMillis();
        Long expiresAt = expiresInDays == null ? null : now + Duration.ofDays(expiresInDays).toMillis();
        ApiToken stored = new ApiToken(UUID.randomUUID().toString(), name, token.substring(0, DISPLAY_PREFIX_LENGTH),
                projectId, Set.copyOf(scopes), createdBy, now, expiresAt, null, null);
        String hash = Secrets.sha256(token);
        store.insert(stored, hash);
        byHash.invalidate(hash);
        return new Created(token, stored);
    }

    /** The usable token for this plaintext, or empty (unknown, revoked or expired). */
    public Optional<ApiToken> authenticate(String presented) {
        if (presented == null || !presented.startsWith(PREFIX) || presented.length() > 128) {
            return Optional.empty();
        }
        String hash = Secrets.sha256(presented);
        Optional<ApiToken> token = byHash.get(hash, store::findByHash);
        long now = System.currentTimeMillis();
        if (token.isEmpty() || !token.get().usableAt(now)) {
            return Optional.empty();
        }
        touch(token.get().id(), now);
        return token;
    }

    public List<ApiToken> list(String projectId) {
        return store.list(projectId);
    }

    /** Revokes at once: the cached entry is dropped before this returns. */
    public boolean revoke(String id) {
        boolean revoked = store.revoke(id, System.currentTimeMillis());
        store.hashOf(id).ifPresent(byHash::invalidate);
        nodes.changed(TOPIC);
        return revoked;
    }

    /** Drops every cached lookup, e.g. after a project (and with it its tokens) was deleted. */
    public void invalidateCache() {
        byHash.invalidateAll();
        nodes.changed(TOPIC);
    }

    public Optional<ApiToken> find(String id) {
        return store.findById(id);
    }

    /** Finishes pending last-use writes before the database closes. */
    @Override
    public void stop() throws InterruptedException {
        toucher.shutdown();
        toucher.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void touch(String id, long now) {
        Long last = lastTouched.get(id);
        if (last != null && now - last < TOUCH_EVERY_MS) {
            return;
        }
        lastTouched.put(id, now);
        if (toucher.isShutdown()) {
            return;
        }
        toucher.execute(() -> {
            try {
                store.touch(id, now);
            } catch (RuntimeException e) {
                LOG.warn("Could not record last use of token {}", id, e);
            }
        });
    }
}
