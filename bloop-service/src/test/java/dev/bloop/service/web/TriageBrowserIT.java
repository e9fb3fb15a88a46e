package dev.bloop.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.auth.Ceremonies;
import dev.bloop.service.browser.Chromium;
import dev.bloop.service.browser.Tab;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Triage in a real headless Chromium: the stream driven from the keyboard, a bulk resolve of 60
 * issues ("all matching"), assigning an issue and filtering by assignee, a comment holding markup
 * shown as text, and both themes (the system's, then the remembered toggle), with screenshots of
 * each in {@code target/screenshots/}.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TriageBrowserIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp();
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String ROWS = "document.querySelectorAll('#issue-list tbody tr').length";

    private static Chromium chromium;
    private static Tab tab;

    @BeforeAll
    static void signIn() throws Exception {
        chromium = Chromium.launch();
        tab = chromium.newTab();
        tab.setUpFirstAdmin(home(), "ann", Ceremonies.setupCode(BLOOP));
    }

    @AfterAll
    static void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    private static String home() {
        return "http://localhost:" + APP.getLocalPort() + "/";
    }

    /** Distinct words (the grouping replaces digits, so numbered messages would be one issue). */
    private static String word(int i) {
        return "" + (char) ('a' + i / 26) + (char) ('a' + i % 26);
    }

    private static void ingest(List<String> messages) {
        for (int i = 0; i < messages.size(); i += 50) {
            ingestBatch(messages.subList(i, Math.min(messages.size(), i + 50)));
        }
    }

    private static void ingestBatch(List<String> messages) {
        long before = BLOOP.count("SELECT count(*) FROM raw_events");
        List<String> events = new ArrayList<>();
        for (String m : messages) {
            events.add("{\"timestamp\":" + System.currentTimeMillis() + ",\"source\":\"web\",\"environment\":\"prod\","
                    + "\"release\":\"1.0.0\",\"error_type\":\"TriageError\",\"message\":\"" + m + "\","
                    + "\"user_id_hash\":\"user-" + m.hashCode() + "\"}");
        }
        HttpResponse<String> r = BLOOP.ingest("/v1/ingest/batch", "{\"events\":[" + String.join(",", events) + "]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM raw_events", before + messages.size());
    }

    private static String cursorRow() {
        return tab.eval("(document.querySelector('#issue-list tr.cursor') || {dataset: {}}).dataset.fingerprint || ''")
                .asText();
    }

    private static String row(int i) {
        return tab.eval("document.querySelectorAll('#issue-list tbody tr')[" + i + "].dataset.fingerprint").asText();
    }

    @Test
    @Order(1)
    void theStreamIsDrivenFromTheKeyboard() {
        ingest(List.of("keyboard alpha", "keyboard bravo", "keyboard charlie"));
        tab.open(home() + "issues?q=keyboard");
        tab.waitFor(ROWS + " === 3");
        assertThat(cursorRow()).isEqualTo(row(0));
        tab.press("j");
        tab.waitFor("document.querySelector('#issue-list tr.cursor') === document.querySelectorAll('#issue-list tbody tr')[1]");
        tab.press("j");
        tab.press("k");
        tab.waitFor("document.querySelector('#issue-list tr.cursor') === document.querySelectorAll('#issue-list tbody tr')[1]");
        String resolved = row(1);

        tab.press("r");
        tab.waitFor(ROWS + " === 2");
        assertThat(BLOOP.firstString("SELECT status FROM error_groups WHERE fingerprint = '" + resolved + "'"))
                .isEqualTo("resolved");

        tab.press("?");
        tab.waitFor("document.getElementById('key-help')");
        assertThat(tab.text("#key-help")).contains("resolve", "ignore", "mute", "search");
        tab.press("?");
        tab.waitFor("!document.getElementById('key-help')");

        tab.press("/");
        tab.waitFor("document.activeElement && document.activeElement.id === 'filter-q'");
        tab.press("j");
        assertThat(tab.value("#filter-q")).as("typing in the search is not a shortcut").isEqualTo("keyboardj");
        tab.fill("#filter-q", "keyboard");
        tab.eval("document.activeElement.blur(), true");

        tab.press("k");
        tab.waitFor("document.querySelector('#issue-list tr.cursor') === document.querySelectorAll('#issue-list tbody tr')[0]");
        String first = row(0);
        tab.press("i");
        tab.waitFor(ROWS + " === 1");
        assertThat(BLOOP.firstString("SELECT status FROM error_groups WHERE fingerprint = '" + first + "'"))
                .isEqualTo("ignored");
        String last = row(0);
        tab.press("Enter");
        tab.waitFor("window.location.pathname === '/issues/" + last + "'");
        tab.waitFor("document.getElementById('issue-title')");
        tab.back();
        tab.waitFor(ROWS + " === 1");
        tab.press("o");
        tab.waitFor("window.location.pathname === '/issues/" + last + "'");
    }

    @Test
    @Order(2)
    void sixtyIssuesAreResolvedInOneBulkActionOverEveryMatchingIssue() throws Exception {
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            messages.add("bulk failure " + word(i));
        }
        ingest(messages);
        tab.open(home() + "issues?q=bulk");
        tab.waitFor(ROWS + " === 50");
        assertThat(tab.text("#issue-total")).contains("60");
        tab.click("#select-page");
        tab.waitFor("document.getElementById('bulk-all-matching')");
        assertThat(tab.text("#bulk-count")).contains("50");
        tab.click("#bulk-all-matching");
        tab.waitFor("document.getElementById('bulk-count').textContent.includes('60')");
        tab.screenshot(SCREENSHOTS.resolve("triage-bulk-selected-light.png"));
        tab.click("#bulk-resolve");
        // The result line can be on the page before the answer's text is in it: wait for the text.
        tab.waitFor("(document.getElementById('bulk-result') || {}).textContent?.includes('issues changed')");
        assertThat(tab.text("#bulk-result")).contains("60 issues changed");
        tab.waitFor("!document.getElementById('issue-list')");
        assertThat(BLOOP.count("SELECT count(*) FROM error_groups WHERE message LIKE 'bulk failure%' "
                + "AND status = 'resolved'")).isEqualTo(60);
        assertThat(BLOOP.count("SELECT count(*) FROM status_history WHERE new_status = 'resolved' AND actor = 'ann' "
                + "AND fingerprint IN (SELECT fingerprint FROM error_groups WHERE message LIKE 'bulk failure%')"))
                .as("one history row per issue").isEqualTo(60);
    }

    @Test
    @Order(3)
    void anIssueIsAssignedFromItsPageAndTheStreamFiltersByAssignee() {
        ingest(List.of("assigned failure one", "assigned failure two"));
        String fp = BLOOP.firstString("SELECT fingerprint FROM error_groups WHERE message = 'assigned failure one'");
        tab.open(home() + "issues/" + fp);
        tab.waitFor("document.getElementById('assignee')");
        assertThat(tab.value("#assignee")).isEmpty();
        tab.select("#assignee", "ann");
        tab.waitFor("document.getElementById('history-card') && document.getElementById('history-card').textContent"
                + ".includes('assigned to ann')");
        assertThat(tab.value("#assignee")).isEqualTo("ann");

        tab.open(home() + "issues?q=assigned");
        tab.waitFor(ROWS + " === 2");
        tab.select("#filter-assigned", "me");
        tab.waitFor(ROWS + " === 1");
        assertThat(row(0)).isEqualTo(fp);
        assertThat(tab.text("#issue-list tbody tr .assignee-cell")).isEqualTo("ann");
        assertThat(tab.url()).contains("assigned=me");
        tab.select("#filter-assigned", "none");
        tab.waitFor(ROWS + " === 1 && document.querySelector('#issue-list tbody tr').dataset.fingerprint !== '" + fp + "'");
    }

    @Test
    @Order(4)
    void aCommentWithMarkupIsShownAsTextInTheHistory() {
        String fp = BLOOP.firstString("SELECT fingerprint FROM error_groups WHERE message = 'assigned failure two'");
        String comment = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\"> **not bold**";
        tab.open(home() + "issues/" + fp);
        tab.waitFor("document.getElementById('comment-body')");
        tab.fill("#comment-body", comment);
        tab.waitFor("!document.getElementById('comment-submit').disabled");
        tab.click("#comment-submit");
        tab.waitFor("document.querySelector('#history .comment-body')");
        assertThat(tab.text("#history .comment-body")).isEqualTo(comment);
        assertThat(tab.eval("document.querySelectorAll('#history .comment-body *').length").asInt())
                .as("no element made from the comment").isZero();
        assertThat(tab.eval("window.__xss === undefined").asBoolean()).isTrue();
        assertThat(tab.text("#history")).contains("commented");
    }

    @Test
    @Order(5)
    void theThemeFollowsTheSystemUntilTheToggleChoosesOneWhichIsRemembered() throws Exception {
        tab.colorScheme("dark");
        tab.open(home() + "issues?status=any");
        tab.waitFor("document.getElementById('issue-list')");
        assertThat(tab.eval("document.documentElement.dataset.theme").asText()).isEqualTo("dark");
        assertThat(tab.eval("getComputedStyle(document.documentElement).backgroundColor").asText())
                .isEqualTo("rgb(18, 21, 28)");
        tab.screenshot(SCREENSHOTS.resolve("triage-stream-dark.png"));
        String fp = BLOOP.firstString("SELECT fingerprint FROM error_groups WHERE message = 'assigned failure two'");
        tab.open(home() + "issues/" + fp);
        tab.waitFor("document.querySelector('#history .comment-body')");
        tab.screenshotFullPage(SCREENSHOTS.resolve("triage-issue-dark.png"));

        tab.click("#theme-toggle");
        tab.waitFor("document.documentElement.dataset.theme === 'light'");
        tab.reload();
        tab.waitFor("document.getElementById('issue-title')");
        assertThat(tab.eval("document.documentElement.dataset.theme").asText())
                .as("the toggle's choice outlives a reload while the system stays dark").isEqualTo("light");
        tab.screenshotFullPage(SCREENSHOTS.resolve("triage-issue-light.png"));
        tab.open(home() + "issues?status=any");
        tab.waitFor("document.getElementById('issue-list')");
        tab.screenshot(SCREENSHOTS.resolve("triage-stream-light.png"));
        tab.colorScheme("light");

        assertThat(tab.consoleErrors()).isEmpty();
    }
}
