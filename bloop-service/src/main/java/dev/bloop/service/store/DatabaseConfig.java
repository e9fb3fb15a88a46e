package dev.bloop.service.store;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/** {@code database:} the embedded SQLite file. */
public class DatabaseConfig {
    @NotBlank private String path = "./data/bloop.db";
    @Min(1) @Max(64) private int readPoolSize = 4;
    @NotNull private Duration busyTimeout = Duration.seconds(5);

    @JsonProperty("path")
    public String getPath() {
        return path;
    }

    @JsonProperty("path")
    public void setPath(String path) {
        this.path = path;
    }

    @JsonProperty("read_pool_size")
    public int getReadPoolSize() {
        return readPoolSize;
    }

    @JsonProperty("read_pool_size")
    public void setReadPoolSize(int readPoolSize) {
        this.readPoolSize = readPoolSize;
    }

    @JsonProperty("busy_timeout")
    public Duration getBusyTimeout() {
        return busyTimeout;
    }

    @JsonProperty("busy_timeout")
    public void setBusyTimeout(Duration busyTimeout) {
        this.busyTimeout = busyTimeout;
    }
}
