package dev.bloop.service.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.service.access.Secrets;
import dev.bloop.service.access.User;
import dev.bloop.service.store.TestDatabase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sessions, invites, the setup code and the relying party's rules, on a real SQLite file. */
class PeopleStoreTest {
    @RegisterExtension
    final TestDatabase test = new TestDatabase();

    @Test
    void expiredSessionsAreRefusedAndSweptAway() {
        UserStore users = new UserStore(test.db());
        User ann = user(users, "ann");
        Sessions sessions = new Sessions(test.db(), Duration.ofHours(1));
        Sessions.Created live = sessions.create(ann.id());
        Sessions.Created old = sessions.create(ann.id());
        test.db().writer().useHandle(h -> h.execute("UPDATE sessions SET expires_at = 1 WHERE token_hash = ?",
                Secrets.sha256(old.token())));

        assertThat(sessions.find(live.token())).get().extracting(a -> a.user().username()).isEqualTo("ann");
        assertThat(sessions.find(old.token())).isEmpty();
        assertThat(sessions.find("not-a-session")).isEmpty();
        assertThat(sessions.sweep()).isEqualTo(1);
        sessions.delete(live.token());
        assertThat(sessions.find(live.token())).isEmpty();
    }

    @Test
    void anInviteIsUsableOnceAndNotAfterItExpires() {
        UserStore users = new UserStore(test.db());
        User ann = user(users, "ann");
        Invites invites = new Invites(test.db());
        Invites.Created invite = invites.create(ann.id(), "default", false);
        assertThat(invite.token()).startsWith("bloop_inv_");
        assertThat(invites.usable(invite.token())).isPresent();

        User bob = new User("u-bob", "bob", "h-bob", false, 1);
        assertThat(users.insertInvited(bob, passkey("k-bob", bob.id()), invite.invite().id(), 2)).isTrue();
        assertThat(invites.usable(invite.token())).as("spent").isEmpty();
        User carol = new User("u-carol", "carol", "h-carol", false, 1);
        assertThat(users.insertInvited(carol, passkey("k-carol", carol.id()), invite.invite().id(), 3)).isFalse();
        assertThat(users.byId("u-carol")).isEmpty();
        List<String> members = test.db().reader().withHandle(h -> h.createQuery("SELECT user_id FROM project_members "
                + "WHERE project_id = 'default'").mapTo(String.class).list());
        assertThat(members).containsExactly("u-bob");

        Invites.Created stale = invites.create(ann.id(), null, false);
        test.db().writer().useHandle(h -> h.execute("UPDATE invites SET expires_at = 1 WHERE id = ?",
                stale.invite().id()));
        assertThat(invites.usable(stale.token())).isEmpty();
        assertThat(invites.usable("bloop_inv_forged")).isEmpty();
    }

    @Test
    void onlyOneFirstAdminCanEverBeInserted() {
        UserStore users = new UserStore(test.db());
        assertThat(users.insertFirstAdmin(new User("u1", "ann", "h1", true, 1), passkey("k1", "u1"), 1)).isTrue();
        assertThat(users.insertFirstAdmin(new User("u2", "eve", "h2", true, 1), passkey("k2", "u2"), 1)).isFalse();
        assertThat(users.list()).extracting(User::username).containsExactly("ann");
    }

    @Test
    void theSetupCodeForgivesCaseAndDashesButNothingElse() {
        SetupCode code = new SetupCode();
        assertThat(code.matches("anything")).as("no code issued").isFalse();
        String issued = code.issue();
        assertThat(issued).hasSize(16).matches("[A-Z2-9]+");
        String dashed = issued.substring(0, 4) + "-" + issued.substring(4).toLowerCase();
        assertThat(code.matches(dashed)).isTrue();
        assertThat(code.matches(issued.substring(1))).isFalse();
        code.consume();
        assertThat(code.matches(issued)).isFalse();
    }

    @Test
    void originsDefaultToTheRunningServerOnLocalhostAndDecideCookieSecurity() {
        RelyingParty local = new RelyingParty(new AuthConfig());
        local.serverStarted(8080);
        assertThat(local.id()).isEqualTo("localhost");
        assertThat(local.allows("http://localhost:8080")).isTrue();
        assertThat(local.allows("http://127.0.0.1:8080")).isTrue();
        assertThat(local.allows("http://localhost:9999")).isFalse();
        assertThat(local.allows(null)).isFalse();
        assertThat(local.secureCookies()).isFalse();

        AuthConfig config = new AuthConfig();
        config.setRpId("bloop.example.com");
        config.setOrigins("https://bloop.example.com, https://bloop.example.com:8443");
        RelyingParty prod = new RelyingParty(config);
        prod.serverStarted(5332);
        assertThat(prod.origins()).containsExactlyInAnyOrder("https://bloop.example.com",
                "https://bloop.example.com:8443");
        assertThat(prod.allows("http://localhost:5332")).as("configured origins replace the defaults").isFalse();
        assertThat(prod.secureCookies()).isTrue();
        assertThat(prod.primaryOrigin()).isEqualTo("https://bloop.example.com");
        assertThat(config.isOriginsWellFormed()).isTrue();
        config.setOrigins(List.of("bloop.example.com"));
        assertThat(config.isOriginsWellFormed()).isFalse();
    }

    private static User user(UserStore users, String name) {
        User u = new User("u-" + name, name, "h-" + name, true, 1);
        users.insertFirstAdmin(u, passkey("k-" + name, u.id()), 1);
        return u;
    }

    private static StoredPasskey passkey(String id, String userId) {
        return new StoredPasskey(id, userId, new byte[] {1, 2, 3}, 0, false, null, null, null);
    }
}
