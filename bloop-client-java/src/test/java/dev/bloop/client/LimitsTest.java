package dev.bloop.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LimitsTest {
    @Test
    void truncationCountsUtf8BytesAndNeverSplitsACharacter() {
        String s = "é".repeat(1500); // 3000 bytes
        String cut = Limits.truncateUtf8(s, 2048);
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isEqualTo(2048);
        String emoji = "a" + "\uD83D\uDCA5".repeat(10); // 1 + 40 bytes
        String cutEmoji = Limits.truncateUtf8(emoji, 7);
        assertThat(cutEmoji).isEqualTo("a\uD83D\uDCA5");
        assertThat(Limits.truncateUtf8("short", 10)).isEqualTo("short");
        assertThat(Limits.truncateUtf8(null, 10)).isNull();
        assertThat(Limits.utf8Length("a\u00e9\u20ac\uD83D\uDCA5")).isEqualTo(1 + 2 + 3 + 4);
    }
}
