package dev.bloop.service.store;

import dev.bloop.api.ApiError;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database failure inside an API call: 503 with {@code Retry-After} and the reason in words when
 * the store cannot take writes (disk full, read-only, I/O error, locked), so clients and people know
 * to come back; anything else stays an opaque 500. Logged once per change of the store's state.
 */
public final class StorageFailureMapper implements ExceptionMapper<JdbiException> {
    private static final Logger LOG = LoggerFactory.getLogger(StorageFailureMapper.class);
    static final int RETRY_AFTER_SECS = 5;

    private final WriteHealth health;

    public StorageFailureMapper(WriteHealth health) {
        this.health = health;
    }

    @Override
    public Response toResponse(JdbiException e) {
        StorageFailure failure = StorageFailure.of(e);
        if (!failure.environmental()) {
            LOG.error("Database call failed", e);
            return Response.status(500).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(ApiError.of("internal server error")).build();
        }
        if (health.failed(failure, e.getMessage())) {
            LOG.error("Writes to the database fail: {} ({}); API changes answer 503 until a write succeeds",
                    failure.reason(), e.getMessage());
        }
        return Response.status(503).type(MediaType.APPLICATION_JSON_TYPE)
                .header("Retry-After", Integer.toString(RETRY_AFTER_SECS))
                .entity(ApiError.of("storage unavailable: " + failure.reason() + "; nothing was changed, "
                        + "retry later")).build();
    }
}
