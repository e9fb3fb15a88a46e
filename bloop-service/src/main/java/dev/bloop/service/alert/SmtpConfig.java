package dev.bloop.service.alert;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** {@code smtp:} the server e-mail channels send through; on as soon as a host is configured. */
public class SmtpConfig {
    private Boolean enabled;
    private String host;
    @Min(1) @Max(65535) private int port = 587;
    private String username;
    private String password;
    @NotNull private String from = "bloop@localhost";
    private boolean starttls = true;

    /** Explicit on/off; unset means on when {@code host} is set. */
    @JsonProperty("enabled")
    public Boolean getEnabled() {
        return enabled;
    }

    @JsonProperty("enabled")
    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEnabled() {
        return enabled != null ? enabled && host != null && !host.isBlank() : host != null && !host.isBlank();
    }

    @JsonProperty("host")
    public String getHost() {
        return host;
    }

    @JsonProperty("host")
    public void setHost(String host) {
        this.host = host;
    }

    @JsonProperty("port")
    public int getPort() {
        return port;
    }

    @JsonProperty("port")
    public void setPort(int port) {
        this.port = port;
    }

    @JsonProperty("username")
    public String getUsername() {
        return username;
    }

    @JsonProperty("username")
    public void setUsername(String username) {
        this.username = username;
    }

    @JsonProperty("password")
    public String getPassword() {
        return password;
    }

    @JsonProperty("password")
    public void setPassword(String password) {
        this.password = password;
    }

    @JsonProperty("from")
    public String getFrom() {
        return from;
    }

    @JsonProperty("from")
    public void setFrom(String from) {
        this.from = from;
    }

    /**
     * true: upgrade the connection with STARTTLS whenever the server offers it (all mail providers
     * do); false: never, e.g. a local relay on the same host.
     */
    @JsonProperty("starttls")
    public boolean isStarttls() {
        return starttls;
    }

    @JsonProperty("starttls")
    public void setStarttls(boolean starttls) {
        this.starttls = starttls;
    }
}
