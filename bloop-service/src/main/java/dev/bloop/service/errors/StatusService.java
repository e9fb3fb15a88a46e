package dev.bloop.service.errors;

import dev.bloop.api.AssigneeUpdate;
import dev.bloop.api.StatusUpdate;
import dev.bloop.service.store.Database;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The triage workflow: any status to any status, and who is on an issue, each real change recorded in
 * the history with its actor. One IMMEDIATE transaction per change (or per bulk request), so a flush
 * that re-opens the group cannot interleave.
 */
final class StatusService {
    private final Jdbi writer;
    private final Jdbi reader;

    StatusService(Database db) {
        this.writer = db.writer();
        this.reader = db.reader();
    }

    /** A user who may be put on the project's issues. */
    record Assignee(String id, String username) {
    }

    /** Empty when the group does not exist in the project. */
    Optional<StatusUpdate> change(String projectId, String fingerprint, String newStatus, String actor,
                                  boolean inNextRelease) {
        return writer.inTransaction(h -> change(h, projectId, fingerprint, newStatus, actor, inNextRelease));
    }

    /**
     * A resolved group re-opens on any new event (a regression); resolved {@code inNextRelease}, it
     * records the latest release the group was seen in and only an event of a newer release re-opens
     * it (see the writer). Resolving a resolved group again sets how it re-opens, without a history
     * row; any other status forgets the release.
     */
    static Optional<StatusUpdate> change(Handle h, String projectId, String fingerprint, String newStatus,
                                         String actor, boolean inNextRelease) {
        Optional<String> old = h.createQuery("SELECT status FROM error_groups WHERE project_id = :p "
                        + "AND fingerprint = :fp")
                .bind("p", projectId).bind("fp", fingerprint).mapTo(String.class).findOne();
        if (old.isEmpty()) {
            return Optional.empty();
        }
        String setRelease = "resolved_in_release = CASE WHEN :s = 'resolved' AND :next = 1 THEN last_release END";
        if (old.get().equals(newStatus)) {
            if (newStatus.equals("resolved")) {
                h.createUpdate("UPDATE error_groups SET " + setRelease + " WHERE project_id = :p AND fingerprint = :fp")
                        .bind("s", newStatus).bind("next", inNextRelease).bind("p", projectId)
                        .bind("fp", fingerprint).execute();
            }
            return Optional.of(new StatusUpdate(fingerprint, newStatus, old.get(), 0));
        }
        h.createUpdate("UPDATE error_groups SET status = :s, " + setRelease
                        + " WHERE project_id = :p AND fingerprint = :fp")
                .bind("s", newStatus).bind("next", inNextRelease).bind("p", projectId).bind("fp", fingerprint)
                .execute();
        h.createUpdate("INSERT INTO status_history (project_id, fingerprint, old_status, new_status, actor, "
                        + "changed_at) VALUES (:p, :fp, :old, :new, :actor, :at)")
                .bind("p", projectId).bind("fp", fingerprint).bind("old", old.get()).bind("new", newStatus)
                .bind("actor", actor).bind("at", System.currentTimeMillis())
                .execute();
        return Optional.of(new StatusUpdate(fingerprint, newStatus, old.get(), 1));
    }

    /** Empty when the group does not exist in the project; {@code who} null puts nobody on it. */
    Optional<AssigneeUpdate> assign(String projectId, String fingerprint, Assignee who, String actor) {
        return writer.inTransaction(h -> assign(h, projectId, fingerprint, who, actor));
    }

    static Optional<AssigneeUpdate> assign(Handle h, String projectId, String fingerprint, Assignee who,
                                           String actor) {
        Optional<String[]> current = h.createQuery("SELECT g.status, g.assignee_id, u.username FROM error_groups g "
                        + "LEFT JOIN users u ON u.id = g.assignee_id WHERE g.project_id = :p AND g.fingerprint = :fp")
                .bind("p", projectId).bind("fp", fingerprint)
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).findOne();
        if (current.isEmpty()) {
            return Optional.empty();
        }
        String status = current.get()[0];
        String oldId = current.get()[1];
        String oldName = current.get()[2];
        String newId = who == null ? null : who.id();
        String newName = who == null ? null : who.username();
        if (java.util.Objects.equals(oldId, newId)) {
            return Optional.of(new AssigneeUpdate(fingerprint, newName, oldName, 0));
        }
        h.createUpdate("UPDATE error_groups SET assignee_id = :a WHERE project_id = :p AND fingerprint = :fp")
                .bind("a", newId).bind("p", projectId).bind("fp", fingerprint).execute();
        h.createUpdate("INSERT INTO status_history (project_id, fingerprint, old_status, new_status, actor, "
                        + "changed_at, kind, assignee) VALUES (:p, :fp, :s, :s, :actor, :at, 'assign', :who)")
                .bind("p", projectId).bind("fp", fingerprint).bind("s", status).bind("actor", actor)
                .bind("at", System.currentTimeMillis()).bind("who", newName).execute();
        return Optional.of(new AssigneeUpdate(fingerprint, newName, oldName, 1));
    }

    /**
     * The user named {@code username} when they may be put on the project's issues (a member of it, or
     * an admin); empty otherwise, the same for a stranger as for no such user.
     */
    Optional<Assignee> assignable(String projectId, String username) {
        return reader.withHandle(h -> h.createQuery("SELECT u.id, u.username FROM users u WHERE u.username = :name "
                        + "AND (u.is_admin = 1 OR EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = :p "
                        + "AND m.user_id = u.id))")
                .bind("name", username).bind("p", projectId)
                .map((rs, ctx) -> new Assignee(rs.getString(1), rs.getString(2))).findOne());
    }

    /** A user by name, whatever their projects (the list's assignee filter). */
    Optional<Assignee> user(String username) {
        return reader.withHandle(h -> h.createQuery("SELECT id, username FROM users WHERE username = :name")
                .bind("name", username).map((rs, ctx) -> new Assignee(rs.getString(1), rs.getString(2))).findOne());
    }

    /** Runs the bulk request's changes in one transaction. */
    <R> R inTransaction(org.jdbi.v3.core.HandleCallback<R, RuntimeException> work) {
        return writer.inTransaction(work);
    }
}
