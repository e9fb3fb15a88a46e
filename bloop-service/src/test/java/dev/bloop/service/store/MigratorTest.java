package dev.bloop.service.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MigratorTest {
    @RegisterExtension
    final TestDatabase test = new TestDatabase();

    @Test
    void migratingTwiceIsANoOp() {
        int latest = new Migrator().latestVersion();
        assertThat(test.db().migrate()).isEqualTo(latest);
        assertThat(test.db().migrate()).isEqualTo(latest);
        assertThat(test.count("SELECT count(*) FROM projects WHERE id = 'default'")).isEqualTo(1);
    }

    @Test
    void aDatabaseFromANewerBloopIsRefused() {
        int latest = new Migrator().latestVersion();
        test.write(h -> h.execute("PRAGMA user_version = " + (latest + 1)));
        assertThatThrownBy(() -> test.db().migrate())
                .isInstanceOf(Migrator.SchemaTooNewException.class)
                .hasMessageContaining("version " + (latest + 1))
                .hasMessageContaining("newer bloop");
    }

    @Test
    void connectionsUseWalAndTheReadPoolCannotWrite() {
        assertThat(test.<String>read(h -> h.createQuery("PRAGMA journal_mode").mapTo(String.class).one())).isEqualToIgnoringCase("wal");
        assertThat(test.<Integer>read(h -> h.createQuery("PRAGMA synchronous").mapTo(Integer.class).one())).isEqualTo(1);
        assertThat(test.<Integer>read(h -> h.createQuery("PRAGMA busy_timeout").mapTo(Integer.class).one())).isEqualTo(5000);
        assertThatThrownBy(() -> test.read(h -> h.execute("DELETE FROM projects")))
                .hasMessageContaining("readonly");
    }
}
