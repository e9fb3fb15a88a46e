package dev.bloop.service.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * The one place the configuration is read: the YAML file, then {@code BLOOP__} environment
 * overrides, then the {@code server:} shorthand expanded. The application and the tests both
 * build their source here, so tests exercise the same path a user does.
 */
public final class BloopConfigSource implements ConfigurationSourceProvider {
    private static final YAMLMapper YAML = new YAMLMapper();
    private final ConfigurationSourceProvider files;
    private final Map<String, String> env;

    public BloopConfigSource(ConfigurationSourceProvider files, Map<String, String> env) {
        this.files = files;
        this.env = Map.copyOf(env);
    }

    /** The source a real start-up uses: files from disk, overrides from the process environment. */
    public static BloopConfigSource fromProcess() {
        return new BloopConfigSource(new FileConfigurationSourceProvider(), System.getenv());
    }

    @Override
    public InputStream open(String path) throws IOException {
        ObjectNode root;
        try (InputStream in = files.open(path)) {
            JsonNode parsed = YAML.readTree(in);
            if (parsed == null || parsed.isMissingNode() || parsed.isNull()) {
                root = JsonNodeFactory.instance.objectNode();
            } else if (parsed instanceof ObjectNode obj) {
                root = obj;
            } else {
                throw new InvalidConfig(path, List.of("the file must hold a YAML mapping"));
            }
        }
        List<String> errors = EnvOverrides.apply(root, env);
        errors.addAll(ServerSection.expand(root));
        if (!errors.isEmpty()) {
            throw new InvalidConfig(path, errors);
        }
        return new ByteArrayInputStream(YAML.writeValueAsBytes(root));
    }

    /** Thrown from {@link #open}; Dropwizard prints it as a configuration error naming each key. */
    static final class InvalidConfig extends IOException {
        InvalidConfig(String path, List<String> errors) {
            super(new ConfigurationException(path, errors) { }.getMessage());
        }
    }
}
