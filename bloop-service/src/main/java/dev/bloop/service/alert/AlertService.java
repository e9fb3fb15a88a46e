package dev.bloop.service.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.api.AlertChannel;
import dev.bloop.api.AlertDelivery;
import dev.bloop.api.AlertRule;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Rules and channels of a project: validation, partial updates, the targets a rule sends to. */
final class AlertService {
    private static final Set<String> RULE_FIELDS = Set.of("name", "description", "enabled", "cooldown_secs",
            "environment_filter", "source_filter", "config");
    private static final int MAX_NAME = 200;
    private static final int MAX_DESCRIPTION = 2000;
    private static final long MAX_COOLDOWN_SECS = 30L * 24 * 3600;

    private final AlertStore store;
    private final Dispatcher dispatcher;
    private final ObjectMapper json;
    private final long defaultCooldownSecs;
    private final List<Dispatcher.Target> defaults;
    private volatile Runnable rulesChanged = () -> { };

    AlertService(AlertStore store, Dispatcher dispatcher, ObjectMapper json, long defaultCooldownSecs,
                 List<Dispatcher.Target> defaults) {
        this.store = store;
        this.dispatcher = dispatcher;
        this.json = json;
        this.defaultCooldownSecs = defaultCooldownSecs;
        this.defaults = List.copyOf(defaults);
    }

    /** Told after every rule change, so that evaluation picks it up at once. */
    void onRulesChanged(Runnable listener) {
        this.rulesChanged = listener;
    }

    List<AlertRule> list(String projectId) {
        return store.rules(projectId).stream().map(this::wire).toList();
    }

    Optional<AlertRule> get(String projectId, long id) {
        return store.rule(projectId, id).map(this::wire);
    }

    AlertRule create(String projectId, JsonNode body) throws InvalidAlertException {
        requireObject(body);
        String name = name(body.get("name"), true);
        long now = System.currentTimeMillis();
        AlertStore.Rule rule = new AlertStore.Rule(0, projectId, name, description(body.get("description")),
                null, RuleConfigs.validate(body.get("config")), bool(body, "enabled", true),
                cooldown(body.get("cooldown_secs"), defaultCooldownSecs),
                filter(body.get("environment_filter"), "environment_filter"), filter(body.get("source_filter"), "source_filter"),
                now, now);
        rule = new AlertStore.Rule(0, projectId, rule.name(), rule.description(), rule.config().get("type").asText(),
                rule.config(), rule.enabled(), rule.cooldownSecs(), rule.environmentFilter(), rule.sourceFilter(), now, now);
        AlertRule created = wire(store.insertRule(rule));
        rulesChanged.run();
        return created;
    }

    /** Partial: only the fields present change; {@code null} clears an optional one. */
    Optional<AlertRule> update(String projectId, long id, JsonNode body) throws InvalidAlertException {
        requireObject(body);
        Optional<AlertStore.Rule> existing = store.rule(projectId, id);
        if (existing.isEmpty()) {
            return Optional.empty();
        }
        AlertStore.Rule r = existing.get();
        ObjectNode config = body.has("config") ? RuleConfigs.validate(body.get("config")) : r.config();
        AlertStore.Rule updated = new AlertStore.Rule(r.id(), projectId,
                body.has("name") ? name(body.get("name"), true) : r.name(),
                body.has("description") ? description(body.get("description")) : r.description(),
                config.get("type").asText(), config,
                bool(body, "enabled", r.enabled()),
                body.has("cooldown_secs") ? cooldown(body.get("cooldown_secs"), defaultCooldownSecs) : r.cooldownSecs(),
                body.has("environment_filter") ? filter(body.get("environment_filter"), "environment_filter") : r.environmentFilter(),
                body.has("source_filter") ? filter(body.get("source_filter"), "source_filter") : r.sourceFilter(),
                r.createdAt(), System.currentTimeMillis());
        store.updateRule(updated);
        rulesChanged.run();
        return store.rule(projectId, id).map(this::wire);
    }

    boolean delete(String projectId, long id) {
        boolean deleted = store.deleteRule(projectId, id);
        rulesChanged.run();
        return deleted;
    }

