package dev.bloop.service.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import org.junit.jupiter.api.Test;

class TargetGuardTest {
    private final TargetGuard strict = new TargetGuard(false);

    @Test
    void privateLoopbackAndLinkLocalTargetsAreRefusedAfterResolution() {
        for (String url : new String[] {"http://127.0.0.1/x", "http://localhost:8080/", "http://[::1]/", "http://10.1.2.3/",
                "http://192.168.0.10/", "http://172.20.0.1/", "http://169.254.169.254/latest/meta-data",
                "http://0.0.0.0/", "http://[fd00::1]/", "http://100.64.0.1/"}) {
            assertThat(strict.refusal(URI.create(url))).as(url).isNotNull();
        }
        assertThat(strict.refusal(URI.create("https://93.184.216.34/hook"))).isNull();
        assertThat(new TargetGuard(true).refusal(URI.create("http://127.0.0.1/x"))).isNull();
    }

    @Test
    void channelsToPrivateTargetsAreRefusedAtCreation() {
        ObjectMapper json = new ObjectMapper();
        assertThatThrownBy(() -> ChannelConfigs.validate(json.readTree("{\"type\":\"webhook\",\"url\":\"http://localhost:9/x\"}"),
                strict, false))
                .isInstanceOf(InvalidAlertException.class).hasMessageContaining("allow_private_targets");
    }
}
