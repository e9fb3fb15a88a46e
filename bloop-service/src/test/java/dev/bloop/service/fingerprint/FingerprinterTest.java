package dev.bloop.service.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FingerprinterTest {
    private static final String STACK = "at getUser (/app/src/users.js:17:11)\nat node_modules/x.js:1:1";

    @Test
    void xxh3MatchesTheReferenceVectors() {
        // Vectors computed with libxxhash XXH3_64bits, seed 0.
        assertThat(Fingerprinter.hash("")).isEqualTo("2d06800538d394c2");
        assertThat(Fingerprinter.hash("api:TypeError:/api/users:cannot read property 'id' of undefined:"))
                .isEqualTo("47da95d829c13e1f");
        assertThat(Fingerprinter.hash("ios:NetworkError::connection timed out after <n>ms:"))
                .isEqualTo("7223187940f742ae");
    }

    @Test
    void oneBugWithVaryingDetailsIsOneGroup() {
        List<String> messages = List.of(
                "Order 1234 for bob@example.com failed at 2024-01-15T10:30:00Z from 10.0.0.7 (req 550e8400-e29b-41d4-a716-446655440000, obj 507f1f77bcf86cd799439011)",
                "Order 98 for alice@test.org failed at 2025-12-31T23:59:59.999+01:00 from 192.168.100.200 (req 123e4567-e89b-12d3-a456-426614174000, obj 5f2b8c9d1e3a4b6c7d8e9f01)",
                "order 7 for  x.y@z.io   failed at 2023-06-01 08:00:00 from 2001:db8::7 (req 00000000-0000-0000-0000-000000000000, obj 0xdeadbeef)");
        List<String> fingerprints = messages.stream()
                .map(m -> Fingerprinter.group("api", "OrderError", m, STACK, "/orders", null).fingerprint())
                .distinct().collect(Collectors.toList());
        assertThat(fingerprints).hasSize(1);
        assertThat(fingerprints.get(0)).matches("[0-9a-f]{16}");
    }

    @Test
    void sameFrameAtOtherLineNumbersIsOneGroup() {
        String a = Fingerprinter.group("web", "TypeError", "x is undefined", "at f (app.js:10:5)", null, null).fingerprint();
        String b = Fingerprinter.group("web", "TypeError", "x is undefined", "at f (app.js:99:1)", null, null).fingerprint();
        assertThat(a).isEqualTo(b);
    }

    @Test
    void differentTypeFrameOrSourceAreDifferentGroups() {
        GroupingKey base = Fingerprinter.group("api", "TypeError", "boom", STACK, "/a", null);
        assertThat(Fingerprinter.group("api", "RangeError", "boom", STACK, "/a", null).fingerprint())
                .isNotEqualTo(base.fingerprint());
        assertThat(Fingerprinter.group("ios", "TypeError", "boom", STACK, "/a", null).fingerprint())
                .isNotEqualTo(base.fingerprint());
        assertThat(Fingerprinter.group("api", "TypeError", "boom", "at other (/app/src/orders.js:1:1)", "/a", null)
                .fingerprint()).isNotEqualTo(base.fingerprint());
        assertThat(Fingerprinter.group("api", "TypeError", "another message", STACK, "/a", null).fingerprint())
                .isNotEqualTo(base.fingerprint());
    }

    @Test
    void withoutAStackTheRouteTellsGroupsApart() {
        GroupingKey users = Fingerprinter.group("api", "Timeout", "timed out", null, "/users", null);
        GroupingKey orders = Fingerprinter.group("api", "Timeout", "timed out", null, "/orders", null);
        assertThat(users.fingerprint()).isNotEqualTo(orders.fingerprint());
        assertThat(users.route()).isEqualTo("/users");
        assertThat(users.frame()).isNull();
        // With a stack, the frame decides and the route does not.
        assertThat(Fingerprinter.group("api", "Timeout", "timed out", STACK, "/users", null).fingerprint())
                .isEqualTo(Fingerprinter.group("api", "Timeout", "timed out", STACK, "/orders", null).fingerprint());
    }

    @Test
    void clientFingerprintReplacesTheComputedKeyAndIsHashed() {
        GroupingKey a = Fingerprinter.group("api", "A", "one", STACK, null, "checkout/payment-declined");
        GroupingKey b = Fingerprinter.group("ios", "B", "two", null, "/x", "checkout/payment-declined");
        assertThat(a.fingerprint()).isEqualTo(b.fingerprint()).isEqualTo(Fingerprinter.hash("checkout/payment-declined"));
        assertThat(a.kind()).isEqualTo(GroupingKey.CLIENT);
        assertThat(Fingerprinter.group("api", "A", "x", null, null, "../../etc/passwd").fingerprint()).matches("[0-9a-f]{16}");
    }

    @Test
    void groupingKeyIsExplainable() {
        GroupingKey key = Fingerprinter.group("api", "TypeError", "User 42 missing", STACK, "/u", null);
        assertThat(key.version()).isEqualTo(Fingerprinter.VERSION);
        assertThat(key.kind()).isEqualTo(GroupingKey.COMPUTED);
        assertThat(key.normalizedMessage()).isEqualTo("user <n> missing");
        assertThat(key.frame()).isEqualTo("at getUser (/app/src/users.js)");
        assertThat(key.frameReason()).isEqualTo("first in-app frame");
        assertThat(key.fingerprint()).isEqualTo(Fingerprinter.hash(
                "api\nTypeError\nuser <n> missing\nat getUser (/app/src/users.js)"));
    }

    @Test
    void theExplanationSaysWhyNoFrameWasUsed() {
        assertThat(Fingerprinter.group("api", "E", "m", null, "/users", null).frameReason()).isEqualTo("no stack: route");
        assertThat(Fingerprinter.group("api", "E", "m", "TypeError: m", "/users", null).frameReason())
                .isEqualTo("no frame in the stack: route");
        assertThat(Fingerprinter.group("api", "E", "m", null, null, null).frameReason())
                .isEqualTo("no stack and no route: error type and message only");
        assertThat(Fingerprinter.group("api", "E", "m", STACK, "/users", "checkout").frameReason())
                .isEqualTo("client fingerprint");
    }
}
