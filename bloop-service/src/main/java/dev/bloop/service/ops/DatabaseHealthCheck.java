package dev.bloop.service.ops;

import com.codahale.metrics.health.HealthCheck;
import dev.bloop.service.store.Database;

/** Admin-port health check: the SQLite file answers a query. */
public final class DatabaseHealthCheck extends HealthCheck {
    private final Database db;

    public DatabaseHealthCheck(Database db) {
        this.db = db;
    }

    @Override
    protected Result check() {
        return db.ping() ? Result.healthy(db.file().toString()) : Result.unhealthy("database does not answer");
    }
}
