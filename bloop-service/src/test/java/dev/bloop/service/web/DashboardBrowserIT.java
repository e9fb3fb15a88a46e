package dev.bloop.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.api.Signatures;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.auth.Ceremonies;
import dev.bloop.service.browser.Chromium;
import dev.bloop.service.browser.Tab;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboard in a real headless Chromium, as a new team uses it: sign in with a passkey (DevTools
 * virtual authenticator), send events of JS, JVM, Android and iOS apps through the API, find them
 * with the filters, read an issue (stack, tags, events one by one, history), triage it, follow
 * links across projects, set up alerts, and do it again on a phone-sized screen. Every page is saved
 * at 1280 and 390 px to {@code target/screenshots/}, and the browser console must stay free of
 * errors for the whole run. One application and one browser for the class.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp();
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String XSS = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>";
    private static final String ROWS = "document.querySelectorAll('#issue-list tbody tr').length";
    private static final String MOBILE_SECRET = "mobile-secret-0123456789";
    private static final String BULK_SECRET = "bulk-secret-0123456789ab";
    private static final String JVM_STACK = String.join("\n",
            "org.springframework.dao.DuplicateKeyException: PreparedStatementCallback; duplicate key value violates unique constraint",
            "\tat org.springframework.jdbc.support.SQLErrorCodeSQLExceptionTranslator.doTranslate(SQLErrorCodeSQLExceptionTranslator.java:243)",
            "\tat org.springframework.jdbc.core.JdbcTemplate.translateException(JdbcTemplate.java:1575)",
            "\tat org.springframework.jdbc.core.JdbcTemplate.update(JdbcTemplate.java:960)",
            "\tat com.acme.shop.orders.OrderRepository.insert(OrderRepository.java:88)",
            "\tat com.acme.shop.orders.CheckoutService.placeOrder(CheckoutService.java:41)",
            "\tat com.acme.shop.web.CheckoutController.checkout(CheckoutController.java:27)",
            "\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)",
            "\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)",
            "Caused by: org.postgresql.util.PSQLException: ERROR: duplicate key value violates unique constraint",
            "\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2713)",
            "\tat org.postgresql.jdbc.PgPreparedStatement.executeUpdate(PgPreparedStatement.java:152)",
            "\t... 5 more");
    private static final String IOS_STACK = String.join("\n",
            "0   CoreFoundation                      0x00000001804b9b08 __exceptionPreprocess + 164",
            "1   libobjc.A.dylib                     0x0000000180087f3c objc_exception_throw + 56",
            "2   CoreFoundation                      0x00000001804c8f7c -[NSObject(NSObject) doesNotRecognizeSelector:] + 136",
            "3   Shop                                0x0000000102f1a2c4 -[CheckoutViewController pay:] + 212",
            "4   UIKitCore                           0x0000000184b1d2c0 -[UIApplication sendAction:to:from:forEvent:] + 96",
            "5   Shop                                0x0000000102f0e1a8 main + 120",
            "6   dyld                                0x0000000180a2a0e0 start + 2360");
    private static final String ANDROID_STACK = String.join("\n",
            "java.lang.IllegalStateException: Could not execute method for android:onClick",
            "\tat androidx.appcompat.app.AppCompatViewInflater$DeclaredOnClickListener.onClick(AppCompatViewInflater.java:468)",
            "\tat android.view.View.performClick(View.java:7448)",
            "\tat android.os.Handler.handleCallback(Handler.java:938)",
            "Caused by: java.lang.NullPointerException: Attempt to invoke virtual method on a null object reference",
            "\tat com.acme.shop.cart.CartFragment.applyCoupon(CartFragment.kt:57)",
            "\tat com.acme.shop.cart.CartFragment.onApplyClicked(CartFragment.kt:41)",
            "\tat java.lang.reflect.Method.invoke(Native Method)",
            "\t... 3 more");
    private static final String JS_STACK = "at checkout (src/cart.ts:10:5)\n"
            + "at processTicksAndRejections (node:internal/process/task_queues:95:5)\nat main (src/app.ts:3:1)";
    private static final String GECKO_STACK = "renderTotal@https://shop.example.com/static/main.js:1:5512\n"
            + "dispatch@https://shop.example.com/node_modules/react-dom/cjs/react-dom.js:4164:14";
    private static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1";
    /** Failed loads the tests provoke on purpose (an API answering 404 for a missing issue); any other is an error. */
    private static final List<String> EXPECTED_FAILED_LOADS = new ArrayList<>();
    private static Chromium chromium;
    private static Tab tab;
    private static Tab bob;

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

    /** An event of the default project; {@code extra} sets more fields. */
    private static String event(String type, String message, String environment, String release, Consumer<ObjectNode> extra) {
        ObjectNode e = JSON.createObjectNode().put("timestamp", 1700000000000L).put("source", "ios")
                .put("environment", environment).put("release", release).put("error_type", type).put("message", message)
                .put("route_or_procedure", "/api/cart").put("stack", JS_STACK);
        e.putObject("metadata").put("plan", "pro");
        extra.accept(e);
        return e.toString();
    }

    private static String event(String type, String message, String environment, String release) {
        return event(type, message, environment, release, e -> { });
    }

    private static ObjectNode metadata(ObjectNode event) {
        return (ObjectNode) event.get("metadata");
    }

    private static void send(String body) {
        assertThat(BLOOP.ingest("/v1/ingest", body).statusCode()).isEqualTo(200);
    }

    private static void sendTo(String key, String secret, String body) {
        Map<String, String> h = new HashMap<>();
        h.put("Content-Type", "application/json");
        h.put("X-Project-Key", key);
        h.put("X-Signature", Signatures.sign(secret, body));
        assertThat(BLOOP.post(body.startsWith("{\"events\"") ? "/v1/ingest/batch" : "/v1/ingest", body, h).statusCode())
                .isEqualTo(200);
    }

    private static String fingerprint(String type) {
        return BLOOP.firstString("SELECT fingerprint FROM error_groups WHERE error_type = '" + type + "'");
    }

    /** Calls the API as the signed-in user of the tab, with its CSRF token. */
    private static int call(Tab t, String method, String path, String body) {
        return t.eval("fetch('/auth/status').then(r => r.json()).then(s => fetch(" + Tab.quote(path) + ", {method: "
                + Tab.quote(method) + ", headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token}"
                + (body == null ? "" : ", body: " + Tab.quote(body)) + "})).then(r => r.status)").asInt();
    }

    /** Goes to a dashboard path inside the running page, as its own links do (no reload). */
    private static void visit(String path) {
        tab.eval("history.pushState(null, '', " + Tab.quote("/" + path) + "); window.dispatchEvent(new PopStateEvent('popstate'));"
                + " window.scrollTo(0, 0); true");
    }

    private static void openIssue(String type) {
        visit("issues/" + fingerprint(type));
        tab.waitFor("document.getElementById('issue-title') && document.querySelector('#events .event')");
    }

    private static void search(String q) {
        tab.fill("#filter-q", q);
        tab.eval("document.getElementById('filters').requestSubmit(), true");
    }

    private static void pick(String filter, String value) {
        tab.click("#filter-" + filter + " .picker-button");
        tab.click("#filter-" + filter + " input[value=" + Tab.quote(value) + "]");
    }

    private static void shoot(String name) throws Exception {
        tab.screenshotFullPage(SCREENSHOTS.resolve("dashboard-" + name + ".png"));
    }

    // ---- first run ----

    @Test
    @Order(1)
    void anEmptyProjectShowsHowToSendAFirstEventFromEveryPlatform() throws Exception {
        tab.click("#nav-issues");
        tab.waitFor("document.getElementById('first-event-snippet')");
        assertThat(tab.text("#first-event-snippet")).contains("X-Signature").contains("/v1/ingest");
        assertThat(tab.eval("[...document.querySelectorAll('#first-event .tabs button')].map(b => b.textContent).join()").asText())
                .isEqualTo("Browser JS,Node,Swift,Kotlin,Python,Ruby,Java,curl");
        tab.click("#platform-swift");
        tab.waitFor("document.querySelector('#first-event .snippet pre').textContent.includes('BloopClient')");
        assertThat(tab.text("#first-event .snippet")).contains("sdks/swift").contains(home().replaceAll("/$", ""));
        tab.click("#platform-python");
        tab.waitFor("document.querySelector('#first-event .snippet pre').textContent.includes('bloop.init')");
        assertThat(tab.text("#secret-warning")).contains("public").contains("quotas").contains("filters");
        tab.screenshot(SCREENSHOTS.resolve("dashboard-empty.png"));
    }

    @Test
    @Order(2)
    void eventsSentThroughTheApiShowUpAndArePickedByTheValuesThatExist() throws Exception {
        for (int i = 0; i < 3; i++) {
            send(event("TypeError", "Cannot read property 'total' of undefined", "prod", "2.0.0", e -> metadata(e)
                    .put("browser", "Chrome").put("browser_version", "120").put("os", "macOS").put("locale", "de-DE")));
        }
        send(event("NetworkError", "timeout after 30s", "staging", "2.1.0", e -> metadata(e.put("stack", GECKO_STACK)
                .put("route_or_procedure", "/checkout")).put("user_agent", IPHONE)));
        send(event("XSSProbe", XSS, "prod", "2.0.0"));
        send(event("DuplicateKeyException", "PreparedStatementCallback; duplicate key value violates unique constraint",
                "prod", "3.1.0", e -> e.put("source", "api").put("stack", JVM_STACK).put("route_or_procedure", "/orders")));
        send(event("NSInvalidArgumentException", "-[CheckoutViewController pay:]: unrecognized selector sent to instance 0x600003",
                "prod", "2.3.1", e -> metadata(e.put("stack", IOS_STACK).put("screen", "Checkout").put("app_version", "2.3.1")
                        .without("route_or_procedure")).put("device", "iPhone15,2").put("os", "iOS 17.2")));
        send(event("IllegalStateException", "Could not execute method for android:onClick", "prod", "5.0.0",
                e -> metadata(e.put("source", "android").put("stack", ANDROID_STACK).put("screen", "Cart")
                        .without("route_or_procedure")).put("device", "Pixel 8")));
        StringBuilder longMessage = new StringBuilder();
        String part = "Überfälligkeit der Bestellung 💥 konnte nicht berechnet werden; ";
        while ((longMessage + part).getBytes(StandardCharsets.UTF_8).length <= 2048) {
            longMessage.append(part);
        }
        send(event("LongMessageError", longMessage.toString(), "prod", "2.0.0"));
        BLOOP.awaitCount("SELECT count(*) FROM error_groups", 7);

        tab.open(home() + "issues");
        tab.waitFor(ROWS + " === 7");
        assertThat(tab.text("#issue-total")).isEqualTo("7 issues");
        assertThat(tab.url()).contains("project=default");

        pick("environment", "staging");
        tab.waitFor(ROWS + " === 1");
        assertThat(tab.text("#issue-list tbody tr")).contains("timeout after 30s");
        assertThat(tab.url()).contains("environment=staging");
        assertThat(tab.text("#filter-environment .pop")).as("values with their counts").contains("staging").contains("1 issue")
                .contains("prod");
        tab.fill("#filter-environment .picker-find", "STAG");
        tab.waitFor("document.querySelectorAll('#filter-environment .pop li').length === 1");
        tab.fill("#filter-environment .picker-find", "");
        tab.click("#filter-environment input[value=prod]");
        tab.waitFor(ROWS + " === 7");
        assertThat(tab.url()).contains("environment=staging").contains("environment=prod");

        tab.click("#filter-clear");
        tab.waitFor("!location.search.includes('environment=')");
        pick("source", "android");
        tab.waitFor(ROWS + " === 1");
        assertThat(tab.text("#issue-list")).contains("IllegalStateException");
        tab.click("#filter-clear");
        tab.waitFor(ROWS + " === 7");

        search("total");
        tab.waitFor(ROWS + " === 1 && document.getElementById('issue-list').textContent.includes('TypeError')");
        assertThat(tab.url()).contains("q=total").doesNotContain("environment=");

        tab.select("#filter-period", "1h");
        tab.waitFor("location.search.includes('period=1h')");
        tab.waitFor(ROWS + " === 1");
        tab.select("#filter-period", "custom");
        tab.fill("#filter-until", "2020-01-01T00:00");
        tab.eval("document.getElementById('filter-until').dispatchEvent(new Event('change', {bubbles: true})), true");
        tab.waitFor("document.getElementById('no-match')");
        assertThat(tab.url()).contains("until=");
        tab.click("#filter-clear");
        tab.waitFor(ROWS + " === 7");
        assertThat(tab.url()).doesNotContain("q=").doesNotContain("until=");
    }

    @Test
    @Order(3)
    void aStreamRowIsReadableAtAGlance() throws Exception {
        visit("issues");
        tab.waitFor(ROWS + " === 7");
        String row = "document.querySelector('#issue-list tr[data-fingerprint=\"" + fingerprint("LongMessageError") + "\"]')";
        assertThat(tab.eval(row + ".getBoundingClientRect().height").asDouble()).as("a 2 KB message is cut").isLessThan(110);
        String js = "document.querySelector('#issue-list tr[data-fingerprint=\"" + fingerprint("TypeError") + "\"] .culprit').textContent";
        assertThat(tab.eval(js).asText()).contains("checkout").contains("src/cart.ts");
        String jvm = "document.querySelector('#issue-list tr[data-fingerprint=\"" + fingerprint("DuplicateKeyException")
                + "\"] .culprit').textContent";
        assertThat(tab.eval(jvm).asText()).contains("com.acme.shop.orders.OrderRepository.insert").contains("OrderRepository.java");
        assertThat(tab.eval("[...document.querySelectorAll('#issue-list td.time')].every(td => getComputedStyle(td).whiteSpace === 'nowrap'"
                + " && /^(now|\\d+(m|h|d|mo|y) ago)$/.test(td.textContent))").asBoolean()).isTrue();

        tab.click("#issue-list tr[data-fingerprint=\"" + fingerprint("LongMessageError") + "\"] a");
        tab.waitFor("document.getElementById('issue-title')");
        assertThat(tab.text("#issue-title .message")).hasSizeGreaterThan(1800).contains("💥");
    }

    // ---- the issue page ----

    @Test
    @Order(4)
    void anIssueOpensResolvesShowsItsHistoryAndSurvivesAReload() throws Exception {
        visit("issues?q=total");
        tab.waitFor(ROWS + " === 1");
        tab.click("#issue-list tbody tr a");
        tab.waitFor("document.getElementById('issue-title') && document.querySelector('#events .event')");
        assertThat(tab.text("#issue-title")).contains("TypeError").contains("Cannot read property 'total' of undefined");
        assertThat(tab.url()).matches(".*/issues/[0-9a-f]{16}\\?project=default$");
        tab.waitFor("document.title.startsWith('TypeError: Cannot read property') && document.title.endsWith('Default · bloop')");
        tab.waitFor("document.querySelector('#issue .chart canvas')");
        assertThat(tab.text("#issue")).contains("2.0.0").contains("prod").contains("checkout").contains("src/cart.ts:10:5")
                .contains("plan");
        assertThat(tab.eval("[...document.querySelectorAll('#issue .actions button')].map(b => b.id).join()").asText())
                .isEqualTo("action-resolve,action-resolve-next,action-ignore,action-mute");
        assertThat(tab.text("#status-help").replaceAll("\\s+", " ")).contains("Ignore").contains("mute")
                .contains("behave the same").contains("any new event reopens it")
                .contains("only an event from a newer release");

        tab.click("#action-resolve");
        tab.waitFor("document.querySelector('#issue .status').textContent === 'resolved'");
        tab.waitFor("document.querySelector('#history tbody tr')");
        assertThat(tab.eval("[...document.querySelectorAll('#issue .actions button')].map(b => b.textContent).join()").asText())
                .as("only the changes that apply").isEqualTo("Reopen");
        assertThat(tab.text("#history")).contains("ann").contains("unresolved → resolved");
        assertThat(tab.text("#history-summary")).contains("unresolved → resolved").contains("ann");
        assertThat(tab.eval("document.getElementById('history-card').compareDocumentPosition(document.getElementById('events')) "
                + "& Node.DOCUMENT_POSITION_FOLLOWING").asInt()).as("history above the events").isPositive();

        String deepLink = tab.url();
        tab.open(deepLink);
        tab.waitFor("document.getElementById('issue-title')");
        assertThat(tab.text("#issue .status")).isEqualTo("resolved");
        assertThat(BLOOP.count("SELECT count(*) FROM error_groups WHERE status = 'resolved'")).isEqualTo(1);

        send(event("TypeError", "Cannot read property 'total' of undefined", "prod", "2.0.1"));
        BLOOP.awaitCount("SELECT count(*) FROM error_groups WHERE error_type = 'TypeError' AND status = 'unresolved'", 1);
        tab.reload();
        tab.waitFor("document.getElementById('regression')");
        assertThat(tab.text("#history-summary")).contains("regressed");
    }

    @Test
    @Order(5)
    void anIssueShowsWhereItHappensAndItsEventsOneAtATime() throws Exception {
        openIssue("TypeError");
        tab.waitFor("document.querySelector('#tags [data-tag=browser]')");
        assertThat(tab.text("#tags [data-tag=browser]")).contains("Chrome 120").contains("75%");
        assertThat(tab.text("#tags [data-tag=locale]")).contains("de-DE");
        assertThat(tab.text("#tags [data-tag=release]")).contains("2.0.0").contains("2.0.1");

        tab.waitFor("document.getElementById('event-position').textContent === '1 of 4'");
        assertThat(tab.text("#event-received")).containsPattern("\\((now|\\d+\\w+ ago)\\)");
        assertThat(tab.text("#event-client-time")).contains("2023").contains("before it was received");
        tab.click("#event-older");
        tab.waitFor("document.getElementById('event-position').textContent === '2 of 4'");
        tab.waitFor("document.querySelector('#events dl').textContent.includes('2.0.0')");
        tab.click("#event-newer");
        tab.waitFor("document.getElementById('event-position').textContent === '1 of 4'");
        tab.eval("document.querySelector('#all-events summary').click(), true");
        tab.waitFor("document.querySelectorAll('#all-events tbody tr').length === 4");
        tab.eval("document.querySelectorAll('#all-events tbody tr button')[3].click(), true");
        tab.waitFor("document.getElementById('event-position').textContent === '4 of 4'");
        assertThat(tab.eval("document.getElementById('event-older').disabled").asBoolean()).isTrue();

        openIssue("NetworkError");
        tab.waitFor("document.querySelector('#tags [data-tag=os]')");
        assertThat(tab.text("#tags [data-tag=os]")).as("from the user agent").contains("iOS 17.2").contains("100%");
        assertThat(tab.text("#tags [data-tag=device]")).contains("iPhone");
    }

    @Test
    @Order(6)
    void eventDataIsShownAsTextNeverRunAsHtml() throws Exception {
        visit("issues?status=any&q=XSSProbe");
        tab.waitFor(ROWS + " === 1");
        assertThat(tab.eval("document.querySelector('#issue-list img') === null").asBoolean()).isTrue();
        tab.click("#issue-list tbody tr a");
        tab.waitFor("document.getElementById('issue-title')");
        assertThat(tab.text("#issue-title")).contains("<img src=x onerror=\"window.__xss=1\"><script>");
        assertThat(tab.eval("document.querySelectorAll('#app img, #app script').length").asInt()).isZero();
        assertThat(tab.eval("typeof window.__xss").asText()).isEqualTo("undefined");
        tab.screenshot(SCREENSHOTS.resolve("dashboard-xss-as-text.png"));
    }

    @Test
    @Order(7)
    void stacksAreFramesWithAppCodeEmphasisedLibrariesFoldedAndTheGroupingFrameMarked() throws Exception {
        openIssue("DuplicateKeyException");
        assertThat(tab.text("ol.frames li.grouping")).contains("com.acme.shop.orders.OrderRepository.insert")
                .contains("OrderRepository.java:88");
        assertThat(tab.eval("[...document.querySelectorAll('#events ol.frames > li.app .fn')].map(e => e.textContent).join()").asText())
                .isEqualTo("com.acme.shop.orders.OrderRepository.insert,com.acme.shop.orders.CheckoutService.placeOrder,"
                        + "com.acme.shop.web.CheckoutController.checkout");
        assertThat(tab.eval("document.querySelectorAll('#events li.folded').length").asInt()).isEqualTo(3);
        assertThat(tab.text("#events li.folded button")).isEqualTo("Show 3 library frames");
        assertThat(tab.eval("document.querySelector('#events li.folded ol').hidden").asBoolean()).isTrue();
        tab.click("#events li.folded button");
        tab.waitFor("!document.querySelector('#events li.folded ol').hidden");
        assertThat(tab.text("#events li.folded ol")).contains("org.springframework.jdbc.core.JdbcTemplate.update");
        assertThat(tab.text("#events ol.frames")).contains("Caused by: org.postgresql.util.PSQLException");

        openIssue("IllegalStateException");
        assertThat(tab.text("ol.frames li.grouping .fn")).isEqualTo("com.acme.shop.cart.CartFragment.applyCoupon");
        assertThat(tab.text("ol.frames li.grouping .where")).isEqualTo("CartFragment.kt:57");
        assertThat(tab.eval("[...document.querySelectorAll('#events ol.frames > li.line')].map(e => e.textContent).join('|')").asText())
                .contains("Caused by: java.lang.NullPointerException").contains("... 3 more");

        openIssue("NSInvalidArgumentException");
        assertThat(tab.eval("[...document.querySelectorAll('#events ol.frames > li.app .fn')].map(e => e.textContent)"
                + ".includes('-[CheckoutViewController pay:]')").asBoolean()).isTrue();
        assertThat(tab.eval("document.querySelector('#events ol.frames li.grouping') !== null").asBoolean()).isTrue();
        String folded = "[...document.querySelectorAll('#events li.folded ol')].map(e => e.textContent).join('|')";
        assertThat(tab.eval(folded).asText()).contains("UIKitCore").contains("dyld").doesNotContain("CheckoutViewController");

        openIssue("NetworkError");
        assertThat(tab.text("ol.frames li.app")).contains("renderTotal").contains("/static/main.js:1:5512");
        assertThat(tab.text("#events li.folded ol")).contains("react-dom");
    }

    @Test
    @Order(8)
    void aJavaScriptStackIsShownSourceMapped() throws Exception {
        String token = BLOOP.token("ci", "default", dev.bloop.service.access.Scope.SOURCEMAPS_WRITE);
        byte[] map;
        String stack;
        try (var in = DashboardBrowserIT.class.getResourceAsStream("/sourcemaps/app.min.js.map");
             var st = DashboardBrowserIT.class.getResourceAsStream("/sourcemaps/v8-stack.txt")) {
            map = in.readAllBytes();
            stack = new String(st.readAllBytes(), StandardCharsets.UTF_8);
        }
        dev.bloop.service.sourcemap.Multipart form = dev.bloop.service.sourcemap.Multipart.sourceMap("3.0.0",
                "app.min.js.map", map);
        assertThat(BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url("/v1/projects/default/sourcemaps")))
                .header("Authorization", "Bearer " + token).header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body())).build()).statusCode()).isEqualTo(201);
        send(JSON.createObjectNode().put("timestamp", 1700000000000L).put("source", "web").put("environment", "prod")
                .put("release", "3.0.0").put("error_type", "PricingError").put("message", "Cannot price sku")
                .put("stack", stack).toString());
        BLOOP.awaitCount("SELECT count(*) FROM error_groups WHERE error_type = 'PricingError'", 1);

        visit("issues?status=any&q=PricingError");
        tab.waitFor(ROWS + " === 1");
        assertThat(tab.text("#issue-list .culprit")).as("the mapped frame names the issue").contains("priceOf");
        tab.click("#issue-list tbody tr a");
        tab.waitFor("document.querySelector('ol.frames')");
        assertThat(tab.text("ol.frames")).contains("priceOf").contains("src/pricing.ts").contains("at c (app.min.js:1:532)");
        assertThat(tab.text("ol.frames li.grouping")).contains("priceOf").contains("src/pricing.ts");
        assertThat(tab.text("#events li.folded ol")).contains("node:internal");
        tab.screenshot(SCREENSHOTS.resolve("dashboard-issue-sourcemapped.png"));
    }

    /**
     * Hovers the last bar of the overview trend, then moves left until the legend shows the bar before
     * it, and adds up the two bars' event counts.
     */
    private int eventsInLastTwoBars() {
        String legends = tab.eval("(() => { const o = document.querySelector('#overview-trend .u-over');"
                + " const r = o.getBoundingClientRect();"
                + " const at = x => { o.dispatchEvent(new MouseEvent('mousemove', {clientX: x, clientY: r.bottom - 5, bubbles: true}));"
                + " return document.querySelector('#overview-trend .u-legend').textContent; };"
                + " let x = r.right - 3; const last = at(x); let before = last;"
                + " while (before === last && x > r.left + 2) { x -= 2; before = at(x); }"
                + " return JSON.stringify([last, before]); })()").asText();
        int sum = 0;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("events\\s*(\\d+)").matcher(legends);
        for (int bar = 0; bar < 2; bar++) {
            assertThat(m.find()).as("an event count in each legend: " + legends).isTrue();
            sum += Integer.parseInt(m.group(1));
        }
        return sum;
    }

    // ---- the other pages ----

    @Test
    @Order(9)
    void chartsHaveRangesValuesOnHoverAndTheOverviewCardsOpenTheirIssues() throws Exception {
        tab.click("#nav-overview");
        tab.waitFor("document.querySelector('#overview .chart canvas')");
        assertThat(tab.text("#overview")).contains("events, 24 h").contains("/api/cart");
        tab.waitFor("document.querySelector('#overview-trend .u-over')");
        // The events were sent minutes ago: when an hour (or, on the 30-day chart, a day) began since,
        // they are split over the last two bars.
        assertThat(eventsInLastTwoBars()).as("the last bars, hovered").isBetween(10, 19);
        tab.click("#overview-trend button[data-range='30d']");
        tab.waitFor("document.querySelector('#overview-trend').textContent.includes('in the last 30 d')");
        tab.waitFor("document.querySelector('#overview-trend .u-over')");
        assertThat(eventsInLastTwoBars()).isBetween(10, 19);

        tab.click("#card-all");
        tab.waitFor("location.pathname === '/issues' && location.search.includes('status=any')");
        tab.waitFor(ROWS + " === 8");
        tab.back();
        tab.click("#card-unresolved");
        tab.waitFor("location.pathname === '/issues' && !location.search.includes('status=')");

        send(event("PaymentError", "card declined", "prod", "2.0.0"));
        BLOOP.awaitCount("SELECT count(*) FROM error_groups WHERE error_type = 'PaymentError'", 1);
        send(event("PaymentError", "card declined", "prod", "2.1.0"));
        BLOOP.awaitCount("SELECT count(*) FROM error_groups WHERE error_type = 'PaymentError' AND last_release = '2.1.0'", 1);
        tab.click("#nav-releases");
        tab.waitFor("document.querySelector('#releases tr[data-release=\"2.1.0\"]')");
        assertThat(tab.text("#releases tr[data-release=\"2.1.0\"] .new-count")).isEqualTo("1 new");
        tab.click("#releases tr[data-release=\"2.1.0\"] a");
        tab.waitFor("document.getElementById('release-detail')");
        assertThat(tab.text("#release-detail tr.new")).contains("timeout after 30s");
        assertThat(tab.text("#release-detail")).contains("card declined");
        assertThat(tab.eval("document.querySelector('#release-detail tr[data-fingerprint=\"" + fingerprint("PaymentError")
                + "\"]').classList.contains('new')").asBoolean()).as("first seen in 2.0.0").isFalse();
    }

    @Test
    @Order(10)
    void theOtherPagesRenderTheirData() throws Exception {
        tab.click("#nav-alerts");
        tab.fill("#rule-name", "new issues in prod");
        tab.fill("#rule-environment", "prod");
        tab.click("#rule-create");
        tab.waitFor("document.querySelector('#alerts li[data-rule]')");
        assertThat(BLOOP.count("SELECT count(*) FROM alert_rules WHERE name = 'new issues in prod' AND environment_filter = 'prod'"))
                .isEqualTo(1);
        tab.click("#alerts li[data-rule] button.edit");
        tab.fill(".rule-edit input", "prod: new issues");
        tab.click(".rule-edit button[type=submit]");
        tab.waitFor("document.getElementById('alerts').textContent.includes('prod: new issues')");
        assertThat(BLOOP.count("SELECT count(*) FROM alert_rules WHERE name = 'prod: new issues'")).isEqualTo(1);

        tab.click("#nav-tokens");
        tab.fill("#token-name", "ci");
        tab.click("#token-create");
        tab.waitFor("document.getElementById('new-token-value')");
        assertThat(tab.text("#new-token-value")).startsWith("bloop_tk_");

        tab.click("#nav-projects");
        tab.waitFor("document.querySelector('#project-list li[data-slug=default]')");
        tab.click("#project-list li[data-slug=default] button");
        tab.waitFor("document.querySelector('.keys .ingest-key')");
        assertThat(tab.text(".keys .snippets")).contains("X-Signature");

        tab.click("#nav-admin");
        tab.waitFor("document.querySelector('#retention dl') && document.querySelector('#user-list tr')");
        assertThat(tab.text("#user-list")).contains("ann");

        tab.click("#whoami");
        tab.waitFor("document.getElementById('settings')");
        assertThat(tab.text("#settings")).contains("Signed in as ann").contains("API tokens");
        tab.waitFor("document.title === 'Settings · bloop'");
    }

    @Test
    @Order(11)
    void apiErrorsAreShownInPlainWords() throws Exception {
        EXPECTED_FAILED_LOADS.add("/v1/errors/00000000deadbeef");
        tab.open(home() + "issues/00000000deadbeef");
        tab.waitFor("document.querySelector('.problem')");
        assertThat(tab.text(".problem")).contains("No issue 00000000deadbeef in Default");
        assertThat(BLOOP.get(BLOOP.url("/no-such-page-here")).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(12)
    void everyDashboardPathServesTheShellUnderAStrictPolicy() {
        HttpResponse<String> r = BLOOP.get(BLOOP.url("/issues/0123456789abcdef"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
        assertThat(csp).contains("script-src 'self' 'sha256-").contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(r.body()).contains("<script type=\"importmap\">");
        assertThat(BLOOP.get(BLOOP.url("/releases/1.0.0")).statusCode()).isEqualTo(200);
        assertThat(BLOOP.get(BLOOP.url("/ui/js/app.js")).statusCode()).isEqualTo(200);
        assertThat(BLOOP.get(BLOOP.url("/webjars/preact/10.25.4/dist/preact.module.js")).statusCode()).isEqualTo(200);
        assertThat(BLOOP.get(BLOOP.url("/not-a-page")).statusCode()).isEqualTo(404);
        assertThat(BLOOP.get(BLOOP.url("/ui/")).statusCode()).as("the shell only with its policy").isEqualTo(404);
    }

    // ---- what a new team tripped over ----

    @Test
    @Order(20)
    void spikeAndThresholdRulesAreCreatedWithAllTheirSettingsFromTheForm() throws Exception {
        visit("alerts");
        tab.select("#rule-type", "spike");
        tab.fill("#rule-name", "spiky");
        tab.fill("#rule-compare_window_secs", "600");
        tab.click("#rule-create");
        tab.waitFor("document.getElementById('alerts').textContent.includes('spiky') || document.querySelector('#alerts .problem')");
        assertThat(tab.text("#alerts .problem")).isEmpty();
        assertThat(BLOOP.firstString("SELECT config FROM alert_rules WHERE rule_type = 'spike'")).contains("\"multiplier\":3.0")
                .contains("\"compare_window_secs\":600").contains("\"baseline_window_secs\":3600").contains("\"min_events\":10");
        assertThat(tab.text("#alerts")).contains("over 3× that of the last 3600 s");

        tab.select("#rule-type", "threshold");
        tab.fill("#rule-name", "busy checkout");
        tab.fill("#rule-threshold", "50");
        tab.fill("#rule-route", "/checkout");
        tab.click("#rule-create");
        tab.waitFor("document.getElementById('alerts').textContent.includes('busy checkout')");
        assertThat(BLOOP.firstString("SELECT config FROM alert_rules WHERE rule_type = 'threshold'")).contains("\"threshold\":50")
                .contains("\"window_secs\":300").contains("\"route\":\"/checkout\"");
    }

    @Test
    @Order(21)
    void statusAnySurvivesAReloadAndBack() throws Exception {
        assertThat(call(tab, "POST", "/v1/errors/" + fingerprint("XSSProbe") + "/resolve?project_id=default", null)).isEqualTo(200);
        tab.open(home() + "issues?project=default");
        tab.waitFor(ROWS + " > 0");
        long unresolved = tab.eval(ROWS).asLong();
        tab.select("#filter-status", "any");
        tab.waitFor("location.search.includes('status=any')");
        tab.waitFor(ROWS + " === " + (unresolved + 1));
        tab.reload();
        tab.waitFor(ROWS + " === " + (unresolved + 1));
        assertThat(tab.eval("document.getElementById('filter-status').value").asText()).isEqualTo("any");
        tab.select("#filter-status", "resolved");
        tab.waitFor(ROWS + " === 1");
        tab.back();
        tab.waitFor("location.search.includes('status=any')");
        tab.waitFor(ROWS + " === " + (unresolved + 1));
        assertThat(tab.eval("document.getElementById('filter-status').value").asText()).isEqualTo("any");
    }

    @Test
    @Order(22)
    void backToIssuesKeepsFiltersSortAndPage() throws Exception {
        visit("issues?status=any&environment=staging&sort=total_count");
        tab.waitFor(ROWS + " === 1");
        String stream = tab.url();
        tab.click("#issue-list tbody tr a");
        tab.waitFor("document.getElementById('issue-title')");
        tab.click("#back-to-issues");
        tab.waitFor(ROWS + " === 1");
        assertThat(tab.url()).isEqualTo(stream);
        assertThat(tab.eval("document.getElementById('sort').value").asText()).isEqualTo("total_count");
    }

    @Test
    @Order(23)
    void topRouteLinksKeepTheirFiltersAfterNavigating() throws Exception {
        visit("overview");
        tab.waitFor("document.querySelector('#top-routes a')");
        tab.click("#top-routes a[href*=\"route=%2Fapi%2Fcart\"]");
        tab.waitFor(ROWS + " > 0");
        long rows = tab.eval(ROWS).asLong();
        assertThat(tab.text("#issue-list")).as("resolved ones too").contains("resolved");
        tab.click("#issue-list tbody tr a");
        tab.waitFor("document.getElementById('issue-title')");
        tab.back();
        tab.waitFor(ROWS + " === " + rows);
        assertThat(tab.url()).contains("route=%2Fapi%2Fcart").contains("status=any");
    }

    @Test
    @Order(24)
    void nextStartsAtTheTopOfTheNextPage() throws Exception {
        BLOOP.addProject("p-bulk", "bulk", "bloop_pk_bulk", BULK_SECRET);
        for (int b = 0; b < 2; b++) {
            StringBuilder batch = new StringBuilder("{\"events\":[");
            for (int i = 0; i < 50; i++) {
                batch.append(i == 0 ? "" : ",").append(event("Bulk" + b + "x" + i + "Error", "bulk issue " + i, "prod", "1.0.0"));
            }
            sendTo("bloop_pk_bulk", BULK_SECRET, batch.append("]}").toString());
        }
        sendTo("bloop_pk_bulk", BULK_SECRET, event("LastBulkError", "one more", "prod", "1.0.0"));
        BLOOP.awaitCount("SELECT count(*) FROM error_groups WHERE project_id = 'p-bulk'", 101);
        tab.open(home() + "issues?project=bulk");
        tab.waitFor(ROWS + " === 50 && !document.getElementById('page-next').disabled");
        tab.eval("window.scrollTo(0, document.body.scrollHeight), true");
        assertThat(tab.eval("window.scrollY").asInt()).isPositive();
        tab.click("#page-next");
        tab.waitFor(ROWS + " === 50 && location.search.includes('offset=50')");
        assertThat(tab.eval("window.scrollY").asInt()).isZero();
    }

    @Test
    @Order(25)
    void anIssueLinkOpensInItsOwnProjectForATeammateOnAnother() throws Exception {
        BLOOP.addProject("p-mobile", "mobile", "bloop_pk_mobile", MOBILE_SECRET);
        sendTo("bloop_pk_mobile", MOBILE_SECRET, event("CrashError", "mobile only crash", "prod", "1.0"));
        BLOOP.awaitCount("SELECT count(*) FROM error_groups WHERE project_id = 'p-mobile'", 1);
        tab.open(home() + "issues?project=default");
        tab.waitFor(ROWS + " > 0");
        tab.open(home() + "issues/" + fingerprint("CrashError") + "?project=mobile");
        tab.waitFor("document.getElementById('issue-title') || document.querySelector('.problem')");
        assertThat(tab.text("#issue-title")).contains("mobile only crash");
        assertThat(tab.eval("document.getElementById('project-select').value").asText()).isEqualTo("p-mobile");
        visit("releases/1.0?project=mobile");
        tab.waitFor("document.getElementById('release-detail')");
        assertThat(tab.text("#release-detail")).contains("mobile only crash");

        visit("issues/" + fingerprint("CrashError") + "?project=nowhere");
        tab.waitFor("document.getElementById('missing-project')");
        assertThat(tab.text("#missing-project")).contains("nowhere").containsPattern("not a\\s+member");
    }

    @Test
    @Order(26)
    void aProjectWhoseIssuesAreAllResolvedIsNotShownAsNew() throws Exception {
        assertThat(call(tab, "POST", "/v1/errors/" + fingerprint("CrashError") + "/resolve?project_id=mobile", null))
                .isEqualTo(200);
        visit("issues?project=mobile");
        tab.waitFor("document.querySelector('.empty')");
        assertThat(tab.text(".empty")).doesNotContain("No issues yet").contains("No unresolved issues")
                .contains("1 issue");
        tab.click("#all-done a");
        tab.waitFor(ROWS + " === 1");
    }

    @Test
    @Order(27)
    void sendTestOnARuleWithoutChannelsSaysNothingWasSent() throws Exception {
        visit("alerts?project=default");
        tab.waitFor("document.querySelector('#alerts li[data-rule] button.open-channels')");
        tab.click("#alerts li[data-rule] button.open-channels");
        tab.click("#alerts .send-test");
        tab.waitFor("document.querySelector('#alerts .test-result')");
        assertThat(tab.text("#alerts .test-result")).contains("Nothing was sent").contains("no channel");
    }

    @Test
    @Order(28)
    void theSlugFieldChecksItsPattern() throws Exception {
        visit("projects");
        tab.fill("#project-slug", "Not A Slug");
        assertThat(tab.eval("document.getElementById('project-slug').checkValidity()").asBoolean()).isFalse();
        tab.fill("#project-slug", "web-shop-2");
        assertThat(tab.eval("document.getElementById('project-slug').checkValidity()").asBoolean()).isTrue();
    }

    @Test
    @Order(29)
    void theNavMarksIssuesOnTheHomePage() throws Exception {
        visit("");
        tab.waitFor("document.getElementById('nav-issues') && document.querySelector('#issue-list, .empty')");
        assertThat(tab.eval("document.getElementById('nav-issues').classList.contains('active')").asBoolean()).isTrue();
    }

    @Test
    @Order(30)
    void aReleaseFilterShowsThatReleaseInTheList() throws Exception {
        visit("issues?status=any&release=2.0.0&q=PaymentError&project=default");
        tab.waitFor(ROWS + " === 1");
        assertThat(tab.text("#issue-list td.release")).isEqualTo("2.0.0");
        assertThat(tab.text("#issue-list thead")).contains("Release");
    }

    @Test
    @Order(31)
    void anUnknownReleaseSaysSo() throws Exception {
        visit("releases/9.9.9?project=default");
        tab.waitFor("document.getElementById('release-unknown')");
        assertThat(tab.text("#release-unknown")).contains("No events of release 9.9.9");
    }

    @Test
    @Order(32)
    void settingsIsAPageAndTheTabHasAnIcon() throws Exception {
        tab.open(home() + "settings");
        tab.waitFor("document.getElementById('settings')");
        assertThat(tab.eval("document.body.textContent.includes('not found')").asBoolean()).isFalse();
        HttpResponse<String> icon = BLOOP.get(BLOOP.url("/favicon.ico"));
        assertThat(icon.statusCode()).isEqualTo(200);
        assertThat(icon.headers().firstValue("Content-Type").orElse("")).isEqualTo("image/x-icon");
    }

    @Test
    @Order(33)
    void metadataLinesKeepTheSpacesAroundTheirSeparators() throws Exception {
        visit("issues?status=any&q=timeout&project=default");
        tab.waitFor(ROWS + " === 1");
        assertThat(tab.text("#issue-list tbody tr")).doesNotContainPattern("\\S·").doesNotContainPattern("·\\S");
        tab.click("#issue-list tbody tr a");
        tab.waitFor("document.getElementById('issue-title') && document.getElementById('history-summary')");
        assertThat(tab.text("#issue")).doesNotContainPattern("\\S·").doesNotContainPattern("·\\S");
        tab.click("#nav-alerts");
        tab.waitFor("document.querySelector('#alerts li[data-rule]')");
        assertThat(tab.text("#alerts ul")).doesNotContainPattern("\\S·").doesNotContainPattern("·\\S");
    }

    @Test
    @Order(34)
    void eachPageHasItsOwnTitle() throws Exception {
        tab.open(home() + "issues?project=default");
        tab.waitFor(ROWS + " > 0");
        tab.waitFor("document.title === 'Unresolved issues · Default · bloop'");
        openIssue("NetworkError");
        tab.waitFor("document.title.startsWith('NetworkError: timeout after 30s · Default')");
        tab.click("#nav-alerts");
        tab.waitFor("document.title === 'Alerts · Default · bloop'");
        tab.click("#nav-releases");
        tab.waitFor("document.title === 'Releases · Default · bloop'");
        tab.click("#nav-projects");
        tab.waitFor("document.title === 'Projects · bloop'");
    }

    @Test
    @Order(35)
    void aMemberWhoIsNotAnAdminIsNotOfferedToDeleteTheProject() throws Exception {
        String invite = tab.eval("fetch('/auth/status').then(r => r.json()).then(s => fetch('/v1/admin/invites', {method: 'POST', "
                + "headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token}, body: JSON.stringify({project_id: 'mobile'})}))"
                + ".then(r => r.json()).then(j => j.url)").asText();
        bob = chromium.newTab();
        bob.open(invite);
        bob.fill("#invite-username", "bob");
        bob.click("#invite-submit");
        bob.waitFor("document.getElementById('whoami') && document.getElementById('whoami').textContent.includes('bob')");
        bob.click("#nav-projects");
        bob.waitFor("document.querySelector('#project-list li[data-slug=mobile]')");
        assertThat(bob.eval("[...document.querySelectorAll('#project-list button')].map(b => b.textContent).join()").asText())
                .isEqualTo("Keys and setup");
        EXPECTED_FAILED_LOADS.add("/v1/projects/mobile");
        assertThat(call(bob, "DELETE", "/v1/projects/mobile", null)).as("and the server agrees").isEqualTo(403);
        assertThat(BLOOP.count("SELECT count(*) FROM projects WHERE slug = 'mobile'")).isEqualTo(1);

        // A link to an issue of a project bob is not in explains itself.
        bob.open(home() + "issues/" + fingerprint("TypeError") + "?project=default");
        bob.waitFor("document.getElementById('missing-project')");
        assertThat(bob.text("#missing-project")).contains("default").contains("Ask an admin");
    }

    // ---- a phone ----

    @Test
    @Order(40)
    void onAPhoneRowsStackAndTheHeaderStaysSmall() throws Exception {
        tab.viewport(390, 844, true);
        try {
            visit("issues?status=any&project=default");
            tab.waitFor(ROWS + " > 5");
            assertThat(tab.eval("document.querySelector('header').getBoundingClientRect().height").asDouble()).isLessThan(100);
            assertThat(tab.eval("document.getElementById('issue-list').getBoundingClientRect().width").asDouble())
                    .isLessThanOrEqualTo(390);
            assertThat(tab.eval("document.documentElement.scrollWidth").asInt()).as("nothing wider than the screen")
                    .isLessThanOrEqualTo(390);
            String row = "document.querySelector('#issue-list tr[data-fingerprint=\"" + fingerprint("LongMessageError") + "\"]')";
            assertThat(tab.eval(row + ".getBoundingClientRect().height").asDouble()).isLessThan(140);
            openIssue("DuplicateKeyException");
            assertThat(tab.eval("document.documentElement.scrollWidth").asInt()).isLessThanOrEqualTo(390);
        } finally {
            tab.viewport(1280, 900, false);
        }
    }

    @Test
    @Order(41)
    void everyPageAtDesktopAndPhoneWidths() throws Exception {
        BLOOP.addProject("p-empty", "empty", "bloop_pk_empty", "empty-secret-0123456789");
        tab.open(home() + "issues?project=default"); // the project list again, with the new project
        Map<String, String[]> pages = new java.util.LinkedHashMap<>();
        pages.put("issues", new String[] {"issues?status=any&project=default", "#issue-list"});
        pages.put("issue", new String[] {"issues/" + fingerprint("TypeError") + "?project=default", "#events .event"});
        pages.put("issues-filtered", new String[] {"issues?status=any&environment=prod&project=default", "#issue-list"});
        pages.put("issue-jvm", new String[] {"issues/" + fingerprint("DuplicateKeyException") + "?project=default", "#events .event"});
        pages.put("overview", new String[] {"overview?project=default", "#overview .chart canvas"});
        pages.put("issue-ios", new String[] {"issues/" + fingerprint("NSInvalidArgumentException") + "?project=default", "#events .event"});
        pages.put("releases", new String[] {"releases?project=default", "#release-list"});
        pages.put("issue-long", new String[] {"issues/" + fingerprint("LongMessageError") + "?project=default", "#events .event"});
        pages.put("release", new String[] {"releases/2.1.0?project=default", "#release-detail"});
        pages.put("alerts", new String[] {"alerts?project=default", "#alerts li[data-rule]"});
        pages.put("projects", new String[] {"projects", "#project-list"});
        pages.put("tokens", new String[] {"tokens?project=default", "#token-list"});
        pages.put("admin", new String[] {"admin", "#user-list tr"});
        pages.put("settings", new String[] {"settings", "#settings"});
        pages.put("first-event", new String[] {"issues?project=empty", "#first-event-snippet"});
        pages.put("missing-project", new String[] {"issues?project=nowhere", "#missing-project"});
        pages.put("not-found", new String[] {"issues/a/b/c", "#not-found"});
        for (int width : new int[] {1280, 390}) {
            tab.viewport(width, width == 390 ? 844 : 900, width == 390);
            try {
                for (Map.Entry<String, String[]> p : pages.entrySet()) {
                    // Each page loaded afresh: this test is about every page's layout, and in-app navigation in
                    // quick succession here has, a few times in many runs, left the issue list on screen after
                    // pushState to an issue (a race not yet found; the other tests navigate in-app).
                    tab.open(home() + p.getValue()[0]);
                    tab.waitFor("document.querySelector(" + Tab.quote(p.getValue()[1]) + ") && !document.querySelector('main')"
                            + ".textContent.includes('Loading…')");
                    if (p.getKey().equals("alerts")) {
                        tab.click("#alerts li[data-rule] button.open-channels");
                        tab.waitFor("document.querySelector('#alerts .channels h4')");
                    }
                    if (p.getKey().equals("projects")) {
                        tab.click("#project-list li[data-slug=default] button");
                        tab.waitFor("document.querySelector('.keys .snippets')");
                    }
                    if (p.getKey().equals("issues-filtered")) {
                        tab.click("#filter-environment .picker-button");
                        tab.waitFor("document.querySelector('#filter-environment .pop li')");
                    }
                    tab.waitFor("!document.querySelector('main').textContent.includes('Loading…')");
                    if (width == 390) {
                        assertThat(tab.eval("document.documentElement.scrollWidth").asInt()).as(p.getKey() + " fits a phone")
                                .isLessThanOrEqualTo(390);
                    }
                    shoot(p.getKey() + "-" + width);
                }
            } finally {
                tab.viewport(1280, 900, false);
            }
        }
    }

    @Test
    @Order(99)
    void theConsoleStayedFreeOfErrorsThroughTheWholeRun() {
        List<Tab.ConsoleError> errors = new ArrayList<>(tab.consoleErrors());
        if (bob != null) {
            errors.addAll(bob.consoleErrors());
        }
        errors.removeIf(e -> e.source().equals("network") && EXPECTED_FAILED_LOADS.stream().anyMatch(u -> e.url().contains(u)));
        assertThat(errors).isEmpty();
    }
}
