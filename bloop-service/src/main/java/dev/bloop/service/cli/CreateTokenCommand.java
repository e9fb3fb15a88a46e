package dev.bloop.service.cli;

import com.codahale.metrics.MetricRegistry;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.access.Scope;
import dev.bloop.service.project.Project;
import dev.bloop.service.project.ProjectStore;
import dev.bloop.service.store.Database;
import dev.bloop.service.token.TokenService;
import io.dropwizard.core.setup.Bootstrap;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code bloop create-token config.yml --name N --project SLUG --scopes a,b [--expires-days D]}:
 * creates an API token and prints it once (only its hash is stored).
 */
public final class CreateTokenCommand extends OperatorCommand {
    static final int MAX_NAME_LENGTH = 100;
    static final int MAX_EXPIRY_DAYS = 3650;

    private final PrintStream out;
    private final PrintStream err;

    public CreateTokenCommand() {
        this(System.out, System.err);
    }

    /** Tests pass their own streams to read what the command prints. */
    CreateTokenCommand(PrintStream out, PrintStream err) {
        super("create-token", "Create an API token for a project and print it once");
        this.out = out;
        this.err = err;
    }

    @Override
    public void configure(Subparser subparser) {
        super.configure(subparser);
        subparser.addArgument("--name").required(true).help("a name to recognise the token by (shown as actor)");
        subparser.addArgument("--project").setDefault(Project.DEFAULT_ID).help("project slug (default: default)");
        subparser.addArgument("--scopes").required(true)
                .help("comma-separated: " + Arrays.stream(Scope.values()).map(Scope::wire).collect(Collectors.joining(",")));
        subparser.addArgument("--expires-days").type(Integer.class).help("days until the token expires (default: never)");
    }

    @Override
    protected void run(Bootstrap<BloopConfiguration> bootstrap, Namespace ns, BloopConfiguration config) throws Exception {
        String name = ns.getString("name").strip();
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new UsageException("--name must be 1-" + MAX_NAME_LENGTH + " characters");
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : ns.getString("scopes").split(",")) {
            if (s.isBlank()) {
                continue;
            }
            scopes.add(Scope.parse(s).orElseThrow(() -> new UsageException("unknown scope '" + s.trim() + "'; known: "
                    + Arrays.stream(Scope.values()).map(Scope::wire).collect(Collectors.joining(", ")))));
        }
        if (scopes.isEmpty()) {
            throw new UsageException("--scopes needs at least one scope");
        }
        Integer days = ns.getInt("expires_days");
        if (days != null && (days < 1 || days > MAX_EXPIRY_DAYS)) {
            throw new UsageException("--expires-days must be between 1 and " + MAX_EXPIRY_DAYS);
        }
        Database db = Database.open(config.getDatabase(), new MetricRegistry());
        try {
            db.migrate();
            ProjectStore projects = new ProjectStore(db);
            projects.ensureDefaultProject();
            Optional<Project> project = projects.findBySlug(ns.getString("project"));
            if (project.isEmpty()) {
                throw new UsageException("no project with slug '" + ns.getString("project") + "'");
            }
            TokenService.Created created = new TokenService(db).create(name, project.get().id(), scopes, days, "cli");
            out.println(created.token());
            err.println("Token '" + name + "' for project " + project.get().slug() + " with scopes "
                    + scopes.stream().map(Scope::wire).collect(Collectors.joining(",")) + "; "
                    + (days == null ? "no expiry" : "expires in " + days + " days")
                    + ". It is shown only this once.");
        } finally {
            db.stop();
        }
    }
}
