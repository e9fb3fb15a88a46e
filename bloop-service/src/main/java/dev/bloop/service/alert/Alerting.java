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
    private final AlertEngine engine;
    private final Dispatcher dispatcher;
    private final AlertsResource resource;

    private Alerting(AlertEngine engine, Dispatcher dispatcher, AlertsResource resource) {
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
        store.failAbandoned(System.currentTimeMillis());
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
        AlertService service = new AlertService(store, dispatcher, json, config.getDefaultCooldownSecs(), defaults);
        AlertEngine engine = new AlertEngine(store, dispatcher, service, config);
        service.onRulesChanged(engine::rulesChanged);
        return new Alerting(engine, dispatcher, new AlertsResource(service));
    }

    public AlertEngine engine() {
        return engine;
    }

    /** Registers the API and the lifecycles (to stop after the writer has drained). */
    public void register(Environment environment) {
        environment.jersey().register(resource);
        environment.lifecycle().manage(dispatcher);
        environment.lifecycle().manage(engine);
    }
}
