package dev.bloop.service.alert;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** {@code smtp:} the server email channels send through. Disabled until configured. */
public class SmtpConfig {
    private boolean enabled;
    @NotNull private String host = "localhost";
    @Min(1) @Max(65535) private int port = 587;
    private String username;
    private String password;
    @NotNull private String from = "bloop@localhost";
    private boolean starttls = true;

    @JsonProperty("enabled")
    public boolean isEnabled() {
        return enabled;
    }

    @JsonProperty("enabled")
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
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

    /** true: upgrade a plain connection with STARTTLS (required); false: plain SMTP, e.g. a local relay. */
    @JsonProperty("starttls")
    public boolean isStarttls() {
        return starttls;
    }

    @JsonProperty("starttls")
    public void setStarttls(boolean starttls) {
        this.starttls = starttls;
    }
}
