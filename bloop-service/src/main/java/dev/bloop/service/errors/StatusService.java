package dev.bloop.service.errors;

import dev.bloop.api.StatusUpdate;
import dev.bloop.service.store.Database;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The triage workflow: any status to any status, each real change recorded in the history with
 * its actor. One IMMEDIATE transaction, so a flush that re-opens the group cannot interleave.
 */
final class StatusService {
    private final Jdbi writer;

    StatusService(Database db) {
        this.writer = db.writer();
    }

    /** Empty when the group does not exist in the project. */
    Optional<StatusUpdate> change(String projectId, String fingerprint, String newStatus, String actor) {
        return writer.inTransaction(h -> {
            Optional<String> old = h.createQuery("SELECT status FROM error_groups WHERE project_id = :p "
                            + "AND fingerprint = :fp")
                    .bind("p", projectId).bind("fp", fingerprint).mapTo(String.class).findOne();
            if (old.isEmpty()) {
                return Optional.<StatusUpdate>empty();
            }
            if (old.get().equals(newStatus)) {
                return Optional.of(new StatusUpdate(fingerprint, newStatus, old.get(), 0));
            }
            h.createUpdate("UPDATE error_groups SET status = :s WHERE project_id = :p AND fingerprint = :fp")
                    .bind("s", newStatus).bind("p", projectId).bind("fp", fingerprint).execute();
            h.createUpdate("INSERT INTO status_history (project_id, fingerprint, old_status, new_status, actor, "
                            + "changed_at) VALUES (:p, :fp, :old, :new, :actor, :at)")
                    .bind("p", projectId).bind("fp", fingerprint).bind("old", old.get()).bind("new", newStatus)
                    .bind("actor", actor).bind("at", System.currentTimeMillis())
                    .execute();
            return Optional.of(new StatusUpdate(fingerprint, newStatus, old.get(), 1));
        });
    }
}
