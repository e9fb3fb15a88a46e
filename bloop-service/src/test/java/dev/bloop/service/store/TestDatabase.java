package dev.bloop.service.store;

import com.codahale.metrics.MetricRegistry;
import dev.bloop.service.TempDirs;
import dev.bloop.service.project.ProjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A real SQLite file in a temporary directory, migrated, per test. */
public final class TestDatabase implements BeforeEachCallback, AfterEachCallback {
    private Path dir;
    private Database db;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("bloop-test-db");
        DatabaseConfig config = new DatabaseConfig();
        config.setPath(dir.resolve("bloop.db").toString());
        db = Database.open(config, new MetricRegistry());
        db.migrate();
        new ProjectStore(db).ensureDefaultProject();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        db.stop();
        TempDirs.deleteQuietly(dir);
    }

    public Database db() {
        return db;
    }

    public Path file() {
        return db.file();
    }

    /** The temporary directory holding the database, for files that live beside it. */
    public Path dir() {
        return dir;
    }

    public long count(String sql, Object... args) {
        return db.reader().withHandle(h -> {
            var q = h.createQuery(sql);
            for (int i = 0; i < args.length; i++) {
                q.bind(i, args[i]);
            }
            return q.mapTo(Long.class).one();
        });
    }

    public <T> T read(org.jdbi.v3.core.HandleCallback<T, RuntimeException> callback) {
        return db.reader().withHandle(callback);
    }

    public void write(org.jdbi.v3.core.HandleConsumer<RuntimeException> consumer) {
        db.writer().useHandle(consumer);
    }
}
