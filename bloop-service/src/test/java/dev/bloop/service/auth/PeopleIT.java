package dev.bloop.service.auth;

import static dev.bloop.service.auth.WebSession.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.api.Signatures;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * People end to end over HTTP, in the order a team lives it: the operator claims the fresh server
 * with the setup code, signs out and in, invites a colleague to one project, and the colleague sees
 * that project only. Passkeys come from a software authenticator; everything else is the real server.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PeopleIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp();
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();

    private static SoftPasskey adminKey;
    private static WebSession admin;
    private static WebSession colleague;
    private static SoftPasskey colleagueKey;

    @Test
    @Order(1)
    void aFreshServerIsNotSetUpAndRefusesRegistrationWithoutTheSetupCode() {
        assertThat(json(BLOOP.get(BLOOP.url("/auth/status"))).get("setup_complete").asBoolean()).isFalse();
        HttpResponse<String> none = Ceremonies.start(BLOOP, "/auth/register/start", Map.of("username", "eve"));
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(json(none).get("field").asText()).isEqualTo("setup_code");
        HttpResponse<String> wrong = Ceremonies.start(BLOOP, "/auth/register/start",
                Map.of("username", "eve", "setup_code", "AAAAAAAAAAAAAAAA"));
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(json(BLOOP.get(BLOOP.url("/v1/projects"))).get("error").asText()).contains("authentication required");
    }

    @Test
    @Order(2)
    void theOperatorClaimsTheServerWithTheSetupCodeFromTheLog() {
        adminKey = Ceremonies.passkey(BLOOP);
        String code = Ceremonies.setupCode(BLOOP);
        HttpResponse<String> finished = Ceremonies.run(BLOOP, "register",
                Map.of("username", "ann", "setup_code", code.toLowerCase()), adminKey);
        assertThat(finished.statusCode()).as(finished.body()).isEqualTo(200);
        String cookie = finished.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("bloop_session=").contains("HttpOnly", "SameSite=Lax", "Path=/")
                .doesNotContain("Secure"); // localhost origins: plain http development
        admin = Ceremonies.session(BLOOP, finished);
        assertThat(admin.user().get("is_admin").asBoolean()).isTrue();
        assertThat(BLOOP.count("SELECT count(*) FROM sessions WHERE token_hash = '" + admin.cookie() + "'"))
                .as("only the hash of the cookie is stored").isZero();

        JsonNode status = json(admin.get("/auth/status"));
        assertThat(status.get("setup_complete").asBoolean()).isTrue();
        assertThat(status.get("user").get("username").asText()).isEqualTo("ann");

        HttpResponse<String> again = Ceremonies.start(BLOOP, "/auth/register/start",
                Map.of("username", "mallory", "setup_code", code));
        assertThat(again.statusCode()).as("registration closes once a user exists").isEqualTo(403);
    }

    @Test
    @Order(3)
    void aSessionReadsTheQueryApiAndChangesDataOnlyFromTheSameOrigin() {
        BLOOP.ingest("/v1/ingest", BloopTestApp.event("boom 1"));
        BLOOP.awaitCount("SELECT count(*) FROM error_groups", 1);
        HttpResponse<String> list = admin.get("/v1/errors");
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        String fp = json(list).get(0).get("fingerprint").asText();

        HttpResponse<String> crossSite = admin.postWithoutOrigin("/v1/errors/" + fp + "/resolve", null);
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(json(crossSite).get("error").asText()).contains("cross-site");
        HttpResponse<String> evil = admin.send("POST", "/v1/errors/" + fp + "/resolve", null, false);
        assertThat(evil.statusCode()).isEqualTo(403);

        HttpResponse<String> resolved = admin.post("/v1/errors/" + fp + "/resolve", null);
        assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
        JsonNode history = json(admin.get("/v1/errors/" + fp + "/history"));
        assertThat(history.get(history.size() - 1).get("actor").asText()).isEqualTo("ann");

        HttpResponse<String> withCsrf = BLOOP.post("/v1/errors/" + fp + "/unresolve", "",
                Map.of("Cookie", "bloop_session=" + admin.cookie(), "X-CSRF-Token", admin.csrfToken()));
        assertThat(withCsrf.statusCode()).as("the session's CSRF token stands in for Origin").isEqualTo(200);
        HttpResponse<String> foreignOrigin = BLOOP.post("/v1/errors/" + fp + "/resolve", "",
                Map.of("Cookie", "bloop_session=" + admin.cookie(), "Origin", "https://evil.example"));
        assertThat(foreignOrigin.statusCode()).isEqualTo(403);
    }

    @Test
    @Order(4)
    void logoutEndsTheSessionAndThePasskeySignsInAgain() {
        HttpResponse<String> noOrigin = admin.postWithoutOrigin("/auth/logout", null);
        assertThat(noOrigin.statusCode()).as("another site cannot sign people out").isEqualTo(403);
        assertThat(json(noOrigin).get("field").asText()).isEqualTo("Origin");
        HttpResponse<String> foreign = BLOOP.post("/auth/logout", "",
                Map.of("Cookie", "bloop_session=" + admin.cookie(), "Origin", "https://evil.example"));
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.headers().firstValue("Set-Cookie")).as("the cookie is kept").isEmpty();
        assertThat(admin.get("/v1/errors").statusCode()).as("the session lives on").isEqualTo(200);
        HttpResponse<String> wrongCsrf = BLOOP.post("/auth/logout", "", Map.of("Cookie",
                "bloop_session=" + admin.cookie(), "X-CSRF-Token", "wrong"));
        assertThat(wrongCsrf.statusCode()).isEqualTo(403);
        assertThat(BLOOP.post("/auth/logout", "", Map.of()).statusCode()).as("no session, nothing to refuse")
                .isEqualTo(200);

        HttpResponse<String> out = admin.post("/auth/logout", null);
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
        assertThat(admin.get("/v1/errors").statusCode()).isEqualTo(401);

        admin = Ceremonies.login(BLOOP, adminKey);
        assertThat(admin.user().get("username").asText()).isEqualTo("ann");
        assertThat(admin.get("/v1/errors").statusCode()).isEqualTo(200);
        assertThat(BLOOP.count("SELECT sign_count FROM passkeys")).as("counter recorded").isEqualTo(1);
    }

    @Test
    @Order(5)
    void aChallengeCanBeFinishedOnceAndAStolenCounterIsRefused() {
        HttpResponse<String> started = Ceremonies.start(BLOOP, "/auth/login/start", Map.of());
        JsonNode s = json(started);
        Map<String, Object> publicKey = WebSession.JSON.convertValue(s.get("publicKey"),
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {
                });
        Map<String, Object> answer = adminKey.get(publicKey);
        Map<String, Object> finish = Map.of("challenge_id", s.get("challenge_id").asText(), "credential", answer);
        assertThat(Ceremonies.start(BLOOP, "/auth/login/finish", finish).statusCode()).isEqualTo(200);
        HttpResponse<String> replay = Ceremonies.start(BLOOP, "/auth/login/finish", finish);
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(json(replay).get("error").asText()).contains("challenge expired or invalid");

        adminKey.counter(0); // a cloned authenticator replays an old counter
        HttpResponse<String> cloned = Ceremonies.run(BLOOP, "login", Map.of(), adminKey);
        assertThat(cloned.statusCode()).isEqualTo(401);
        adminKey.counter(100);
    }

    @Test
    @Order(6)
    void anInvitedColleagueSeesOnlyTheirProject() {
        HttpResponse<String> created = admin.post("/v1/projects", "{\"name\":\"Mobile\",\"slug\":\"mobile\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode mobile = json(created);
        assertThat(mobile.get("ingest_key").asText()).startsWith("bloop_pk_");

        String invite = Ceremonies.invite(admin, "mobile");
        colleagueKey = Ceremonies.passkey(BLOOP);
        colleague = Ceremonies.join(BLOOP, invite, "bob", colleagueKey);
        assertThat(colleague.user().get("is_admin").asBoolean()).isFalse();

        JsonNode projects = json(colleague.get("/v1/projects"));
        assertThat(projects).hasSize(1);
        assertThat(projects.get(0).get("slug").asText()).isEqualTo("mobile");
        assertThat(projects.get(0).has("ingest_secret")).as("the list shows no secrets").isFalse();
        assertThat(json(colleague.get("/v1/projects/mobile")).get("ingest_secret").asText()).startsWith("bloop_sk_");
        assertThat(colleague.get("/v1/projects/default").statusCode()).isEqualTo(404);
        HttpResponse<String> other = colleague.get("/v1/errors?project_id=default");
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(json(other).get("field").asText()).isEqualTo("project_id");
        assertThat(json(colleague.get("/v1/errors"))).as("their default is their own project").isEmpty();

        // An event for mobile is visible to the colleague with or without project_id.
        String body = BloopTestApp.event("mobile crash");
        HttpResponse<String> sent = BLOOP.post("/v1/ingest", body, Map.of("Content-Type", "application/json",
                "X-Project-Key", mobile.get("ingest_key").asText(),
                "X-Signature", Signatures.sign(mobile.get("ingest_secret").asText(), body)));
        assertThat(sent.statusCode()).isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM error_groups WHERE project_id = '" + mobile.get("id").asText() + "'", 1);
        assertThat(json(colleague.get("/v1/errors")).get(0).get("message").asText()).isEqualTo("mobile crash");
        assertThat(json(colleague.get("/v1/errors?project_id=mobile"))).hasSize(1);
        assertThat(json(admin.get("/v1/errors?project_id=" + mobile.get("id").asText()))).hasSize(1);

        HttpResponse<String> reused = Ceremonies.start(BLOOP, "/auth/invite/register/start",
                Map.of("username", "carol", "invite_token", invite));
        assertThat(reused.statusCode()).as("invites are single use").isEqualTo(400);
        assertThat(colleague.get("/v1/admin/users").statusCode()).isEqualTo(403);
    }

    @Test
    @Order(7)
    void adminsManageRolesButNotTheirOwn() {
        String annId = admin.user().get("id").asText();
        String bobId = colleague.user().get("id").asText();
        assertThat(json(admin.get("/v1/admin/users"))).hasSize(2);
        assertThat(admin.put("/v1/admin/users/" + annId + "/role", "{\"is_admin\":false}").statusCode()).isEqualTo(400);
        assertThat(admin.delete("/v1/admin/users/" + annId).statusCode()).isEqualTo(400);
        assertThat(admin.put("/v1/admin/users/" + bobId + "/role", "{\"is_admin\":\"yes\"}").statusCode())
                .isEqualTo(400);
        assertThat(admin.put("/v1/admin/users/nobody/role", "{\"is_admin\":true}").statusCode()).isEqualTo(404);

        assertThat(admin.put("/v1/admin/users/" + bobId + "/role", "{\"is_admin\":true}").statusCode()).isEqualTo(200);
        assertThat(colleague.get("/v1/projects/default").statusCode()).as("role changes apply at once").isEqualTo(200);
        assertThat(admin.put("/v1/admin/users/" + bobId + "/role", "{\"is_admin\":false}").statusCode()).isEqualTo(200);
        assertThat(colleague.get("/v1/projects/default").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(8)
    void tokensAreShownOnceAndRevokedAtOnce() {
        HttpResponse<String> created = colleague.post("/v1/tokens",
                "{\"name\":\"ci\",\"project_id\":\"mobile\",\"scopes\":[\"errors:read\"],\"expires_in_days\":30}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode token = json(created);
        String plaintext = token.get("token").asText();
        assertThat(plaintext).startsWith("bloop_tk_").hasSize(52);

        JsonNode listed = json(colleague.get("/v1/tokens?project_id=mobile"));
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).has("token")).isFalse();
        assertThat(listed.get(0).get("token_prefix").asText()).isEqualTo(plaintext.substring(0, 16));

        HttpRequest read = HttpRequest.newBuilder(URI.create(BLOOP.url("/v1/errors")))
                .header("Authorization", "Bearer " + plaintext).build();
        assertThat(json(BloopTestApp.send(read)).get(0).get("message").asText()).isEqualTo("mobile crash");

        assertThat(colleague.post("/v1/tokens", "{\"name\":\"x\",\"project_id\":\"default\",\"scopes\":[\"errors:read\"]}")
                .statusCode()).as("not a member of default").isEqualTo(404);
        HttpResponse<String> badScope = colleague.post("/v1/tokens",
                "{\"name\":\"x\",\"project_id\":\"mobile\",\"scopes\":[\"errors:admin\"]}");
        assertThat(badScope.statusCode()).isEqualTo(400);
        assertThat(json(badScope).get("field").asText()).isEqualTo("scopes");

        String adminToken = json(admin.post("/v1/tokens",
                "{\"name\":\"ops\",\"project_id\":\"default\",\"scopes\":[\"errors:read\"]}")).get("id").asText();
        assertThat(colleague.delete("/v1/tokens/" + adminToken).statusCode()).as("another project's token")
                .isEqualTo(404);

        assertThat(colleague.delete("/v1/tokens/" + token.get("id").asText()).statusCode()).isEqualTo(200);
        assertThat(BloopTestApp.send(read).statusCode()).as("revoked at once").isEqualTo(401);
        assertThat(colleague.delete("/v1/tokens/" + token.get("id").asText()).statusCode()).isEqualTo(404);
        HttpRequest viaToken = HttpRequest.newBuilder(URI.create(BLOOP.url("/v1/tokens")))
                .header("Authorization", "Bearer " + plaintext).build();
        assertThat(BloopTestApp.send(viaToken).statusCode()).isEqualTo(401);
    }

    @Test
    @Order(9)
    void keyRotationIsForAdminsAndTheOldKeyStopsAtOnce() {
        JsonNode before = json(admin.get("/v1/projects/mobile"));
        assertThat(colleague.post("/v1/projects/mobile/rotate-key", null).statusCode()).isEqualTo(403);
        HttpResponse<String> rotated = admin.post("/v1/projects/mobile/rotate-key", null);
        assertThat(rotated.statusCode()).isEqualTo(200);
        assertThat(json(rotated).get("ingest_key").asText()).isNotEqualTo(before.get("ingest_key").asText());

        String body = BloopTestApp.event("after rotation");
        HttpResponse<String> old = BLOOP.post("/v1/ingest", body, Map.of("Content-Type", "application/json",
                "X-Project-Key", before.get("ingest_key").asText(),
                "X-Signature", Signatures.sign(before.get("ingest_secret").asText(), body)));
        assertThat(old.statusCode()).isEqualTo(401);
    }

    @Test
    @Order(10)
    void projectsAreValidatedRenamedAndDeletedWithTheirData() {
        assertThat(admin.post("/v1/projects", "{\"name\":\"X\",\"slug\":\"Bad Slug\"}").statusCode()).isEqualTo(400);
        assertThat(admin.post("/v1/projects", "{\"slug\":\"x\"}").statusCode()).isEqualTo(400);
        assertThat(admin.post("/v1/projects", "{\"name\":\"Again\",\"slug\":\"mobile\"}").statusCode()).isEqualTo(409);
        assertThat(admin.delete("/v1/projects/default").statusCode()).isEqualTo(400);

        HttpResponse<String> renamed = colleague.put("/v1/projects/mobile", "{\"name\":\"Mobile apps\"}");
        assertThat(json(renamed).get("name").asText()).isEqualTo("Mobile apps");

        String id = json(admin.get("/v1/projects/mobile")).get("id").asText();
        assertThat(colleague.delete("/v1/projects/mobile").statusCode()).as("members cannot delete").isEqualTo(403);
        HttpResponse<String> deleted = admin.delete("/v1/projects/mobile");
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        assertThat(BLOOP.count("SELECT count(*) FROM raw_events WHERE project_id = '" + id + "'")).isZero();
        assertThat(BLOOP.count("SELECT count(*) FROM error_groups WHERE project_id = '" + id + "'")).isZero();
        assertThat(BLOOP.count("SELECT count(*) FROM project_members WHERE project_id = '" + id + "'")).isZero();
        assertThat(json(colleague.get("/v1/projects"))).isEmpty();
        assertThat(colleague.get("/v1/errors").statusCode()).as("no project left").isEqualTo(404);
    }

    @Test
    @Order(11)
    void deletingAUserEndsTheirSessions() {
        String bobId = colleague.user().get("id").asText();
        assertThat(admin.delete("/v1/admin/users/" + bobId).statusCode()).isEqualTo(200);
        assertThat(colleague.get("/v1/projects").statusCode()).isEqualTo(401);
        assertThat(BLOOP.count("SELECT count(*) FROM passkeys WHERE user_id = '" + bobId + "'")).isZero();
    }
}
