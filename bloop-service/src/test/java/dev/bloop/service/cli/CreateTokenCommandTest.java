package dev.bloop.service.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.service.BloopApplication;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.config.BloopConfigSource;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.TempDirs;
import io.dropwizard.configuration.ResourceConfigurationSourceProvider;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.util.JarLocation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CreateTokenCommandTest {
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private Optional<Throwable> run(Path db, String... args) {
        BloopApplication app = new BloopApplication();
        Bootstrap<BloopConfiguration> bootstrap = new Bootstrap<>(app);
        bootstrap.addCommand(new CreateTokenCommand(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8)));
        bootstrap.setConfigurationSourceProvider(new BloopConfigSource(new ResourceConfigurationSourceProvider(),
                Map.of("BLOOP__DATABASE__PATH", db.toString())));
        String[] all = new String[args.length + 2];
        all[0] = "create-token";
        all[1] = "test-config.yml";
        System.arraycopy(args, 0, all, 2, args.length);
        return new Cli(new JarLocation(getClass()), bootstrap, stdout, stderr).run(all);
    }

    private final List<Path> scratch = new ArrayList<>();

    private Path scratch() throws IOException {
        Path dir = Files.createTempDirectory("bloop-cli");
        scratch.add(dir);
        return dir;
    }

    @AfterEach
    void removeScratch() {
        scratch.forEach(TempDirs::deleteQuietly);
    }

    @Test
    void printsOnlyTheTokenOnStdoutAndStoresItsHash() throws Exception {
        Path db = scratch().resolve("bloop.db");
        Optional<Throwable> failure = run(db, "--name", "deploy-bot", "--project", "default",
                "--scopes", "errors:read,errors:write", "--expires-days", "30");
        assertThat(failure).isEmpty();
        String token = stdout.toString(StandardCharsets.UTF_8).strip();
        assertThat(token).matches("bloop_tk_[A-Za-z0-9_-]{43}");
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("deploy-bot").contains("only this once");
        assertThat(BloopTestApp.count(db, "SELECT count(*) FROM api_tokens WHERE name = 'deploy-bot' "
                + "AND scopes = 'errors:read,errors:write' AND expires_at > 0 AND project_id = 'default'")).isEqualTo(1);
        assertThat(BloopTestApp.count(db, "SELECT count(*) FROM api_tokens WHERE token_hash LIKE '%" + token + "%'")).isZero();
    }

    @Test
    void refusesUnknownScopesAndProjectsWithAPlainMessage() throws Exception {
        Path db = scratch().resolve("bloop.db");
        assertThat(run(db, "--name", "x", "--scopes", "errors:reed")).isPresent();
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("unknown scope 'errors:reed'");
        assertThat(run(db, "--name", "x", "--project", "nope", "--scopes", "errors:read")).isPresent();
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("no project with slug 'nope'");
        assertThat(stdout.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
