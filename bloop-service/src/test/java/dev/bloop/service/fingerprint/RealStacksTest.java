package dev.bloop.service.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Stacks as the platforms print them (under {@code src/test/resources/stacks/}), each with runtime,
 * driver, framework or system frames above the app's own: the group's frame is the app's frame.
 */
class RealStacksTest {

    static String stack(String name) {
        try (InputStream in = RealStacksTest.class.getResourceAsStream("/stacks/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("no test stack " + name, e);
        }
    }

    private static StackFramePicker.Pick pick(String name) {
        return StackFramePicker.pick(stack(name), InAppRules.NONE);
    }

    @Test
    void jdbcDriverPoolAndSpringFramesAboveTheRepositoryAreSkipped() {
        assertThat(pick("jvm-spring-postgres.txt")).isEqualTo(new StackFramePicker.Pick(
                "at com.acme.shop.orders.OrderRepository.insert(OrderRepository.java)", "first in-app frame"));
    }

    @Test
    void jacksonFramesAndTheLocationLineOfItsMessageAreSkipped() {
        assertThat(pick("jvm-jackson.txt").frame()).isEqualTo("at com.acme.shop.api.ProductClient.list(ProductClient.java)");
    }

    @Test
    void androidSqliteRoomAndCoroutineFramesAreSkipped() {
        assertThat(pick("android-sqlite.txt").frame()).isEqualTo("at com.acme.shop.cart.CartDao_Impl.insert(CartDao_Impl.java)");
    }

    @Test
    void okioOkhttpAndRetrofitFramesAreSkipped() {
        assertThat(pick("android-okhttp.txt").frame())
                .isEqualTo("at com.acme.shop.net.AuthInterceptor.intercept(AuthInterceptor.kt)");
    }

    @Test
    void anObjectiveCExceptionGroupsOnTheAppFrameNotOnLibobjc() {
        assertThat(pick("ios-objc-exception.txt").frame())
                .isEqualTo("ShopApp CheckoutViewController.placeOrder(_:) (CheckoutViewController.swift)");
    }

    @Test
    void aCrashInObjcMsgSendGroupsOnTheAppFrameThatSentTheMessage() {
        assertThat(pick("ios-objc-msgsend.txt").frame()).isEqualTo("ShopApp CartCell.configure(with:) (CartCell.swift)");
    }

    @Test
    void nodeRuntimeFramesAreSkippedButAModulesTopLevelCodeIsTheApps() {
        assertThat(pick("node-promise-all.txt").frame()).isEqualTo("at Object.<anonymous> (/srv/report/build.js)");
        assertThat(pick("node-pg.txt").frame()).isEqualTo("at async OrderRepository.insert (/app/src/orders/repository.js)");
    }

    @Test
    void browserFrameworkChunksExtensionsAndLibraryCdnsAreSkipped() {
        assertThat(pick("browser-chrome-next.txt").frame())
                .isEqualTo("at onClick (https://shop.acme.com/_next/static/chunks/pages/checkout-8d1f3e2b7c.js)");
        assertThat(pick("browser-firefox-react.txt").frame()).isEqualTo("handleSave@https://shop.acme.com/assets/cart.js");
    }

    @Test
    void aPythonTracebackGroupsOnItsInnermostAppFrameNeverOnASourceLine() {
        assertThat(pick("python-sqlalchemy.txt").frame()).isEqualTo("File \"/app/shop/orders.py\", in place_order");
    }

    @Test
    void aPythonStackSentMostRecentCallFirstIsReadFromTheTop() {
        // As bloop's Python SDK sends it: no "Traceback" header, innermost frame first, source lines
        // for app frames only, causes after "Caused by:".
        String sdk = "  File \"/usr/lib/python3.12/json/decoder.py\", line 355, in raw_decode\n"
                + "  File \"/srv/shop/payments.py\", line 42, in charge\n"
                + "    raise PaymentDeclined(\"card declined\")\n"
                + "  File \"/srv/shop/views.py\", line 10, in checkout\n"
                + "    charge(card)\n"
                + "Caused by: KeyError: 'card'\n"
                + "  File \"/srv/shop/payments.py\", line 38, in charge\n";
        assertThat(StackFramePicker.pick(sdk, InAppRules.NONE).frame()).isEqualTo("File \"/srv/shop/payments.py\", in charge");
    }

    @Test
    void rubyGemsAndStandardLibraryFramesAreSkipped() {
        assertThat(pick("ruby-activerecord.txt").frame()).isEqualTo("/app/app/models/order.rb:in `place!'");
    }

    @Test
    void twoCallSitesReachingTheSameDriverFrameAreTwoGroups() {
        String orders = stack("jvm-spring-postgres.txt");
        String customers = orders.replace("at com.acme.shop.orders.OrderRepository.insert(OrderRepository.java:58)",
                "at com.acme.shop.customers.CustomerRepository.insert(CustomerRepository.java:23)");
        String message = "PreparedStatementCallback; ERROR: duplicate key value violates unique constraint";
        GroupingKey a = Fingerprinter.group("api", "DuplicateKeyException", message, orders, "/checkout", null);
        GroupingKey b = Fingerprinter.group("api", "DuplicateKeyException", message, customers, "/checkout", null);
        assertThat(a.fingerprint()).isNotEqualTo(b.fingerprint());
        assertThat(b.frame()).isEqualTo("at com.acme.shop.customers.CustomerRepository.insert(CustomerRepository.java)");
        // The same call site at other line numbers (another build) stays one group.
        String rebuilt = orders.replace("OrderRepository.java:58", "OrderRepository.java:61")
                .replace("QueryExecutorImpl.java:2725", "QueryExecutorImpl.java:2731");
        assertThat(Fingerprinter.group("api", "DuplicateKeyException", message, rebuilt, "/checkout", null).fingerprint())
                .isEqualTo(a.fingerprint());
    }
}
