package dev.bloop.service.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The session cookie of a server that people reach over HTTPS under its own name (behind a TLS
 * proxy): {@code Secure}, and named with the {@code __Host-} prefix so that browsers take it only
 * from this host over HTTPS, without a {@code Domain}. The plain-http localhost case is in
 * {@link PeopleIT}.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SessionCookieIT {
    static {
        ConsoleCapture.install();
    }

    private static final String ORIGIN = "https://bloop.example.com";
    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of(
            "BLOOP__AUTH__RP_ID", "bloop.example.com",
            "BLOOP__AUTH__ORIGINS", ORIGIN));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();

    @Test
    void anHttpsOriginGetsASecureHostPrefixedCookieAndOnlyThatNameIsRead() {
        String code = ConsoleCapture.awaitLast(Pattern.compile("Open " + Pattern.quote(ORIGIN)
                + "/ and create the first admin with this one-time setup code: ([A-Z0-9]+)"), null);
        SoftPasskey key = new SoftPasskey(ORIGIN).rpId("bloop.example.com");
        HttpResponse<String> finished = Ceremonies.run(BLOOP, "register", Map.of("username", "ann", "setup_code", code),
                key);
        assertThat(finished.statusCode()).as(finished.body()).isEqualTo(200);
        String setCookie = finished.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("__Host-bloop_session=")
                .contains("; Secure", "; HttpOnly", "; SameSite=Lax", "; Path=/").doesNotContainIgnoringCase("domain=");
        String value = setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));

        Map<String, String> fromTheDashboard = Map.of("Cookie", "__Host-bloop_session=" + value, "Origin", ORIGIN);
        assertThat(BLOOP.post("/v1/projects", "{\"name\":\"Shop\",\"slug\":\"shop\"}",
                Map.of("Cookie", "__Host-bloop_session=" + value, "Origin", ORIGIN, "Content-Type", "application/json"))
                .statusCode()).isEqualTo(201);
        HttpResponse<String> unprefixed = BLOOP.post("/v1/projects", "{\"name\":\"Shop 2\",\"slug\":\"shop2\"}",
                Map.of("Cookie", "bloop_session=" + value, "Origin", ORIGIN, "Content-Type", "application/json"));
        assertThat(unprefixed.statusCode()).as("a cookie without the prefix could have been planted: not read")
                .isEqualTo(401);

        HttpResponse<String> out = BLOOP.post("/auth/logout", "", fromTheDashboard);
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).startsWith("__Host-bloop_session=;")
                .contains("Max-Age=0", "; Secure", "; Path=/");
        assertThat(BLOOP.count("SELECT count(*) FROM sessions")).isZero();
    }
}
