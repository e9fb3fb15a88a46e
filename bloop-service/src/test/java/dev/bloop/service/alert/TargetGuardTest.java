package dev.bloop.service.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetGuardTest {
    private final TargetGuard strict = new TargetGuard(false);
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void privateLoopbackAndLinkLocalTargetsAreRefusedAfterResolution() {
        for (String url : new String[] {"http://127.0.0.1/x", "http://localhost:8080/", "http://[::1]/", "http://10.1.2.3/",
                "http://192.168.0.10/", "http://172.20.0.1/", "http://169.254.169.254/latest/meta-data",
                "http://0.0.0.0/", "http://[fd00::1]/", "http://100.64.0.1/", "http://[::]/", "http://255.255.255.255/",
                "http://198.18.0.1/", "http://[fe80::1]/"}) {
            assertThat(strict.refusal(URI.create(url))).as(url).isNotNull();
        }
        assertThat(strict.refusal(URI.create("https://93.184.216.34/hook"))).isNull();
        assertThat(new TargetGuard(true).refusal(URI.create("http://127.0.0.1/x"))).isNull();
    }

    @Test
    void channelsToPrivateTargetsAreRefusedAtCreation() {
        assertThatThrownBy(() -> ChannelConfigs.validate(json.readTree("{\"type\":\"webhook\",\"url\":\"http://localhost:9/x\"}"),
                strict, false))
                .isInstanceOf(InvalidAlertException.class).hasMessageContaining("allow_private_targets");
    }

    @Test
    void loopbackInDisguiseIsRefusedAtCreation() {
        List<String> accepted = new ArrayList<>();
        for (String url : List.of(
                // IPv4 in octal, hex, decimal and short forms: tools disagree on what they mean
                "http://0177.0.0.1/", "http://0x7f.0.0.1/", "http://0x7f000001/", "http://2130706433/",
                "http://017700000001/", "http://127.1/", "http://0177.1/", "http://10.0.0.01/",
                // loopback names, with a trailing dot or as a subdomain
                "http://localhost./", "http://LOCALHOST/", "http://api.localhost/", "http://localhost../",
                // IPv6 forms that carry a private IPv4 address
                "http://[::127.0.0.1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:0:127.0.0.1]/",
                "http://[64:ff9b::127.0.0.1]/", "http://[64:ff9b::10.0.0.1]/", "http://[64:ff9b:1::a00:1]/",
                "http://[2002:7f00:1::]/", "http://[2002:c0a8:101::1]/", "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/")) {
            for (String type : List.of("webhook", "slack")) {
                String key = type.equals("slack") ? "webhook_url" : "url";
                try {
                    ChannelConfigs.validate(json.readTree("{\"type\":\"" + type + "\",\"" + key + "\":\"" + url + "\"}"),
                            strict, false);
                    accepted.add(type + " " + url);
                } catch (InvalidAlertException e) {
                    assertThat(e.field()).as(url).isEqualTo(key);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        }
        assertThat(accepted).isEmpty();
    }

    @Test
    void publicAddressesInEveryFormStayAllowed() throws Exception {
        for (String url : List.of("https://93.184.216.34/hook", "https://[2002:5db8:d822::1]/hook",
                "https://[64:ff9b::93.184.216.34]/hook", "https://[2606:2800:220:1:248:1893:25c8:1946]/hook")) {
            assertThat(ChannelConfigs.validate(json.readTree("{\"type\":\"webhook\",\"url\":\"" + url + "\"}"), strict,
                    false).get("url").asText()).isEqualTo(url);
        }
    }

    @Test
    void ambiguousAddressFormsAreRefusedEvenWhenPrivateTargetsAreAllowed() {
        assertThat(new TargetGuard(true).refusal(URI.create("http://0177.0.0.1/"))).contains("four decimal numbers");
        String localhost = new TargetGuard(true).refusal(URI.create("http://localhost./"));
        assertThat(localhost == null || localhost.endsWith("does not resolve")).as(localhost).isTrue();
    }
}
