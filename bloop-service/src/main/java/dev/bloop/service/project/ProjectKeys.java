package dev.bloop.service.project;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Resolves an {@code X-Project-Key} to its project and HMAC secret on the ingest hot path. Known keys
 * are cached briefly; unknown keys are cached for a few seconds only so a newly created project
 * works at once, and a flood of bogus keys does not reach the database on every request.
 * Key rotation calls {@link #invalidateAll()} so an old key stops working immediately.
 */
public final class ProjectKeys {
    /** A resolved key: the project and the bytes of its secret. */
    public record Resolved(String projectId, byte[] secret) {
    }

    private final LoadingCache<String, Optional<Resolved>> known;
    private final java.util.Set<String> refused = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public ProjectKeys(ProjectStore store) {
        this.known = Caffeine.newBuilder()
                .maximumSize(10_000)
                .expireAfter(new com.github.benmanes.caffeine.cache.Expiry<String, Optional<Resolved>>() {
                    @Override
                    public long expireAfterCreate(String key, Optional<Resolved> value, long now) {
                        return (value.isPresent() ? Duration.ofMinutes(5) : Duration.ofSeconds(2)).toNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, Optional<Resolved> value, long now, long current) {
                        return expireAfterCreate(key, value, now);
                    }

                    @Override
                    public long expireAfterRead(String key, Optional<Resolved> value, long now, long current) {
                        return current;
                    }
                })
                .build(key -> store.findByIngestKey(key)
                        .map(p -> new Resolved(p.id(), p.ingestSecret().getBytes(StandardCharsets.UTF_8))));
    }

    public Optional<Resolved> resolve(String ingestKey) {
        Optional<Resolved> r = known.get(ingestKey);
        return r.isPresent() && !refused.isEmpty() && refused.contains(r.get().projectId()) ? Optional.empty() : r;
    }

    /** The project's key stops working at once, before its deletion begins. */
    public void refuse(String projectId) {
        refused.add(projectId);
        known.invalidateAll();
    }

    public void invalidateAll() {
        known.invalidateAll();
    }
}
