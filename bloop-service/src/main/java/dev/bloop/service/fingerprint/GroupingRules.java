package dev.bloop.service.fingerprint;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.store.Database;
import dev.bloop.service.store.Nodes;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every project's in-app rules, held in memory for the ingest thread: {@link #forProject} is a map
 * lookup, never a database read. All rules are read once at start (a row per project that has
 * rules), and a change is written to the database first, then replaces the project's entry, so the
 * next event grouped already uses it. Groups made earlier keep their fingerprints.
 */
public final class GroupingRules {
    private static final String TOPIC = "grouping_rules";

    private final GroupingRulesStore store;
    private final Map<String, InAppRules> byProject = new ConcurrentHashMap<>();

    private final Nodes nodes;

    public GroupingRules(Database db, ObjectMapper json) {
        this.store = new GroupingRulesStore(db, json);
        this.nodes = db.nodes();
        load();
        nodes.onChange(TOPIC, this::load);
    }

    /** The rules as stored: at start, and when another node saved a project's rules. */
    private void load() {
        Map<String, InAppRules> stored = new HashMap<>();
        for (GroupingRulesStore.Stored s : store.all()) {
            stored.put(s.projectId(), s.rules());
        }
        byProject.keySet().retainAll(stored.keySet());
        byProject.putAll(stored);
    }

    /** The project's rules, or {@link InAppRules#NONE}; no I/O. */
    public InAppRules forProject(String projectId) {
        return byProject.getOrDefault(projectId, InAppRules.NONE);
    }

    Optional<GroupingRulesStore.Stored> find(String projectId) {
        return store.find(projectId);
    }

    GroupingRulesStore.Stored save(String projectId, List<String> include, List<String> exclude, String actor) {
        GroupingRulesStore.Stored saved = store.save(projectId, include, exclude, actor, System.currentTimeMillis());
        // Two saves racing: the entry ends as the higher version, which is what the database holds.
        byProject.merge(projectId, saved.rules(), (old, now) -> now.version() >= old.version() ? now : old);
        nodes.changed(TOPIC);
        return saved;
    }
}
