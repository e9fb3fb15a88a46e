package dev.bloop.service.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * With several nodes on one PostgreSQL, their writers' flushes of one kind commit one at a time: a
 * flush takes a transaction-scoped advisory lock first, released at its commit or rollback. A flush
 * reads rows and then writes them (a group's status, a trace's window); two at once could both see
 * the old row (a group re-opened twice: two regression alerts), and their upserts of shared rows in
 * different orders could deadlock. In turn, each flush reads what the one before it committed. What
 * the nodes still do side by side is everything before the flush: parsing, checking, grouping.
 * On SQLite there is one writer per file and nothing to take.
 */
public enum FlushTurn {
    /** Error events ("bloop" "flsh"). */
    EVENTS(0x626c6f6f_666c7368L),
    /** LLM traces ("bloop" "trce"). */
    TRACES(0x626c6f6f_74726365L);

    private final long lock;

    FlushTurn(long lock) {
        this.lock = lock;
    }

    /** Waits until no other node's flush of this kind is uncommitted; inside the flush's transaction. */
    public void take(Connection c, Dialect dialect) throws SQLException {
        if (dialect != Dialect.POSTGRES) {
            return;
        }
        try (PreparedStatement st = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            st.setLong(1, lock);
            st.execute();
        }
    }
}
