package dev.bloop.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8Test {
    @Test
    void truncationCountsUtf8BytesAndNeverSplitsACharacter() {
        String s = "é".repeat(1500); // 3000 bytes
        String cut = Utf8.truncate(s, 2048);
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isEqualTo(2048);
        String emoji = "a" + "\uD83D\uDCA5".repeat(10); // 1 + 40 bytes
        String cutEmoji = Utf8.truncate(emoji, 7);
        assertThat(cutEmoji).isEqualTo("a\uD83D\uDCA5");
        assertThat(Utf8.truncate("short", 10)).isEqualTo("short");
        assertThat(Utf8.truncate(null, 10)).isNull();
        assertThat(Utf8.length("a\u00e9\u20ac\uD83D\uDCA5")).isEqualTo(1 + 2 + 3 + 4);
    }
}
