package dev.bloop.service.store;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * {@code database:} the embedded SQLite file (the default), or a PostgreSQL server shared by several
 * nodes ({@code type: postgres} with {@code url}, {@code user}, {@code password}).
 */
public class DatabaseConfig {
    @NotNull @Pattern(regexp = "sqlite|postgres", message = "must be sqlite or postgres") private String type = "sqlite";
    @NotBlank private String path = "./data/bloop.db";
    private String url;
    private String user;
    private String password;
    @Min(1) @Max(64) private int readPoolSize = 4;
    @NotNull private Duration busyTimeout = Duration.seconds(5);

    @JsonProperty("type")
    public String getType() {
        return type;
    }

    @JsonProperty("type")
    public void setType(String type) {
        this.type = type;
    }

    @JsonIgnore
    public boolean isPostgres() {
        return "postgres".equals(type);
    }

    /** A JDBC URL, {@code jdbc:postgresql://host:5432/bloop}; only with {@code type: postgres}. */
    @JsonProperty("url")
    public String getUrl() {
        return url;
    }

    @JsonProperty("url")
    public void setUrl(String url) {
        this.url = url;
    }

    @JsonProperty("user")
    public String getUser() {
        return user;
    }

    @JsonProperty("user")
    public void setUser(String user) {
        this.user = user;
    }

    /** Read from the configuration, never written out (were the configuration ever serialized). */
    @JsonProperty(value = "password", access = JsonProperty.Access.WRITE_ONLY)
    public String getPassword() {
        return password;
    }

    @JsonProperty("password")
    public void setPassword(String password) {
        this.password = password;
    }

    /**
     * Accepted and ignored: it gated the server on PostgreSQL while the stores were being ported, and
     * a configuration written then still starts.
     */
    @JsonProperty("postgres_preview")
    public void setPostgresPreview(boolean ignored) {
        // nothing: PostgreSQL needs no flag any more
    }

    @JsonIgnore
    @AssertTrue(message = "database.url is needed with database.type postgres (jdbc:postgresql://host:5432/bloop)")
    public boolean isUrlGivenForPostgres() {
        return !isPostgres() || (url != null && url.startsWith("jdbc:postgresql:"));
    }

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
