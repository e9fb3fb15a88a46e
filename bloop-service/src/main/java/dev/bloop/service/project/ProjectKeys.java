package dev.bloop.service.project;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import dev.bloop.service.store.Nodes;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Resolves the public keys that ingest sees on its hot path: an {@code X-Project-Key} to its project
 * and HMAC secret, and the public key of a Sentry DSN to its project and number. Known keys are
 * cached briefly; unknown keys are cached for a few seconds only so a newly created project works at
 * once, and a flood of bogus keys does not reach the database on every request. Key rotation calls
 * {@link #invalidateAll()} so an old key stops working immediately.
 */
public final class ProjectKeys {
    /**
     * A resolved ingest key: the project and the bytes of its secret; {@code legacyKey} is the public
     * key's own bytes when the operator lets this project's apps sign with it
     * ({@code auth.legacy_key_signing}), else null.
     */
    public record Resolved(String projectId, byte[] secret, byte[] legacyKey) {
        public Resolved(String projectId, byte[] secret) {
            this(projectId, secret, null);
        }
    }

    /** A resolved DSN public key: the project and its number (the project id in the DSN). */
    public record DsnKey(String projectId, long numericId) {
    }

    private static final String TOPIC = "project_keys";

    private final LoadingCache<String, Optional<Resolved>> known;
    private final LoadingCache<String, Optional<DsnKey>> dsnKeys;
    private final Set<String> refused = ConcurrentHashMap.newKeySet();

    private final Nodes nodes;

    public ProjectKeys(ProjectStore store) {
        this(store, Set.of(), Nodes.ALONE);
    }

    /**
     * @param legacySigningSlugs projects whose apps may sign with the public key (original bloop SDKs)
     * @param nodes              told when keys change here, and telling when they changed on another node
     */
    public ProjectKeys(ProjectStore store, Set<String> legacySigningSlugs, Nodes nodes) {
        this.nodes = nodes;
        nodes.onChange(TOPIC, this::dropCached);
        Set<String> legacy = Set.copyOf(legacySigningSlugs);
        this.known = cache(key -> store.findByIngestKey(key)
                .map(p -> new Resolved(p.id(), p.ingestSecret().getBytes(StandardCharsets.UTF_8),
                        legacy.contains(p.slug()) ? p.ingestKey().getBytes(StandardCharsets.UTF_8) : null)));
        this.dsnKeys = cache(key -> store.findBySentryKey(key).map(p -> new DsnKey(p.id(), p.numericId())));
    }

    private static <V> LoadingCache<String, Optional<V>> cache(Function<String, Optional<V>> load) {
        return Caffeine.newBuilder()
                .maximumSize(10_000)
                // Every ingest request reads these: upkeep on the reading thread costs less than the wake-up
                // of a common-pool thread for it (seen in async-profiler over bench/sentry.sh).
                .executor(Runnable::run)
                .expireAfter(new Expiry<String, Optional<V>>() {
                    @Override
                    public long expireAfterCreate(String key, Optional<V> value, long now) {
                        return (value.isPresent() ? Duration.ofMinutes(5) : Duration.ofSeconds(2)).toNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, Optional<V> value, long now, long current) {
                        return expireAfterCreate(key, value, now);
                    }

                    @Override
                    public long expireAfterRead(String key, Optional<V> value, long now, long current) {
                        return current;
                    }
                })
                .build(load::apply);
    }

    public Optional<Resolved> resolve(String ingestKey) {
        Optional<Resolved> r = known.get(ingestKey);
        return r.isPresent() && !refused.isEmpty() && refused.contains(r.get().projectId()) ? Optional.empty() : r;
    }

    /** The project of a Sentry DSN's public key. */
    public Optional<DsnKey> resolveDsnKey(String sentryKey) {
        if (sentryKey.isEmpty() || sentryKey.length() > 128) {
            return Optional.empty();
        }
        Optional<DsnKey> r = dsnKeys.get(sentryKey);
        return r.isPresent() && !refused.isEmpty() && refused.contains(r.get().projectId()) ? Optional.empty() : r;
    }

    /**
     * Whether {@link #resolveDsnKey} would answer from memory (a key known or refused lately), without a
     * database read: the thread that reads connections must not wait for one.
     */
    public boolean dsnKeyInMemory(String sentryKey) {
        return dsnKeys.getIfPresent(sentryKey) != null;
    }

    /** The project's keys stop working at once, before its deletion begins. */
    public void refuse(String projectId) {
        refused.add(projectId);
        invalidateAll();
    }

    /** Keys changed (rotated, a project deleted): every node reads them again. */
    public void invalidateAll() {
        dropCached();
        nodes.changed(TOPIC);
    }

    private void dropCached() {
        known.invalidateAll();
        dsnKeys.invalidateAll();
    }
}
