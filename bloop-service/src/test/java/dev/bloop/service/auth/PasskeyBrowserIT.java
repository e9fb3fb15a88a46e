package dev.bloop.service.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.browser.Chromium;
import dev.bloop.service.browser.Tab;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Passkeys in a real headless Chromium with the DevTools virtual authenticator (a platform
 * authenticator with discoverable credentials): the browser's own WebAuthn implementation talks to
 * the server through the page's script, exactly as it would with Touch ID or Windows Hello.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class PasskeyBrowserIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp();
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static Chromium chromium;

    @BeforeAll
    static void startBrowser() throws Exception {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void firstAdminSignsOutAndInThenInvitesAColleagueWhoSeesOnlyTheirProject() throws Exception {
        String home = "http://localhost:" + APP.getLocalPort() + "/";
        Tab ann = chromium.newTab();
        ann.open(home);
        ann.waitFor("document.getElementById('setup')");
        ann.screenshot(SCREENSHOTS.resolve("auth-setup.png"));

        ann.fill("#setup-username", "ann");
        ann.fill("#setup-code", Ceremonies.setupCode(BLOOP));
        ann.click("#setup-submit");
        ann.waitFor("document.getElementById('whoami') && document.getElementById('whoami').textContent.includes('ann')");
        assertThat(ann.text("#whoami")).isEqualTo("ann (admin)");
        assertThat(BLOOP.count("SELECT count(*) FROM passkeys")).isEqualTo(1);

        ann.click("#logout");
        ann.waitFor("document.getElementById('login')");
        assertThat(ann.eval("fetch('/v1/projects').then(r => r.status)").asInt()).isEqualTo(401);
        ann.screenshot(SCREENSHOTS.resolve("auth-login.png"));
        ann.click("#login-submit");
        ann.waitFor("document.getElementById('whoami') && document.getElementById('whoami').textContent.includes('ann')");

        ann.click("#nav-projects");
        ann.fill("#project-name", "Mobile");
        ann.fill("#project-slug", "mobile");
        ann.click("#project-create");
        ann.waitFor("document.querySelector('#project-list li[data-slug=mobile]')");
        ann.click("#nav-admin");
        ann.waitFor("document.querySelector('#invite-project option[value=mobile]')");
        ann.select("#invite-project", "mobile");
        ann.click("#invite-create");
        ann.waitFor("document.getElementById('invite-url').value.includes('invite=')");
        String inviteUrl = ann.eval("document.getElementById('invite-url').value").asText();
        assertThat(inviteUrl).startsWith(home + "?invite=bloop_inv_");
        ann.screenshot(SCREENSHOTS.resolve("auth-admin-invite.png"));

        Tab bob = chromium.newTab(); // its own cookies and its own authenticator
        bob.open(inviteUrl);
        bob.waitFor("document.getElementById('invite')");
        bob.fill("#invite-username", "bob");
        bob.click("#invite-submit");
        bob.waitFor("document.getElementById('whoami') && document.getElementById('whoami').textContent.includes('bob')");
        assertThat(bob.text("#whoami")).isEqualTo("bob");
        bob.click("#nav-projects");
        bob.waitFor("document.querySelectorAll('#project-list li').length > 0");
        assertThat(bob.eval("[...document.querySelectorAll('#project-list li')].map(li => li.dataset.slug).join()")
                .asText()).isEqualTo("mobile");
        assertThat(bob.eval("[...document.querySelectorAll('#project-select option')].map(o => o.textContent).join()")
                .asText()).isEqualTo("Mobile");
        assertThat(bob.eval("fetch('/v1/errors?project_id=default').then(r => r.status)").asInt()).isEqualTo(404);
        assertThat(bob.eval("fetch('/v1/admin/users').then(r => r.status)").asInt()).isEqualTo(403);
        assertThat(bob.eval("document.getElementById('nav-admin') === null").asBoolean()).isTrue();
        bob.screenshot(SCREENSHOTS.resolve("auth-member-projects.png"));

        assertThat(BLOOP.count("SELECT count(*) FROM users")).isEqualTo(2);
        assertThat(BLOOP.count("SELECT count(*) FROM users WHERE username = 'bob' AND is_admin = 0")).isEqualTo(1);
    }
}
