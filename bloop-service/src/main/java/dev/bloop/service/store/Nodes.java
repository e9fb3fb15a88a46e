package dev.bloop.service.store;

/**
 * The other bloop nodes sharing this node's database, as far as a part of the service must know
 * them: whether this node runs a scheduled job now ({@link #leads}), and telling the others that
 * something they cache has changed ({@link #changed}, heard through {@link #onChange}).
 *
 * <p>On SQLite a node is alone with its file ({@link #ALONE}). On PostgreSQL any number of nodes may
 * share the database, so every node behaves as one of several even when it is the only one
 * ({@link PostgresNodes}).
 */
public interface Nodes {
    /** Told to every subscriber when changes may have been missed: drop everything cached. */
    String EVERYTHING = PostgresSignals.EVERYTHING;

    /** Whether other nodes may share the database (then jobs need {@link #leads} and caches signals). */
    boolean shared();

    /** Whether this node runs {@code job} now; asked before each run of a scheduled job. */
    boolean leads(String job);

    /** The jobs this node runs now, by name (empty when alone: then it runs them all). */
    java.util.List<String> leading();

    /** Tells the other nodes, after the change has committed, that what {@code topic} names changed. */
    void changed(String topic);

    /** {@code drop} runs on this node when another node says {@code topic} (or {@link #EVERYTHING}) changed. */
    void onChange(String topic, Runnable drop);

    /** A node alone with its database file. */
    Nodes ALONE = new Nodes() {
        @Override
        public boolean shared() {
            return false;
        }

        @Override
        public boolean leads(String job) {
            return true;
        }

        @Override
        public java.util.List<String> leading() {
            return java.util.List.of();
        }

        @Override
        public void changed(String topic) {
            // nobody else to tell
        }

        @Override
        public void onChange(String topic, Runnable drop) {
            // nobody else changes anything
        }
    };
}
