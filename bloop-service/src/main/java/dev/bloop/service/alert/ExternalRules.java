package dev.bloop.service.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Alert rule types that an optional module evaluates itself (the LLM module's cost, error-rate and
 * latency rules), stored, listed and edited like every rule through {@code /v1/alerts}, and sent
 * through the rules' channels with their cooldowns and delivery log. The module registers each type
 * with a validator for its {@code config}, reads the enabled rules, and calls {@link #fire}.
 */
public final class ExternalRules {
    /** Checks and normalizes a rule's {@code config} (its {@code type} included); throws naming the key at fault. */
    @FunctionalInterface
    public interface Validator {
        ObjectNode validate(JsonNode config) throws InvalidAlertException;
    }

    /** An enabled rule of an external type. */
    public record Rule(long id, String projectId, String name, String type, ObjectNode config, long cooldownSecs) {
    }

    /**
     * What a rule found.
     *
     * @param key    what the cooldown is kept per (a model, or the whole project)
     * @param title  the headline ("LLM cost")
     * @param detail the sentence ("$12.40 spent in the last 3600 s, over $10.00")
     * @param count  the calls behind it
     * @param reason short, for the delivery log and webhook {@code reason}
     * @param path   where in the dashboard to look, from the base URL ({@code /llm?model=gpt-4o})
     */
    public record Alert(String key, String title, String detail, long count, String reason, String path) {
    }

    private final Map<String, Validator> types = new ConcurrentHashMap<>();
    private AlertStore store;
    private AlertService service;
    private Dispatcher dispatcher;
    private String baseUrl;

    ExternalRules() {
    }

    void bind(AlertStore store, AlertService service, Dispatcher dispatcher, String baseUrl) {
        this.store = store;
        this.service = service;
        this.dispatcher = dispatcher;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public void register(String type, Validator validator) {
        types.put(type, validator);
    }

    boolean has(String type) {
        return types.containsKey(type);
    }

    Collection<String> names() {
        return types.keySet();
    }

    ObjectNode validate(String type, JsonNode config) throws InvalidAlertException {
        return types.get(type).validate(config);
    }

    /** Enabled rules of these types, in every project. */
    public List<Rule> enabled(List<String> ruleTypes) {
        return store.enabledRules(ruleTypes).stream()
                .map(r -> new Rule(r.id(), r.projectId(), r.name(), r.type(), r.config(), r.cooldownSecs()))
                .toList();
    }

    /**
     * Sends the alert through the rule's channels unless the rule fired for the same key within its
     * cooldown; true when it was sent.
     */
    public boolean fire(Rule rule, Alert alert, long now) {
        if (!store.claimCooldown(rule.id(), alert.key(), now, rule.cooldownSecs() * 1000)) {
            return false;
        }
        Notification n = new Notification(new Notification.RuleRef(rule.id(), rule.name(), rule.type()),
                rule.projectId(), null, alert.title(), alert.detail(), null, null, alert.count(), alert.reason(),
                baseUrl + alert.path(), now, "bloop", null);
        dispatcher.dispatch(rule.id(), service.targets(rule.id()), n);
        return true;
    }
}
