package dev.bloop.service.fingerprint;

import static dev.bloop.service.fingerprint.RealStacksTest.stack;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-project in_app_include / in_app_exclude prefixes, as Sentry SDKs configure them. */
class InAppRulesTest {

    private static StackFramePicker.Pick pick(String stack, List<String> include, List<String> exclude) {
        return StackFramePicker.pick(stack, new InAppRules(include, exclude, 1));
    }

    @Test
    void anIncludeRuleWinsOverTheBuiltInLibraryLists() {
        String stack = "\tat org.apache.fineract.loan.Disburse.run(Disburse.java:12)\n"
                + "\tat org.apache.fineract.web.LoanApi.post(LoanApi.java:80)";
        assertThat(StackFramePicker.pick(stack, InAppRules.NONE).reason()).isEqualTo("no in-app frame: first frame");
        assertThat(pick(stack, List.of("org.apache.fineract."), List.of())).isEqualTo(new StackFramePicker.Pick(
                "at org.apache.fineract.loan.Disburse.run(Disburse.java)", "in_app_include org.apache.fineract."));
    }

    @Test
    void anExcludeRuleSkipsAppLookingFrames() {
        StackFramePicker.Pick pick = pick(stack("android-okhttp.txt"), List.of(), List.of("com.acme.shop.net."));
        assertThat(pick).isEqualTo(new StackFramePicker.Pick(
                "at com.acme.shop.catalog.CatalogRepository.refresh(CatalogRepository.kt)", "first in-app frame"));
    }

    @Test
    void theLongerPrefixDecidesWhenBothListsMatch() {
        StackFramePicker.Pick pick = pick(stack("android-okhttp.txt"), List.of("com.acme."), List.of("com.acme.shop.net."));
        assertThat(pick.frame()).isEqualTo("at com.acme.shop.catalog.CatalogRepository.refresh(CatalogRepository.kt)");
        assertThat(pick.reason()).isEqualTo("in_app_include com.acme.");
        // The other way round: a narrower include inside an excluded vendor tree.
        String vendored = "\tat com.acme.vendor.pdf.Writer.flush(Writer.java:9)\n\tat com.acme.vendor.patched.Pool.get(Pool.java:3)";
        assertThat(pick(vendored, List.of("com.acme.vendor.patched."), List.of("com.acme.vendor.")).frame())
                .isEqualTo("at com.acme.vendor.patched.Pool.get(Pool.java)");
    }

    @Test
    void pathPrefixesMatchWhereAPathSegmentStarts() {
        String node = "    at sign (/app/node_modules/@acme/auth/index.js:40:11)\n"
                + "    at login (/app/src/login.js:9:3)";
        assertThat(pick(node, List.of("node_modules/@acme/"), List.of())).isEqualTo(new StackFramePicker.Pick(
                "at sign (/app/node_modules/@acme/auth/index.js)", "in_app_include node_modules/@acme/"));
        String python = "  File \"/app/shop/cart.py\", line 9, in total\n  File \"/app/myshop/cart.py\", line 3, in add";
        // "shop/" is a segment of /app/shop/ but only the tail of /app/myshop/.
        assertThat(pick(python, List.of(), List.of("shop/")).frame()).isEqualTo("File \"/app/myshop/cart.py\", in add");
    }

    @Test
    void everyFrameExcludedFallsBackToTheFirstFrame() {
        StackFramePicker.Pick pick = pick("\tat com.acme.gen.A.a(A.java:1)\n\tat com.acme.gen.B.b(B.java:2)", List.of(),
                List.of("com.acme.gen."));
        assertThat(pick).isEqualTo(new StackFramePicker.Pick("at com.acme.gen.A.a(A.java)", "no in-app frame: first frame"));
    }

    @Test
    void theRulesVersionIsPartOfTheGroupingKey() {
        InAppRules rules = new InAppRules(List.of("com.acme."), List.of(), 3);
        GroupingKey key = Fingerprinter.group("android", "SocketTimeoutException", "timeout", stack("android-okhttp.txt"),
                null, null, rules);
        assertThat(key.rulesVersion()).isEqualTo(3);
        assertThat(key.frameReason()).isEqualTo("in_app_include com.acme.");
        assertThat(key.version()).isEqualTo(Fingerprinter.VERSION);
    }
}
