package dev.bloop.service.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Job leadership across "nodes" (each its own connection) on a real PostgreSQL server. */
class PostgresLeadershipIT {
    private final List<Connection> opened = new ArrayList<>();

    private PostgresLeadership node() {
        return new PostgresLeadership(() -> {
            Connection c = TestPostgres.connect();
            opened.add(c);
            return c;
        });
    }

    @Test
    void exactlyOneNodeRunsEachJobAndAnotherTakesOverWhenItsConnectionDies() throws Exception {
        try (PostgresLeadership a = node(); PostgresLeadership b = node()) {
            assertThat(a.leads("retention")).isTrue();
            assertThat(b.leads("retention")).isFalse();
            assertThat(a.leads("retention")).as("asking again keeps the job").isTrue();
            // Jobs are independent: b takes the one nobody holds.
            assertThat(b.leads("alert-windows")).isTrue();
            assertThat(a.leads("alert-windows")).isFalse();

            // Node a dies: PostgreSQL ends its session (as when the kernel closes a killed process's socket).
            int pid = backendPid(opened.get(0));
            try (Connection admin = TestPostgres.connect(); Statement st = admin.createStatement()) {
                st.execute("SELECT pg_terminate_backend(" + pid + ")");
            }
            assertThat(b.leads("retention")).as("b takes a's job at its next run").isTrue();
            // a comes back with a new connection and finds both jobs taken.
            assertThat(a.leads("retention")).isFalse();
            assertThat(a.leads("alert-windows")).isFalse();

            b.close();
            assertThat(a.leads("retention")).as("a node that stops hands its jobs over").isTrue();
        }
    }

    @Test
    void keysAreStableAndDistinctPerJob() {
        assertThat(PostgresLeadership.key("retention")).isEqualTo(PostgresLeadership.key("retention"))
                .isNotEqualTo(PostgresLeadership.key("alert-windows"));
    }

    private static int backendPid(Connection c) throws Exception {
        try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
