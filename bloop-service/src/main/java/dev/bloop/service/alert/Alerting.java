package dev.bloop.service.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.bloop.service.store.Database;
import io.dropwizard.core.setup.Environment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds the alerting parts and registers them: the API, the engine (a flush listener) and delivery. */
public final class Alerting {
    /** Rules changed on one node: the others' alert engines read them again. */
    private static final String RULES_TOPIC = "alert_rules";

    private final AlertEngine engine;
    private final Dispatcher dispatcher;
    private final AlertsResource resource;
    private final ExternalRules external;

    private Alerting(AlertEngine engine, Dispatcher dispatcher, AlertsResource resource, ExternalRules external) {
        this.external = external;
        this.engine = engine;
        this.dispatcher = dispatcher;
        this.resource = resource;
    }

    /**
     * {@code env}: the process environment, for BLOOP_SLACK_WEBHOOK_URL and BLOOP_WEBHOOK_URL, which
     * take precedence over {@code alerting.default_slack_webhook_url} / {@code default_webhook_url}.
     */
    public static Alerting create(Database db, ObjectMapper json, AlertConfig config, SmtpConfig smtp, Map<String, String> env) {
        AlertStore store = new AlertStore(db, json);
        store.failAbandoned(System.currentTimeMillis(), db.nodes().shared());
        Dispatcher dispatcher = new Dispatcher(store, json, config, smtp);
        List<Dispatcher.Target> defaults = new ArrayList<>();
        String slack = env.getOrDefault("BLOOP_SLACK_WEBHOOK_URL", config.getDefaultSlackWebhookUrl());
        String webhook = env.getOrDefault("BLOOP_WEBHOOK_URL", config.getDefaultWebhookUrl());
        if (slack != null && !slack.isBlank()) {
            defaults.add(new Dispatcher.Target(null, ChannelConfigs.SLACK,
                    JsonNodeFactory.instance.objectNode().put("type", ChannelConfigs.SLACK).put("webhook_url", slack)));
        }
        if (webhook != null && !webhook.isBlank()) {
            defaults.add(new Dispatcher.Target(null, ChannelConfigs.WEBHOOK,
                    JsonNodeFactory.instance.objectNode().put("type", ChannelConfigs.WEBHOOK).put("url", webhook)));
        }
        ExternalRules external = new ExternalRules();
        AlertService service = new AlertService(store, dispatcher, json, config.getDefaultCooldownSecs(), defaults,
                external);
        external.bind(store, service, dispatcher, config.getBaseUrl());
        AlertEngine engine = new AlertEngine(store, dispatcher, service, config, db.nodes());
        service.onRulesChanged(() -> {
            engine.rulesChanged();
            db.nodes().changed(RULES_TOPIC);
        });
        db.nodes().onChange(RULES_TOPIC, engine::rulesChanged);
        return new Alerting(engine, dispatcher, new AlertsResource(service), external);
    }

    public AlertEngine engine() {
        return engine;
    }

    /** Rule types that optional modules evaluate themselves, sent through the same channels. */
    public ExternalRules externalRules() {
        return external;
    }

    /** Registers the API and the lifecycles (to stop after the writer has drained). */
    public void register(Environment environment) {
        environment.jersey().register(resource);
        environment.lifecycle().manage(dispatcher);
        environment.lifecycle().manage(engine);
    }
}
