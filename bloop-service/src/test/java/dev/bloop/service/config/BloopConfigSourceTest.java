package dev.bloop.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.bloop.service.BloopConfiguration;
import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.ResourceConfigurationSourceProvider;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.jersey.validation.Validators;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BloopConfigSourceTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    /** The factory Dropwizard's bootstrap uses (it, unlike a bare one, refuses unknown keys). */
    private static io.dropwizard.configuration.ConfigurationFactory<BloopConfiguration> factory() {
        return new io.dropwizard.configuration.DefaultConfigurationFactoryFactory<BloopConfiguration>()
                .create(BloopConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");
    }

    private static BloopConfiguration load(String file, Map<String, String> env) throws IOException, ConfigurationException {
        return factory()
                .build(new BloopConfigSource(new ResourceConfigurationSourceProvider(), env), file);
    }

    /** The shipped config.yml at the repository root, as the launcher reads it. */
    private static BloopConfiguration shipped(Map<String, String> env) throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        return factory()
                .build(new BloopConfigSource(new io.dropwizard.configuration.FileConfigurationSourceProvider(), env),
                        root.resolve("config.yml").toString());
    }

    private static HttpConnectorFactory app(BloopConfiguration c) {
        return (HttpConnectorFactory) ((DefaultServerFactory) c.getServerFactory()).getApplicationConnectors().get(0);
    }

    private static HttpConnectorFactory admin(BloopConfiguration c) {
        return (HttpConnectorFactory) ((DefaultServerFactory) c.getServerFactory()).getAdminConnectors().get(0);
    }

    @Test
    void shippedConfigRunsOnTheDocumentedDefaults() throws Exception {
        BloopConfiguration c = shipped(Map.of());
        assertThat(app(c).getBindHost()).isEqualTo("0.0.0.0");
        assertThat(app(c).getPort()).isEqualTo(5332);
        assertThat(admin(c).getPort()).isEqualTo(5333);
        assertThat(c.getDatabase().getPath()).isEqualTo("./data/bloop.db");
        assertThat(c.getAuth().usesDefaultSecret()).isTrue();
        assertThat(c.getIngest().getMaxPayloadBytes()).isEqualTo(32768);
        assertThat(c.getIngest().getMaxBatchSize()).isEqualTo(50);
    }

    @Test
    void documentedEnvironmentVariablesOverrideTheFile() throws Exception {
        BloopConfiguration c = shipped(Map.of(
                "BLOOP__SERVER__PORT", "8080",
                "BLOOP__SERVER__ADMIN_PORT", "8081",
                "BLOOP__DATABASE__PATH", "/var/lib/bloop/data.db",
                "BLOOP__AUTH__HMAC_SECRET", "a-private-secret-of-32-bytes-xyz",
                "BLOOP__PIPELINE__FLUSH_INTERVAL", "250ms",
                "BLOOP__INGEST__MAX_BATCH_SIZE", "20",
                "BLOOP_SLACK_WEBHOOK_URL", "ignored here",
                "PATH", "/usr/bin"));
        assertThat(app(c).getPort()).isEqualTo(8080);
        assertThat(admin(c).getPort()).isEqualTo(8081);
        assertThat(c.getDatabase().getPath()).isEqualTo("/var/lib/bloop/data.db");
        assertThat(c.getAuth().getHmacSecret()).isEqualTo("a-private-secret-of-32-bytes-xyz");
        assertThat(c.getPipeline().getFlushInterval().toMilliseconds()).isEqualTo(250);
        assertThat(c.getIngest().getMaxBatchSize()).isEqualTo(20);
    }

    @Test
    void aBadPortNamesTheKey() {
        assertThatThrownBy(() -> shipped(Map.of("BLOOP__SERVER__PORT", "eighty")))
                .hasMessageContaining("BLOOP__SERVER__PORT");
        assertThatThrownBy(() -> shipped(Map.of("BLOOP__SERVER__ADMIN_PORT", "70000")))
                .hasMessageContaining("server.admin_port");
    }

    @Test
    void aBadNumberOrBooleanNamesTheVariable() {
        assertThatThrownBy(() -> shipped(Map.of("BLOOP__PIPELINE__QUEUE_CAPACITY", "lots")))
                .hasMessageContaining("BLOOP__PIPELINE__QUEUE_CAPACITY").hasMessageContaining("whole number");
        assertThatThrownBy(() -> shipped(Map.of("BLOOP__PIPELINE__QUEUE_CAPACITY", "0")))
                .hasMessageContaining("pipeline.queueCapacity");
        assertThatThrownBy(() -> shipped(Map.of("BLOOP__PIPELINE__FLUSH_INTERVAL", "soon")))
                .hasMessageContaining("flush_interval");
    }

    @Test
    void unknownKeysAreRefusedByName() {
        assertThatThrownBy(() -> shipped(Map.of("BLOOP__DATABSE__PATH", "/tmp/x.db")))
                .hasMessageContaining("databse");
        assertThatThrownBy(() -> shipped(Map.of("BLOOP__SERVER__PROT", "1")))
                .hasMessageContaining("server.prot");
    }

    @Test
    void aShortSecretIsRefused() {
        assertThatThrownBy(() -> shipped(Map.of("BLOOP__AUTH__HMAC_SECRET", "short")))
                .hasMessageContaining("auth.hmac_secret must be at least 16 bytes");
    }

    @Test
    void fullDropwizardServerSectionPassesThrough() throws Exception {
        BloopConfiguration c = load("full-server-config.yml", Map.of());
        assertThat(app(c).getPort()).isEqualTo(9000);
    }

    @Test
    void envOverridesReachListsByIndex() throws Exception {
        try (InputStream in = new BloopConfigSource(new ResourceConfigurationSourceProvider(),
                Map.of("BLOOP__SERVER__APPLICATIONCONNECTORS__0__PORT", "9100")).open("full-server-config.yml")) {
            JsonNode tree = YAML.readTree(in);
            assertThat(tree.at("/server/applicationConnectors/0/port").asInt()).isEqualTo(9100);
        }
    }

    @Test
    void analyticsIsOnInTheShippedConfigAndSwitchedAndTunedByTheEnvironment() throws Exception {
        BloopConfiguration c = shipped(Map.of());
        assertThat(c.getAnalytics().isEnabled()).isTrue();
        assertThat(c.getAnalytics().getMemoryLimit().toMebibytes()).isEqualTo(48);
        assertThat(c.getAnalytics().getThreads()).isEqualTo(1);
        assertThat(c.getAnalytics().getZscoreThreshold()).isEqualTo(2.5);
        assertThat(c.getAnalytics().getCacheTtlSecs()).isEqualTo(60);
        assertThat(shipped(Map.of("BLOOP__ANALYTICS__ENABLED", "false")).getAnalytics().isEnabled()).isFalse();
        BloopConfiguration tuned = shipped(Map.of("BLOOP__ANALYTICS__THREADS", "2",
                "BLOOP__ANALYTICS__MEMORY_LIMIT", "128MiB", "BLOOP__ANALYTICS__QUERY_TIMEOUT", "3s"));
        assertThat(tuned.getAnalytics().getThreads()).isEqualTo(2);
        assertThat(tuned.getAnalytics().getMemoryLimit().toMebibytes()).isEqualTo(128);
        assertThat(tuned.getAnalytics().getQueryTimeout().toSeconds()).isEqualTo(3);
        assertThatThrownBy(() -> shipped(Map.of("BLOOP__ANALYTICS__THREADS", "0")))
                .hasMessageContaining("analytics.threads");
        assertThatThrownBy(() -> shipped(Map.of("BLOOP__ANALYTICS__MIN_CORRELATION", "1.5")))
                .hasMessageContaining("analytics.minCorrelation");
        assertThatThrownBy(() -> shipped(Map.of("BLOOP__ANALYTICS__ENABLED", "maybe")))
                .hasMessageContaining("BLOOP__ANALYTICS__ENABLED");
    }

    @Test
    void anEmptyFileGivesTheDefaults() throws Exception {
        Path empty = Files.createTempFile("bloop", ".yml");
        BloopConfiguration c = factory()
                .build(new BloopConfigSource(new io.dropwizard.configuration.FileConfigurationSourceProvider(), Map.of()),
                        empty.toString());
        assertThat(app(c).getPort()).isEqualTo(5332);
        assertThat(admin(c).getBindHost()).isEqualTo("127.0.0.1");
        assertThat(c.getAnalytics().isEnabled()).as("optional modules are off unless configured").isFalse();
        Files.delete(empty);
    }
}
