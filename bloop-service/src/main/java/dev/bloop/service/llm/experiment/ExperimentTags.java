package dev.bloop.service.llm.experiment;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.bloop.service.ingest.InvalidEvent;
import dev.bloop.service.llm.TraceTagCheck;
import dev.bloop.service.store.Nodes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The ingest check of a trace's experiment and variant, from a small cache so that tagged traces
 * cost a map lookup, not a query: known experiments are kept for the LLM settings' cache TTL,
 * unknown names for two seconds (an experiment just created on another node is found that soon).
 * Changes on this node invalidate at once, here and (through {@link Nodes}) on the other nodes.
 */
final class ExperimentTags implements TraceTagCheck {
    private static final long UNKNOWN_NANOS = Duration.ofSeconds(2).toNanos();

    private static final String TOPIC = "experiments";

    private final ExperimentStore store;
    private final Nodes nodes;
    private final Cache<Key, Optional<List<String>>> cache;

    private record Key(String projectId, String name) {}

    ExperimentTags(ExperimentStore store, Duration ttl, Nodes nodes) {
        this.store = store;
        this.nodes = nodes;
        long knownNanos = ttl.toNanos();
        this.cache = Caffeine.newBuilder().maximumSize(10_000).expireAfter(new Expiry<Key, Optional<List<String>>>() {
            @Override
            public long expireAfterCreate(Key key, Optional<List<String>> value, long now) {
                return value.isPresent() ? knownNanos : UNKNOWN_NANOS;
            }

            @Override
            public long expireAfterUpdate(Key key, Optional<List<String>> value, long now, long current) {
                return expireAfterCreate(key, value, now);
            }

            @Override
            public long expireAfterRead(Key key, Optional<List<String>> value, long now, long current) {
                return current;
            }
        }).build();
        nodes.onChange(TOPIC, cache::invalidateAll);
    }

    @Override
    public void check(String projectId, String experiment, String variant) throws InvalidEvent {
        if (experiment == null) {
            return;
        }
        Optional<List<String>> variants = cache.get(new Key(projectId, experiment),
                k -> store.findByName(k.projectId(), k.name()).map(ExperimentDef::variantNames));
        if (variants.isEmpty()) {
            throw new InvalidEvent("experiment '" + experiment + "' is not an experiment of this project: create it "
                    + "with POST /v1/llm/experiments, or send the name it was created with", "experiment");
        }
        if (variant == null) {
            throw new InvalidEvent("variant is required with an experiment: one of "
                    + String.join(", ", variants.get()), "variant");
        }
        if (!variants.get().contains(variant)) {
            throw new InvalidEvent("variant '" + variant + "' is not a variant of experiment '" + experiment
                    + "': one of " + String.join(", ", variants.get()), "variant");
        }
    }

    void forget(String projectId, String name) {
        cache.invalidate(new Key(projectId, name));
        nodes.changed(TOPIC);
    }

    void forgetProject(String projectId) {
        cache.asMap().keySet().removeIf(k -> k.projectId().equals(projectId));
    }
}
