package dev.bloop.service.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.api.AlertChannel;
import dev.bloop.api.AlertChannelConfig;
import dev.bloop.api.AlertDelivery;
import dev.bloop.api.AlertRule;
import dev.bloop.api.AlertRuleConfig;
import dev.bloop.api.AlertRuleCreate;
import dev.bloop.api.AlertRuleUpdate;
import dev.bloop.api.AlertTestResults;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Rules and channels of a project: validation, partial updates, the targets a rule sends to. */
final class AlertService {
    private final AlertStore store;
    private final Dispatcher dispatcher;
    private final ObjectMapper json;
    private final long defaultCooldownSecs;
    private final List<Dispatcher.Target> defaults;
    private volatile Runnable rulesChanged = () -> { };
    private final ExternalRules external;

    AlertService(AlertStore store, Dispatcher dispatcher, ObjectMapper json, long defaultCooldownSecs,
                 List<Dispatcher.Target> defaults, ExternalRules external) {
        this.external = external;
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

    AlertRule create(String projectId, AlertRuleCreate body) throws InvalidAlertException {
        ObjectNode config = RuleConfigs.normalize(body.config(), json, external);
        long now = System.currentTimeMillis();
        AlertStore.Rule rule = new AlertStore.Rule(0, projectId, body.name().strip(), body.description(),
                body.config().type(), config, body.enabled() == null || body.enabled(),
                body.cooldownSecs() == null ? defaultCooldownSecs : body.cooldownSecs(),
                body.environmentFilter(), body.sourceFilter(), now, now);
        AlertRule created = wire(store.insertRule(rule));
        rulesChanged.run();
        return created;
    }

    /** Partial: only the fields present change; {@code null} clears an optional one. */
    Optional<AlertRule> update(String projectId, long id, AlertRuleUpdate body) throws InvalidAlertException {
        Optional<AlertStore.Rule> existing = store.rule(projectId, id);
        if (existing.isEmpty()) {
            return Optional.empty();
        }
        AlertStore.Rule r = existing.get();
        String name = body.name() == null ? r.name() : body.name()
                .orElseThrow(() -> new InvalidAlertException("name", "name is required")).strip();
        ObjectNode config = r.config();
        String type = r.type();
        if (body.config() != null) {
            AlertRuleConfig c = body.config()
                    .orElseThrow(() -> new InvalidAlertException("config", "config must be an object with a type"));
            config = RuleConfigs.normalize(c, json, external);
            type = c.type();
        }
        AlertStore.Rule updated = new AlertStore.Rule(r.id(), projectId, name,
                body.description() == null ? r.description() : body.description().orElse(null),
                type, config,
                body.enabled() == null ? r.enabled() : body.enabled().orElse(r.enabled()),
                body.cooldownSecs() == null ? r.cooldownSecs() : body.cooldownSecs().orElse(defaultCooldownSecs),
                body.environmentFilter() == null ? r.environmentFilter() : body.environmentFilter().orElse(null),
                body.sourceFilter() == null ? r.sourceFilter() : body.sourceFilter().orElse(null),
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

    Optional<AlertChannel> addChannel(String projectId, long ruleId, AlertChannelConfig body) throws InvalidAlertException {
        if (store.rule(projectId, ruleId).isEmpty()) {
            return Optional.empty();
        }
        ObjectNode valid = ChannelConfigs.validate(body, dispatcher.guard(), dispatcher.smtpEnabled());
        AlertStore.Channel c = store.insertChannel(ruleId, body.type(), valid, System.currentTimeMillis());
        return Optional.of(new AlertChannel(c.id(), c.ruleId(), c.type(),
                ChannelConfigs.typed(ChannelConfigs.created(c.config()), json), c.createdAt()));
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

    Optional<AlertTestResults> test(String projectId, long ruleId) {
        Optional<AlertStore.Rule> rule = store.rule(projectId, ruleId);
        if (rule.isEmpty()) {
            return Optional.empty();
        }
        AlertStore.Rule r = rule.get();
        long now = System.currentTimeMillis();
        Notification n = new Notification(new Notification.RuleRef(r.id(), r.name(), r.type()), projectId, null,
                "TestNotification", "Test notification from bloop alert rule #" + r.id(), null, null, 0,
                "Test", null, now, "bloop", null);
        return Optional.of(new AlertTestResults(dispatcher.test(ruleId, targets(ruleId), n)));
    }

    Optional<List<AlertDelivery>> deliveries(String projectId, long ruleId, int limit) {
        if (store.rule(projectId, ruleId).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(store.deliveries(ruleId, limit));
    }

    private AlertRule wire(AlertStore.Rule r) {
        return new AlertRule(r.id(), r.name(), r.description(), r.projectId(), r.enabled(), r.cooldownSecs(),
                r.environmentFilter(), r.sourceFilter(), RuleConfigs.typed(r.config(), json), r.createdAt(), r.updatedAt());
    }

    private AlertChannel wire(AlertStore.Channel c) {
        return new AlertChannel(c.id(), c.ruleId(), c.type(), ChannelConfigs.typed(ChannelConfigs.redacted(c.config()), json),
                c.createdAt());
    }
}
