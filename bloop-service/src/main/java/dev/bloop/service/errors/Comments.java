package dev.bloop.service.errors;

import dev.bloop.api.Comment;
import dev.bloop.service.store.Database;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Comments on an issue. Stored as written and always served as plain text: the dashboard renders the
 * body as a text node, never as HTML, so markup in a comment is shown, not run.
 */
final class Comments {
    static final int MAX_LENGTH = 10_000;
    private final Jdbi writer;

    Comments(Database db) {
        this.writer = db.writer();
    }

    /** Empty when the group does not exist in the project. */
    Optional<Comment> add(String projectId, String fingerprint, String author, String body) {
        return writer.inTransaction(h -> {
            boolean exists = h.createQuery("SELECT 1 FROM error_groups WHERE project_id = :p AND fingerprint = :fp")
                    .bind("p", projectId).bind("fp", fingerprint).mapTo(Integer.class).findOne().isPresent();
            if (!exists) {
                return Optional.<Comment>empty();
            }
            long now = System.currentTimeMillis();
            long id = h.createUpdate("INSERT INTO issue_comments (project_id, fingerprint, author, body, created_at) "
                            + "VALUES (:p, :fp, :author, :body, :at)")
                    .bind("p", projectId).bind("fp", fingerprint).bind("author", author).bind("body", body)
                    .bind("at", now).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            return Optional.of(new Comment(id, fingerprint, author, body, now));
        });
    }
}
