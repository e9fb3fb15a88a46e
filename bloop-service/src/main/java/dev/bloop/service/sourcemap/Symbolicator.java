package dev.bloop.service.sourcemap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.bloop.api.DeobfuscatedFrame;
import dev.bloop.service.store.Database;
import dev.bloop.service.store.Nodes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps JavaScript stack frames back to original sources with the maps uploaded for the event's own
 * project and release; another project's maps are never looked at. Parsed maps are cached, bounded
 * by their approximate size, so a detail page does not re-parse megabytes; the list of maps of a
 * release is cached briefly and dropped at once when a map is uploaded or deleted.
 */
public final class Symbolicator {
    private static final Logger LOG = LoggerFactory.getLogger(Symbolicator.class);
    private static final int MAX_DECOMPRESSED = 64 * 1024 * 1024;

    private record ReleaseKey(String projectId, String release) {
    }

    private static final String TOPIC = "sourcemaps";

    private final SourceMapStore store;
    private final Nodes nodes;
    private final SourceMapParser parser;
    private final LoadingCache<ReleaseKey, List<SourceMapStore.Stored>> mapsOfRelease;
    private final Cache<Long, Optional<SourceMap>> parsed;

    public Symbolicator(Database db, ObjectMapper json, long cacheBytes) {
        this.store = new SourceMapStore(db);
        this.nodes = db.nodes();
        this.parser = new SourceMapParser(json);
        this.mapsOfRelease = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(1))
                .build(k -> store.list(k.projectId(), k.release()));
        this.parsed = Caffeine.newBuilder().maximumWeight(cacheBytes)
                .weigher((Long id, Optional<SourceMap> m) -> (int) Math.min(Integer.MAX_VALUE, m.map(SourceMap::weight).orElse(64L)))
                .build();
        nodes.onChange(TOPIC, () -> {
            mapsOfRelease.invalidateAll();
            parsed.invalidateAll();
        });
    }

    SourceMapStore store() {
        return store;
    }

    SourceMapParser parser() {
        return parser;
    }

    /** Called after an upload or delete: the next lookup reads the maps again. */
    void changed(String projectId, String release, long mapId) {
        mapsOfRelease.invalidate(new ReleaseKey(projectId, release));
        parsed.invalidate(mapId);
        nodes.changed(TOPIC);
    }

    /**
     * Every line of {@code stack}, mapped where a map of the release covers it; null when the
     * release has no maps or no frame could be mapped.
     */
    public List<DeobfuscatedFrame> deobfuscate(String projectId, String release, String stack) {
        List<Resolved> resolved = resolve(projectId, release, stack);
        if (resolved == null) {
            return null;
        }
        List<DeobfuscatedFrame> out = new ArrayList<>(resolved.size());
        for (int i = 0; i < resolved.size(); i++) {
            Resolved r = resolved.get(i);
            if (r.position() == null) {
                out.add(new DeobfuscatedFrame(r.raw(), null, null, null, null));
            } else {
                out.add(new DeobfuscatedFrame(r.raw(), r.position().source(), r.position().line() + 1,
                        r.position().column() + 1, functionName(resolved, i)));
            }
        }
        return out;
    }

    /**
     * The stack with mapped frames rewritten to their original location, for grouping only: a
     * re-deploy that renames bundles and shifts minified columns then keeps the same group.
     * Returns {@code stack} itself when nothing maps.
     */
    public String groupingStack(String projectId, String release, String stack) {
        return rewrite(stack, resolve(projectId, release, stack, true));
    }

    /**
     * {@link #groupingStack} from memory only, for the ingest hot path: null when the release's list
     * of maps or a map its frames need is not loaded yet ({@link #preload} does that, off the
     * request thread). A release without maps is remembered as such, so its events never wait.
     */
    public String groupingStackIfLoaded(String projectId, String release, String stack) {
        List<Resolved> resolved = resolve(projectId, release, stack, false);
        return resolved == NOT_LOADED ? null : rewrite(stack, resolved);
    }

    /** Reads and parses what {@link #groupingStackIfLoaded} needs for this stack. */
    public void preload(String projectId, String release, String stack) {
        resolve(projectId, release, stack, true);
    }

    private static String rewrite(String stack, List<Resolved> resolved) {
        if (resolved == null) {
            return stack;
        }
        StringBuilder out = new StringBuilder(stack.length());
        for (int i = 0; i < resolved.size(); i++) {
            Resolved r = resolved.get(i);
            if (r.position() == null) {
                out.append(r.raw());
            } else {
                String fn = functionName(resolved, i);
                out.append("at ").append(fn == null ? "<anonymous function>" : fn).append(" (")
                        .append(r.position().source()).append(':').append(r.position().line() + 1).append(':')
                        .append(r.position().column() + 1).append(')');
            }
            out.append('\n');
        }
        return out.toString();
    }

    private record Resolved(String raw, JsFrame frame, SourceMap.Position position) {
    }

    /** Marks a lookup that needed something not in memory. */
    private static final List<Resolved> NOT_LOADED = List.of();

    private List<Resolved> resolve(String projectId, String release, String stack) {
        return resolve(projectId, release, stack, true);
    }

    private List<Resolved> resolve(String projectId, String release, String stack, boolean mayLoad) {
        if (stack == null || stack.isEmpty() || release == null) {
            return null;
        }
        ReleaseKey key = new ReleaseKey(projectId, release);
        List<SourceMapStore.Stored> maps = mayLoad ? mapsOfRelease.get(key) : mapsOfRelease.getIfPresent(key);
        if (maps == null) {
            return NOT_LOADED;
        }
        if (maps.isEmpty()) {
            return null;
        }
        List<Resolved> out = new ArrayList<>();
        boolean any = false;
        for (String line : stack.split("\n")) {
            String raw = line.strip();
            if (raw.isEmpty()) {
                continue;
            }
            JsFrame frame = JsFrame.parse(raw);
            SourceMap.Position position = null;
            if (frame != null) {
                for (SourceMapStore.Stored stored : maps) {
                    if (frame.matches(stored.fileName())) {
                        Optional<SourceMap> map = mayLoad ? load(stored) : parsed.getIfPresent(stored.id());
                        if (map == null) {
                            return NOT_LOADED;
                        }
                        position = map.map(m -> m.lookup(frame.line() - 1, frame.column() - 1)).orElse(null);
                        break;
                    }
                }
            }
            any |= position != null;
            out.add(new Resolved(raw, frame, position));
        }
        return any ? out : null;
    }

    /**
     * A frame's original function name is the name its caller used at the call site (the next
     * mapped frame's token); failing that, the name the engine printed.
     */
    private static String functionName(List<Resolved> frames, int i) {
        for (int j = i + 1; j < frames.size(); j++) {
            Resolved caller = frames.get(j);
            if (caller.frame() != null) {
                if (caller.position() != null && caller.position().name() != null) {
                    return caller.position().name();
                }
                break;
            }
        }
        return frames.get(i).frame() == null ? null : frames.get(i).frame().function();
    }

    private Optional<SourceMap> load(SourceMapStore.Stored stored) {
        return parsed.get(stored.id(), id -> store.data(id, stored.projectId()).flatMap(gz -> {
            try {
                return Optional.of(parser.parse(gunzip(gz)));
            } catch (InvalidSourceMapException e) {
                LOG.warn("Stored source map {} no longer parses: {}", id, e.getMessage());
                return Optional.empty();
            }
        }));
    }

    static byte[] gunzip(byte[] gz) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readNBytes(MAX_DECOMPRESSED);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
