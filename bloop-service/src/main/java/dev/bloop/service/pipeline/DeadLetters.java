package dev.bloop.service.pipeline;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;

/**
 * The dead-letter table: events the writer could not commit because of something in the events
 * themselves. Each is kept as it was accepted (grouping included) with the error, so an admin can
 * see what failed and replay it once the cause is fixed. The count is kept in memory for
 * {@code /health} and metrics.
 */
public final class DeadLetters {
    private static final int MAX_ERROR_CHARS = 2_000;

    /** One kept event; {@code event} is the {@link EventCodec} JSON. */
    public record Letter(long id, String projectId, long receivedAt, long failedAt, String error, String event) {
    }

    private final Jdbi writer;
    private final Jdbi reader;
    private final AtomicLong count = new AtomicLong();

    public DeadLetters(Jdbi writer, Jdbi reader) {
        this.writer = writer;
        this.reader = reader;
        count.set(reader.withHandle(h -> h.createQuery("SELECT count(*) FROM dead_letters").mapTo(Long.class).one()));
    }

    /** Keeps one event with the reason its flush failed, in a transaction of its own. */
    void add(AcceptedEvent event, Throwable failure, long now) {
        String error = describe(failure);
        writer.useHandle(h -> h.createUpdate("INSERT INTO dead_letters (project_id, received_at, failed_at, error, "
                        + "event) VALUES (:p, :r, :f, :e, :ev)")
                .bind("p", event.projectId()).bind("r", event.receivedAt()).bind("f", now)
                .bind("e", error).bind("ev", EventCodec.encode(event)).execute());
        count.incrementAndGet();
    }

    public long count() {
        return count.get();
    }

    /** Newest first; {@code projectId} null for every project. */
    public List<Letter> list(String projectId, int limit, int offset) {
        return reader.withHandle(h -> h.createQuery("SELECT id, project_id, received_at, failed_at, error, event "
                        + "FROM dead_letters WHERE (:p IS NULL OR project_id = :p) ORDER BY id DESC LIMIT :l OFFSET :o")
                .bind("p", projectId).bind("l", limit).bind("o", offset)
                .map((rs, ctx) -> letter(rs))
                .list());
    }

    public long total(String projectId) {
        return reader.withHandle(h -> h.createQuery("SELECT count(*) FROM dead_letters WHERE (:p IS NULL OR project_id = :p)")
                .bind("p", projectId).mapTo(Long.class).one());
    }

    /**
     * Hands the chosen letters back to the writer through the queue (all or nothing, like a batch)
     * and removes them from the table; an event that fails again becomes a new letter.
     *
     * @param ids the letters to replay, or null for all of them (at most {@code max})
     * @return how many were replayed, or -1 when the queue had no room for them
     */
    public int replay(List<Long> ids, int max, EventQueue queue) {
        List<Letter> letters = reader.withHandle(h -> ids == null
                ? h.createQuery("SELECT id, project_id, received_at, failed_at, error, event FROM dead_letters "
                        + "ORDER BY id LIMIT :m").bind("m", max)
                        .map((rs, ctx) -> letter(rs)).list()
                : h.createQuery("SELECT id, project_id, received_at, failed_at, error, event FROM dead_letters "
                        + "WHERE id IN (<ids>) ORDER BY id").bindList("ids", ids)
                        .map((rs, ctx) -> letter(rs)).list());
        List<AcceptedEvent> events = new ArrayList<>(letters.size());
        List<Long> found = new ArrayList<>(letters.size());
        for (Letter l : letters) {
            try {
                events.add(EventCodec.decode(l.event()));
                found.add(l.id());
            } catch (IOException e) {
                // A letter that no longer decodes stays where it is, for a person to look at.
            }
        }
        if (events.isEmpty()) {
            return 0;
        }
        if (queue.offerAll(events) != EventQueue.Offer.ACCEPTED) {
            return -1;
        }
        int removed = writer.withHandle(h -> h.createUpdate("DELETE FROM dead_letters WHERE id IN (<ids>)")
                .bindList("ids", found).execute());
        count.addAndGet(-removed);
        return events.size();
    }

    public boolean delete(long id) {
        int n = writer.withHandle(h -> h.createUpdate("DELETE FROM dead_letters WHERE id = :id").bind("id", id).execute());
        count.addAndGet(-n);
        return n > 0;
    }

    /** Removes a deleted project's letters. */
    public void deleteProject(String projectId) {
        int n = writer.withHandle(h -> h.createUpdate("DELETE FROM dead_letters WHERE project_id = :p")
                .bind("p", projectId).execute());
        count.addAndGet(-n);
    }

    private static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getClass().getSimpleName() + ": " + root.getMessage();
        return text.length() > MAX_ERROR_CHARS ? text.substring(0, MAX_ERROR_CHARS) : text;
    }

    private static Letter letter(ResultSet rs) throws SQLException {
        return new Letter(rs.getLong("id"), rs.getString("project_id"), rs.getLong("received_at"),
                rs.getLong("failed_at"), rs.getString("error"), rs.getString("event"));
    }
}
