package dev.bloop.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BuilderTest {
    private static BloopClient.Builder valid() {
        return BloopClient.builder().endpoint("http://127.0.0.1:1").secret("s").environment("prod").release("1")
                .shutdownHook(false);
    }

    @Test
    void missingOrInvalidSettingsAreRefusedByName() {
        assertThatThrownBy(() -> valid().secret(null).build()).hasMessageContaining("secret");
        assertThatThrownBy(() -> valid().environment(" ").build()).hasMessageContaining("environment");
        assertThatThrownBy(() -> valid().release(null).build()).hasMessageContaining("release");
        assertThatThrownBy(() -> valid().source("Java!").build()).hasMessageContaining("source");
        assertThatThrownBy(() -> valid().batchSize(51).build()).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> valid().endpoint("ftp://x").build()).hasMessageContaining("http");
    }
}
