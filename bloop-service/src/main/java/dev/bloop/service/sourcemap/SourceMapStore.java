package dev.bloop.service.sourcemap;

import dev.bloop.service.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** SQL for uploaded source maps (stored gzip-compressed). */
final class SourceMapStore {
    /** A stored map's description, without its bytes. */
    record Stored(long id, String projectId, String release, String fileName, long sizeBytes,
                  long compressedBytes, long uploadedAt) {
    }

    private static final String COLUMNS = "id, project_id, release, file_name, size_bytes, length(map_gz) AS compressed_bytes, "
            + "uploaded_at";
    private final Jdbi writer;
    private final Jdbi reader;

    SourceMapStore(Database db) {
        this.writer = db.writer();
        this.reader = db.reader();
    }

    /** Inserts, or replaces the map of the same (project, release, file name). */
    Stored put(String projectId, String release, String fileName, byte[] gzipped, long sizeBytes, long now) {
        return writer.inTransaction(h -> {
            h.createUpdate("INSERT INTO source_maps (project_id, release, file_name, map_gz, size_bytes, uploaded_at) "
                            + "VALUES (:p, :r, :f, :data, :size, :now) ON CONFLICT (project_id, release, file_name) "
                            + "DO UPDATE SET map_gz = excluded.map_gz, size_bytes = excluded.size_bytes, "
                            + "uploaded_at = excluded.uploaded_at")
                    .bind("p", projectId).bind("r", release).bind("f", fileName).bind("data", gzipped)
                    .bind("size", sizeBytes).bind("now", now)
                    .execute();
            return h.createQuery("SELECT " + COLUMNS + " FROM source_maps WHERE project_id = :p AND release = :r "
                            + "AND file_name = :f")
                    .bind("p", projectId).bind("r", release).bind("f", fileName)
                    .map((rs, ctx) -> stored(rs))
                    .one();
        });
    }

    List<Stored> list(String projectId, String release) {
        return reader.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM source_maps WHERE project_id = :p"
                        + (release == null ? "" : " AND release = :r") + " ORDER BY uploaded_at DESC, id DESC")
                .bind("p", projectId).bindByType("r", release, String.class)
                .map((rs, ctx) -> stored(rs))
                .list());
    }

    Optional<byte[]> data(long id, String projectId) {
        return reader.withHandle(h -> h.createQuery("SELECT map_gz FROM source_maps WHERE id = :id AND project_id = :p")
                .bind("id", id).bind("p", projectId).mapTo(byte[].class).findOne());
    }

    /** The release of the deleted map, or empty when no such map is in the project. */
    Optional<String> delete(long id, String projectId) {
        return writer.inTransaction(h -> {
            Optional<String> release = h.createQuery("SELECT release FROM source_maps WHERE id = :id AND project_id = :p")
                    .bind("id", id).bind("p", projectId).mapTo(String.class).findOne();
            release.ifPresent(r -> h.createUpdate("DELETE FROM source_maps WHERE id = :id AND project_id = :p")
                    .bind("id", id).bind("p", projectId).execute());
            return release;
        });
    }

    private static Stored stored(ResultSet rs) throws SQLException {
        return new Stored(rs.getLong("id"), rs.getString("project_id"), rs.getString("release"),
                rs.getString("file_name"), rs.getLong("size_bytes"), rs.getLong("compressed_bytes"),
                rs.getLong("uploaded_at"));
    }
}
