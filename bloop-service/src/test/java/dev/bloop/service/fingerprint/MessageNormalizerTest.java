package dev.bloop.service.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MessageNormalizerTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "Error at 192.168.1.1 for user abc123 | error at <ip> for user abc<n>",
            "Failed for 550e8400-e29b-41d4-a716-446655440000 | failed for <uuid>",
            "~  Timeout after 5000ms  ~ | timeout after <n>ms",
            "Cannot read property 'id' of undefined | cannot read property 'id' of undefined",
            "User jane.doe+test@example.co.uk not found | user <email> not found",
            "GET https://api.example.com/v1/users/42?x=1 failed | get <url> failed",
            "connect to [::1]:5432 refused | connect to <ip>:<n> refused",
            "connect to fe80::1ff:fe23:4567:890a%eth0 refused | connect to <ip> refused",
            "host 2001:0db8:85a3:0000:0000:8a2e:0370:7334 down | host <ip> down",
            "segfault at 0x7fff5fbff8a8 | segfault at <hex>",
            "object 507f1f77bcf86cd799439011 missing | object <hex> missing",
            "commit 9fceb02d0ae598e95dc970b74767f19372d61af8 bad | commit <hex> bad",
            "at 2024-01-15T10:30:00.123Z it failed | at <ts> it failed",
            "at 2024-01-15 10:30:00+02:00 it failed | at <ts> it failed",
            "on 2024-01-15 | on <ts>",
            "took 12:30:45.5 | took <ts>",
            "version 1.2.3 broke | version <n>.<n>.<n> broke",
            "The deadline was missed | the deadline was missed",
            "std::vector out of range | std::vector out of range",
            "Invalid key \"order_8812\" | invalid key \"order_<n>\"",
            "Arabic digits ٣٤٥ too | arabic digits <n> too",
    })
    void normalizesVariableParts(String message, String expected) {
        assertThat(MessageNormalizer.normalize(message)).isEqualTo(expected);
    }

    @Test
    void collapsesWhiteSpaceOfEveryKind() {
        assertThat(MessageNormalizer.normalize("  Tab\tand\n newline\u00a0 runs \r\n"))
                .isEqualTo("tab and newline runs");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "10:30 | <n>:<n>",
            "ratio 3:2 | ratio <n>:<n>",
            "abc@localhost | abc@localhost",
            "deadbeef | deadbeef",
            "http:// | http://",
    })
    void leavesLookalikesAlone(String message, String expected) {
        assertThat(MessageNormalizer.normalize(message)).isEqualTo(expected);
    }
}
