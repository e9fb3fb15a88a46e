package dev.bloop.service.cli;

import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.store.Migrator;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ConfiguredCommand;
import net.sourceforge.argparse4j.inf.Namespace;

/**
 * A command an operator types. Their mistakes (bad arguments, a database from a newer bloop) are
 * printed as one plain line, not a stack trace.
 */
abstract class OperatorCommand extends ConfiguredCommand<BloopConfiguration> {
    OperatorCommand(String name, String description) {
        super(name, description);
    }

    /** Bad arguments. */
    static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        if (e instanceof UsageException || e instanceof Migrator.SchemaTooNewException) {
            cli.getStdErr().println(getName() + ": " + e.getMessage());
        } else {
            super.onError(cli, namespace, e);
        }
    }
}
