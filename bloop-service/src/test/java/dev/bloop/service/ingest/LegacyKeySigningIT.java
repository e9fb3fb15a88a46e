package dev.bloop.service.ingest;

import static dev.bloop.service.auth.WebSession.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.api.Signatures;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.auth.Ceremonies;
import dev.bloop.service.auth.WebSession;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Apps that ship the original bloop SDKs send {@code X-Project-Key: <public key>} and sign with that
 * same public key. An operator can let chosen projects accept that ({@code auth.legacy_key_signing},
 * here through {@code BLOOP__AUTH__LEGACY_KEY_SIGNING=default,mobile}); every other project keeps
 * refusing it, and the server says loudly which projects accept it. The bodies below are the wire
 * format of those SDKs as the reference describes it (they are on no registry here).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class LegacyKeySigningIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of("BLOOP__AUTH__LEGACY_KEY_SIGNING", "default,mobile"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static WebSession admin;
    private static String defaultKey;

    @BeforeAll
    static void setUp() {
        admin = Ceremonies.registerFirstAdmin(BLOOP, "ann", Ceremonies.passkey(BLOOP));
        defaultKey = json(admin.get("/v1/projects/default")).get("ingest_key").asText();
        BLOOP.addProject("p-mobile", "mobile", "bloop_pk_mobile", "bloop_sk_mobile_secret_0123456789");
        BLOOP.addProject("p-web", "web", "bloop_pk_web", "bloop_sk_web_secret_0123456789");
    }

    private static HttpResponse<String> send(String path, String body, String projectKey, String hmacKey) {
        return BLOOP.post(path, body, Map.of("Content-Type", "application/json", "X-Project-Key", projectKey,
                "X-Signature", Signatures.sign(hmacKey, body)));
    }

    /** bloop-js: always the batch endpoint; global handlers add {unhandled, mechanism} metadata. */
    private static String bloopJsBatch(String message) {
        return "{\"events\":[{\"timestamp\":" + System.currentTimeMillis() + ",\"source\":\"api\",\"environment\":"
                + "\"production\",\"release\":\"1.4.0\",\"error_type\":\"TypeError\",\"message\":\"" + message + "\","
                + "\"stack\":\"TypeError: " + message + "\\n    at handler (/srv/app/routes.js:12:5)\","
                + "\"route_or_procedure\":\"/api/cart\",\"metadata\":{\"unhandled\":true,\"mechanism\":\"onerror\"}}]}";
    }

    /** bloop-python: one event to /v1/ingest, unset optional fields as explicit nulls. */
    private static String bloopPythonEvent(String message) {
        return "{\"timestamp\":" + System.currentTimeMillis() + ",\"source\":\"python\",\"environment\":\"production\","
                + "\"release\":\"2.0.1\",\"error_type\":\"KeyError\",\"message\":\"" + message + "\",\"app_version\":null,"
                + "\"build_number\":null,\"route_or_procedure\":null,\"screen\":null,\"stack\":null,\"http_status\":null,"
                + "\"request_id\":null,\"user_id_hash\":null,\"device_id_hash\":null,\"fingerprint\":null,"
                + "\"metadata\":null}";
    }

    @Test
    void listedProjectsAcceptTheOriginalSdksSignatureKeyedWithThePublicKey() {
        HttpResponse<String> js = send("/v1/ingest/batch", bloopJsBatch("legacy js"), defaultKey, defaultKey);
        assertThat(js.statusCode()).as(js.body()).isEqualTo(200);
        assertThat(json(js).get("accepted").asInt()).isEqualTo(1);
        HttpResponse<String> py = send("/v1/ingest", bloopPythonEvent("legacy python"), "bloop_pk_mobile",
                "bloop_pk_mobile");
        assertThat(py.statusCode()).as(py.body()).isEqualTo(200);
        // The secret keeps working beside it, so apps can move over one release at a time.
        assertThat(send("/v1/ingest", bloopPythonEvent("legacy secret"), "bloop_pk_mobile",
                "bloop_sk_mobile_secret_0123456789").statusCode()).isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE message = 'legacy js' AND project_id = 'default'", 1);
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE message LIKE 'legacy %' AND project_id = 'p-mobile'", 2);
    }

    @Test
    void projectsNotListedStillRefuseIt() {
        HttpResponse<String> r = send("/v1/ingest/batch", bloopJsBatch("not listed"), "bloop_pk_web", "bloop_pk_web");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).get("error").asText()).contains("does not match");
        assertThat(send("/v1/ingest/batch", bloopJsBatch("not listed, secret"), "bloop_pk_web",
                "bloop_sk_web_secret_0123456789").statusCode()).isEqualTo(200);
    }

    @Test
    void everyStartWarnsPerListedProjectAndHealthAndTheProjectPageSaySo() {
        String warning = ConsoleCapture.awaitLast(Pattern.compile("(auth\\.legacy_key_signing: project 'default'[^\\n]*)"),
                null);
        assertThat(warning).contains("public key");
        ConsoleCapture.awaitLast(Pattern.compile("(auth\\.legacy_key_signing names 'mobile'[^\\n]*)"), null);
        JsonNode health = json(BLOOP.get(BLOOP.url("/health")));
        assertThat(health.get("warnings").toString()).contains("project 'default'").contains("'mobile'");
        assertThat(json(admin.get("/v1/projects/default")).get("legacy_key_signing").asBoolean()).isTrue();
        assertThat(json(admin.get("/v1/projects/web")).get("legacy_key_signing").asBoolean()).isFalse();
    }
}
