package dev.bloop.service.llm;

import dev.bloop.api.llm.LlmSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Handle;
import dev.bloop.service.store.Nodes;
import org.jdbi.v3.core.Jdbi;

/**
 * Each project's content storage and its own prices, held in memory for the ingest and writer
 * threads (read once at start and then every {@code cache_ttl_secs}, so that a change made by another
 * node on the same database applies within that bound; a change made here applies at once). A
 * project that never chose has the configured default: the stored choice is never forgotten, unlike
 * a cache that only remembers recent reads.
 */
final class Policies {
    private static final String TOPIC = "llm_settings";

    /** A project's stored content storage choice. */
    record Setting(ContentStorage storage, long updatedAt, String updatedBy) {
    }

    private final Jdbi writer;
    private final Jdbi reader;
    private final ContentStorage fallback;
    private final PriceBook.Shipped shipped;
    private final AtomicReference<Map<String, Setting>> settings = new AtomicReference<>(Map.of());
    private final AtomicReference<PriceBook> book = new AtomicReference<>();

    private final Nodes nodes;

    /** @param nodes other nodes are told of a changed setting or price at once (else they read them every TTL) */
    Policies(Jdbi writer, Jdbi reader, ContentStorage fallback, PriceBook.Shipped shipped, Nodes nodes) {
        this.nodes = nodes;
        nodes.onChange(TOPIC, this::reload);
        this.writer = writer;
        this.reader = reader;
        this.fallback = fallback;
        this.shipped = shipped;
        this.book.set(PriceBook.of(shipped, Map.of()));
    }

    /**
     * Reads both from the database; true when the prices differ from those held (changed by another
     * node, which also recomputed the stored costs).
     */
    boolean reload() {
        Map<String, Setting> s = new HashMap<>();
        reader.useHandle(h -> h.createQuery("SELECT project_id, content_storage, updated_at, updated_by FROM llm_settings")
                .map((rs, ctx) -> {
                    String project = rs.getString(1);
                    Setting setting = ContentStorage.parse(rs.getString(2))
                            .map(c -> new Setting(c, 0, null)).orElse(null);
                    if (setting != null) {
                        s.put(project, new Setting(setting.storage(), rs.getLong(3), rs.getString(4)));
                    }
                    return Boolean.TRUE;
                }).list());
        settings.set(Map.copyOf(s));
        Map<String, List<Price>> overrides = reader.withHandle(PriceOverrides::all);
        PriceBook current = book.get();
        if (!overrides.equals(current.allOverrides())) {
            book.set(current.withOverrides(overrides));
            return true;
        }
        return false;
    }

    ContentStorage storage(String projectId) {
        Setting s = settings.get().get(projectId);
        return s == null ? fallback : s.storage();
    }

    LlmSettings view(String projectId) {
        Setting s = settings.get().get(projectId);
        return s == null ? new LlmSettings(projectId, fallback.wire(), "default", null, null)
                : new LlmSettings(projectId, s.storage().wire(), "project", s.updatedAt(), s.updatedBy());
    }

    /** Stores the project's choice (one small transaction) and applies it to ingest at once. */
    LlmSettings setStorage(String projectId, ContentStorage storage, String actor, long now) {
        writer.useHandle(h -> h.createUpdate("INSERT INTO llm_settings (project_id, content_storage, updated_at, "
                        + "updated_by) VALUES (:p, :c, :now, :by) ON CONFLICT (project_id) DO UPDATE SET "
                        + "content_storage = excluded.content_storage, updated_at = excluded.updated_at, "
                        + "updated_by = excluded.updated_by")
                .bind("p", projectId).bind("c", storage.wire()).bind("now", now).bind("by", actor).execute());
        settings.updateAndGet(m -> {
            Map<String, Setting> copy = new HashMap<>(m);
            copy.put(projectId, new Setting(storage, now, actor));
            return Map.copyOf(copy);
        });
        nodes.changed(TOPIC);
        return view(projectId);
    }

    PriceBook book() {
        return book.get();
    }

    PriceBook.Shipped shipped() {
        return shipped;
    }

    /** Replaces the project's own prices (one transaction) and the book at once; returns the new book. */
    PriceBook setOverrides(String projectId, List<Price> prices, long now) {
        writer.useTransaction(h -> PriceOverrides.replace(h, projectId, prices, now));
        PriceBook changed = book.updateAndGet(b -> {
            Map<String, List<Price>> copy = new HashMap<>(b.allOverrides());
            if (prices.isEmpty()) {
                copy.remove(projectId);
            } else {
                copy.put(projectId, List.copyOf(prices));
            }
            return b.withOverrides(copy);
        });
        nodes.changed(TOPIC);
        return changed;
    }

    void forget(String projectId) {
        settings.updateAndGet(m -> {
            Map<String, Setting> copy = new HashMap<>(m);
            copy.remove(projectId);
            return Map.copyOf(copy);
        });
        book.updateAndGet(b -> {
            Map<String, List<Price>> copy = new HashMap<>(b.allOverrides());
            copy.remove(projectId);
            return b.withOverrides(copy);
        });
    }

    /** SQL of {@code llm_price_overrides}. */
    static final class PriceOverrides {
        private PriceOverrides() {
        }

        static Map<String, List<Price>> all(Handle h) {
            Map<String, List<Price>> out = new HashMap<>();
            h.createQuery("SELECT project_id, model, match_kind, provider, effective_from, input, cache_read, "
                            + "cache_write_5m, cache_write_1h, output, reasoning FROM llm_price_overrides "
                            + "ORDER BY project_id, position")
                    .map((rs, ctx) -> {
                        out.computeIfAbsent(rs.getString(1), k -> new java.util.ArrayList<>()).add(Price.of(
                                rs.getString(2), "regex".equals(rs.getString(3)), rs.getString(4), rs.getLong(5),
                                rs.getLong(6), rs.getObject(7, Long.class), rs.getObject(8, Long.class),
                                rs.getObject(9, Long.class), rs.getLong(10), rs.getObject(11, Long.class)));
                        return Boolean.TRUE;
                    }).list();
            Map<String, List<Price>> frozen = new HashMap<>();
            out.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
            return frozen;
        }

        static void replace(Handle h, String projectId, List<Price> prices, long now) {
            h.createUpdate("DELETE FROM llm_price_overrides WHERE project_id = :p").bind("p", projectId).execute();
            int position = 0;
            for (Price p : prices) {
                h.createUpdate("INSERT INTO llm_price_overrides (project_id, position, model, match_kind, provider, "
                                + "effective_from, input, cache_read, cache_write_5m, cache_write_1h, output, reasoning, "
                                + "updated_at) VALUES (:p, :pos, :m, :k, :prov, :from, :in, :read, :w5, :w1, :out, :r, :now)")
                        .bind("p", projectId).bind("pos", position++).bind("m", p.model())
                        .bind("k", p.regex() ? "regex" : "exact").bind("prov", p.provider())
                        .bind("from", p.effectiveFrom()).bind("in", p.input()).bind("read", p.cacheRead())
                        .bind("w5", p.cacheWrite5m()).bind("w1", p.cacheWrite1h()).bind("out", p.output())
                        .bind("r", p.reasoning()).bind("now", now).execute();
            }
        }
    }

    Optional<Setting> stored(String projectId) {
        return Optional.ofNullable(settings.get().get(projectId));
    }
}