    Optional<AlertChannel> addChannel(String projectId, long ruleId, JsonNode body) throws InvalidAlertException {
        if (store.rule(projectId, ruleId).isEmpty()) {
            return Optional.empty();
        }
        JsonNode config = body != null && body.has("config") && body.size() == 1 ? body.get("config") : body;
        ObjectNode valid = ChannelConfigs.validate(config, dispatcher.guard(), dispatcher.smtpEnabled());
        AlertStore.Channel c = store.insertChannel(ruleId, valid.get("type").asText(), valid, System.currentTimeMillis());
        return Optional.of(new AlertChannel(c.id(), c.ruleId(), c.type(), ChannelConfigs.created(c.config()), c.createdAt()));
    }

    Optional<List<AlertChannel>> channels(String projectId, long ruleId) {
        if (store.rule(projectId, ruleId).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(store.channels(ruleId).stream().map(this::wire).toList());
    }

    boolean deleteChannel(String projectId, long ruleId, long channelId) {
        return store.rule(projectId, ruleId).isPresent() && store.deleteChannel(ruleId, channelId);
    }

    /** The rule's channels, or the configured defaults (BLOOP_SLACK_WEBHOOK_URL, BLOOP_WEBHOOK_URL) when it has none. */
    List<Dispatcher.Target> targets(long ruleId) {
        List<Dispatcher.Target> targets = new ArrayList<>();
        for (AlertStore.Channel c : store.channels(ruleId)) {
            targets.add(new Dispatcher.Target(c.id(), c.type(), c.config()));
        }
        return targets.isEmpty() ? defaults : targets;
    }

    Optional<List<Dispatcher.Result>> test(String projectId, long ruleId) {
        Optional<AlertStore.Rule> rule = store.rule(projectId, ruleId);
        if (rule.isEmpty()) {
            return Optional.empty();
        }
        AlertStore.Rule r = rule.get();
        long now = System.currentTimeMillis();
        Notification n = new Notification(new Notification.RuleRef(r.id(), r.name(), r.type()), projectId, null,
                "TestNotification", "Test notification from bloop alert rule #" + r.id(), null, null, 0,
                "Test", null, now, "bloop");
        return Optional.of(dispatcher.test(ruleId, targets(ruleId), n));
    }

    Optional<List<AlertDelivery>> deliveries(String projectId, long ruleId, int limit) {
        if (store.rule(projectId, ruleId).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(store.deliveries(ruleId, limit));
    }

    private AlertRule wire(AlertStore.Rule r) {
        return new AlertRule(r.id(), r.name(), r.description(), r.projectId(), r.enabled(), r.cooldownSecs(),
                r.environmentFilter(), r.sourceFilter(), r.config(), r.createdAt(), r.updatedAt());
    }

    private AlertChannel wire(AlertStore.Channel c) {
        return new AlertChannel(c.id(), c.ruleId(), c.type(), ChannelConfigs.redacted(c.config()), c.createdAt());
    }

    private static void requireObject(JsonNode body) throws InvalidAlertException {
        if (body == null || !body.isObject()) {
            throw new InvalidAlertException(null, "the body must be a JSON object");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!RULE_FIELDS.contains(f)) {
                throw new InvalidAlertException(f, "unknown field '" + f + "'");
            }
        }
    }

    private static String name(JsonNode v, boolean required) throws InvalidAlertException {
        if (v == null || v.isNull()) {
            if (required) {
                throw new InvalidAlertException("name", "name is required");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > MAX_NAME) {
            throw new InvalidAlertException("name", "name must be 1-" + MAX_NAME + " characters");
        }
        return v.asText().strip();
    }

    private static String description(JsonNode v) throws InvalidAlertException {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().length() > MAX_DESCRIPTION) {
            throw new InvalidAlertException("description", "description must be a string of at most " + MAX_DESCRIPTION);
        }
        return v.asText();
    }

    private static boolean bool(JsonNode body, String field, boolean fallback) throws InvalidAlertException {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new InvalidAlertException(field, field + " must be true or false");
        }
        return v.asBoolean();
    }

    private static long cooldown(JsonNode v, long fallback) throws InvalidAlertException {
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > MAX_COOLDOWN_SECS) {
            throw new InvalidAlertException("cooldown_secs", "cooldown_secs must be a whole number from 0 to " + MAX_COOLDOWN_SECS);
        }
        return v.asLong();
    }

    private static String filter(JsonNode v, String field) throws InvalidAlertException {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new InvalidAlertException(field, field + " must be a non-empty string or null");
        }
        return v.asText();
    }
}
