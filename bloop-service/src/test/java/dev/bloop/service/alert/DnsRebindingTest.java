package dev.bloop.service.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.api.AlertTestResults;
import dev.bloop.service.store.TestDatabase;
import io.dropwizard.util.Duration;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deliveries connect to the address the SSRF guard checked, not to whatever a second DNS lookup says:
 * a resolver stands in for DNS (names under {@code .test}, which never resolve for real, so the HTTP
 * client can only reach anything through the guard's resolver), a real HTTP receiver on loopback
 * stands in for the target, and the deliveries are logged in a real SQLite file.
 */
class DnsRebindingTest {
    @RegisterExtension
    final TestDatabase database = new TestDatabase();
    private final ObjectMapper json = new ObjectMapper();
    private Receiver receiver;
    private AlertStore store;
    private long ruleId;

    /** Answers from a script, one per lookup (the last repeats), and records every lookup. */
    static final class ScriptedDns implements TargetGuard.Resolver {
        final List<String> lookups = new ArrayList<>();
        private final Map<String, List<String>> answers;

        ScriptedDns(Map<String, List<String>> answers) {
            this.answers = answers;
        }

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            List<String> script = answers.get(host);
            if (script == null) {
                throw new UnknownHostException(host);
            }
            String answer = script.get(Math.min(lookups.size(), script.size() - 1));
            lookups.add(host + " -> " + answer);
            return new InetAddress[] {InetAddress.getByName(answer)};
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        receiver = new Receiver();
        store = new AlertStore(database.db(), json);
        ruleId = store.insertRule(new AlertStore.Rule(0, "default", "r", null, "new_issue",
                json.createObjectNode().put("type", "new_issue"), true, 0, null, null, 0, 0)).id();
    }

    @AfterEach
    void tearDown() {
        receiver.close();
    }

    private Dispatcher dispatcher(TargetGuard guard) {
        AlertConfig config = new AlertConfig();
        config.setDeliveryTimeout(Duration.seconds(2));
        return new Dispatcher(store, json, config, new SmtpConfig(), guard);
    }

    private List<AlertTestResults.ChannelAttempt> send(Dispatcher dispatcher, String url) {
        ObjectNode channel = JsonNodeFactory.instance.objectNode().put("type", "webhook").put("url", url);
        Notification n = new Notification(new Notification.RuleRef(ruleId, "r", "new_issue"), "default", "0123456789abcdef",
                "E", "m", "1", "prod", 1, "New issue", "https://bloop.example.com/issues/0123456789abcdef", 0, "bloop", null);
        return dispatcher.test(ruleId, List.of(new Dispatcher.Target(1L, "webhook", channel)), n);
    }

    @Test
    void aNameThatAnswersPublicToTheCheckAndLoopbackToTheConnectionGetsNoConnection() throws Exception {
        ScriptedDns dns = new ScriptedDns(Map.of("rebind.test", List.of("93.184.216.34", "127.0.0.1")));
        TargetGuard guard = new TargetGuard(false, dns);
        String url = "http://rebind.test:" + URI.create(receiver.url("/")).getPort() + "/hook";

        List<AlertTestResults.ChannelAttempt> results = send(dispatcher(guard), url);

        assertThat(results.get(0).status()).isEqualTo("failed");
        assertThat(results.get(0).error()).startsWith("refused: ").contains("127.0.0.1");
        assertThat(dns.lookups).as("checked, then resolved once more for the connection: by the guard")
                .containsExactly("rebind.test -> 93.184.216.34", "rebind.test -> 127.0.0.1");
        assertThat(receiver.next(1)).as("nothing reached the loopback receiver").isNull();
        assertThat(database.count("SELECT count(*) FROM alert_deliveries WHERE status = 'failed' AND error LIKE 'refused:%'"))
                .isEqualTo(1);
    }

    @Test
    void theConnectionGoesToTheAddressTheGuardResolved() throws Exception {
        ScriptedDns dns = new ScriptedDns(Map.of("hooks.test", List.of("127.0.0.1")));
        String url = "http://hooks.test:" + URI.create(receiver.url("/")).getPort() + "/hook";

        List<AlertTestResults.ChannelAttempt> results = send(dispatcher(new TargetGuard(true, dns)), url);

        assertThat(results.get(0).status()).as(String.valueOf(results.get(0).error())).isEqualTo("sent");
        Receiver.Received got = receiver.next(2);
        assertThat(got).isNotNull();
        assertThat(got.path()).isEqualTo("/hook");
        assertThat(got.headers().get("host")).as("the name, not the address, for virtual hosts and TLS")
                .startsWith("hooks.test");
        assertThat(json.readTree(got.body()).get("fingerprint").asText()).isEqualTo("0123456789abcdef");
    }
}
