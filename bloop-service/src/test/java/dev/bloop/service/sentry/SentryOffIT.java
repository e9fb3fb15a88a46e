package dev.bloop.service.sentry;

import static dev.bloop.service.auth.WebSession.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.auth.Ceremonies;
import dev.bloop.service.auth.WebSession;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Switched off (the default outside the shipped config.yml), the Sentry routes say how to switch them on. */
@ExtendWith(DropwizardExtensionsSupport.class)
class SentryOffIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp();
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();

    @Test
    void sentryRoutesAnswer404WithTheSettingThatTurnsThemOnAndProjectsShowNoDsn() {
        HttpResponse<String> r = SentryWire.post(BLOOP, "/api/1/envelope/", SentryWire.utf8("{}\n"));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).get("error").asText()).contains("sentry.enabled: true").contains("BLOOP__SENTRY__ENABLED");
        WebSession admin = Ceremonies.registerFirstAdmin(BLOOP, "ann", Ceremonies.passkey(BLOOP));
        assertThat(json(admin.get("/v1/projects/default")).has("dsn")).isFalse();
    }
}
