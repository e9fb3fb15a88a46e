package dev.bloop.service.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.api.AlertRuleConfig;
import java.util.List;

/**
 * A rule's {@code config} between the API's records and its stored JSON (the same JSON the API
 * shows): the checks that span fields, and the defaults filled in before it is stored.
 */
final class RuleConfigs {
    static final String NEW_ISSUE = AlertRuleConfig.NEW_ISSUE;
    static final String REGRESSION = AlertRuleConfig.REGRESSION;
    static final String THRESHOLD = AlertRuleConfig.THRESHOLD;
    static final String SPIKE = AlertRuleConfig.SPIKE;
    static final List<String> TYPES = List.of(NEW_ISSUE, REGRESSION, THRESHOLD, SPIKE);

    private RuleConfigs() {
    }

    /** The config as stored, with its defaults; the single-field rules were checked by Bean Validation. */
    static ObjectNode normalize(AlertRuleConfig config, ObjectMapper json, ExternalRules external)
            throws InvalidAlertException {
        if (config instanceof AlertRuleConfig.SpikeRule s) {
            if (s.baselineWindowSecs() <= s.compareWindowSecs()) {
                throw new InvalidAlertException("config.baseline_window_secs",
                        "config.baseline_window_secs must be longer than config.compare_window_secs");
            }
            config = new AlertRuleConfig.SpikeRule(s.multiplier(), s.compareWindowSecs(), s.baselineWindowSecs(),
                    s.minEvents() == null ? AlertRuleConfig.SpikeRule.DEFAULT_MIN_EVENTS : s.minEvents());
        }
        ObjectNode stored;
        try {
            stored = (ObjectNode) json.readTree(json.writerFor(AlertRuleConfig.class).writeValueAsString(config));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (TYPES.contains(config.type())) {
            return stored;
        }
        // A module's rule type (LLM tracing): its module checks the settings and fills the defaults.
        if (!external.has(config.type())) {
            throw new InvalidAlertException("config.type", "config.type " + config.type() + " needs its module: "
                    + "switch LLM tracing on (llm_tracing.enabled) to use it");
        }
        return external.validate(config.type(), stored);
    }

    /** The stored config as the API shows it; null when what is stored is not a config (never written by bloop). */
    static AlertRuleConfig typed(ObjectNode stored, ObjectMapper json) {
        try {
            return json.treeToValue(stored, AlertRuleConfig.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }
}
