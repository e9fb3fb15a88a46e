package dev.bloop.service.auth;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code auth:} the HMAC secret of the default project (used when a request has no X-Project-Key), and
 * the dashboard's passkey and session settings. The relying party id and the allowed origins come from
 * here only, never from request headers; left empty, they are {@code localhost} and the running
 * server's own {@code http://localhost:<port>} and {@code http://127.0.0.1:<port>}.
 */
public class AuthConfig {
    /** The seed README's quick-start secret: accepted so its curl examples work, but warned about. */
    public static final String DEFAULT_SECRET = "change-me-in-production";
    static final int MIN_SECRET_BYTES = 16;

    @NotNull private String hmacSecret = DEFAULT_SECRET;
    private String rpId;
    @NotNull private String rpName = "bloop";
    private List<String> origins = new ArrayList<>();
    private String rpOrigin;
    @NotNull @MinDuration(value = 1, unit = TimeUnit.MINUTES)
    private Duration sessionTtl = Duration.days(7);
    @jakarta.validation.constraints.Min(1) private int rateLimitPerMinute = 60;
    private List<String> legacyKeySigning = new ArrayList<>();

    @JsonProperty("hmac_secret")
    public String getHmacSecret() {
        return hmacSecret;
    }

    @JsonProperty("hmac_secret")
    public void setHmacSecret(String hmacSecret) {
        this.hmacSecret = hmacSecret;
    }

    /** Empty means {@code localhost}. */
    @JsonProperty("rp_id")
    public String getRpId() {
        return rpId;
    }

    @JsonProperty("rp_id")
    public void setRpId(String rpId) {
        this.rpId = rpId == null || rpId.isBlank() ? null : rpId.trim();
    }

    @JsonProperty("rp_name")
    public String getRpName() {
        return rpName;
    }

    @JsonProperty("rp_name")
    public void setRpName(String rpName) {
        this.rpName = rpName;
    }

    /** Allowed WebAuthn (and same-origin) origins such as {@code https://bloop.example.com}. */
    @JsonProperty("origins")
    public List<String> getOrigins() {
        List<String> all = new ArrayList<>(origins);
        if (rpOrigin != null && !all.contains(rpOrigin)) {
            all.add(rpOrigin);
        }
        return all;
    }

    /** A YAML list, or one comma-separated string (as an environment variable gives it). */
    @JsonProperty("origins")
    public void setOrigins(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof String s) {
            Arrays.stream(s.split(",")).map(String::trim).filter(o -> !o.isEmpty()).forEach(out::add);
        } else if (value instanceof List<?> list) {
            list.forEach(o -> out.add(String.valueOf(o).trim()));
        } else if (value != null) {
            throw new IllegalArgumentException("auth.origins must be a list of origins");
        }
        this.origins = out;
    }

    /** The original's single-origin key, kept so its configs keep working: added to {@code origins}. */
    @JsonProperty("rp_origin")
    public void setRpOrigin(String origin) {
        this.rpOrigin = origin == null || origin.isBlank() ? null : origin.trim();
    }

    @JsonProperty("session_ttl")
    public Duration getSessionTtl() {
        return sessionTtl;
    }

    @JsonProperty("session_ttl")
    public void setSessionTtl(Duration sessionTtl) {
        this.sessionTtl = sessionTtl;
    }

    /** Sign-in and sign-up calls ({@code POST /auth/...}) allowed per client address and minute. */
    @JsonProperty("rate_limit_per_minute")
    public int getRateLimitPerMinute() {
        return rateLimitPerMinute;
    }

    @JsonProperty("rate_limit_per_minute")
    public void setRateLimitPerMinute(int rateLimitPerMinute) {
        this.rateLimitPerMinute = rateLimitPerMinute;
    }

    /**
     * Slugs of the projects whose apps may sign ingest requests with the project's public key, as the
     * original bloop SDKs do (an HMAC keyed with a public value proves nothing: anyone who has the
     * app can sign). Off for every project unless listed; warned about at every start and in /health.
     * A YAML list, or one comma-separated string ({@code BLOOP__AUTH__LEGACY_KEY_SIGNING=default,mobile}).
     */
    @JsonProperty("legacy_key_signing")
    public List<String> getLegacyKeySigning() {
        return legacyKeySigning;
    }

    @JsonProperty("legacy_key_signing")
    public void setLegacyKeySigning(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof String s) {
            Arrays.stream(s.split(",")).map(String::trim).filter(o -> !o.isEmpty()).forEach(out::add);
        } else if (value instanceof List<?> list) {
            list.forEach(o -> out.add(String.valueOf(o).trim()));
        } else if (value != null) {
            throw new IllegalArgumentException("auth.legacy_key_signing must be a list of project slugs");
        }
        this.legacyKeySigning = out;
    }

    @JsonIgnore
    @AssertTrue(message = "is false: every auth.legacy_key_signing entry must be a project slug ([a-z0-9-]{1,64})")
    public boolean isLegacyKeySigningWellFormed() {
        return legacyKeySigning.stream().allMatch(s -> s.matches("[a-z0-9-]{1,64}"));
    }

    @JsonIgnore
    @AssertTrue(message = "is false: every auth.origins entry must be scheme://host[:port], e.g. https://bloop.example.com")
    public boolean isOriginsWellFormed() {
        for (String o : getOrigins()) {
            try {
                URI u = new URI(o);
                if (u.getScheme() == null || u.getHost() == null || !(u.getPath() == null || u.getPath().isEmpty())
                        || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
                    return false;
                }
            } catch (java.net.URISyntaxException e) {
                return false;
            }
        }
        return true;
    }

    @JsonIgnore
    @AssertTrue(message = "is false: auth.hmac_secret must be at least 16 bytes (BLOOP__AUTH__HMAC_SECRET)")
    public boolean isHmacSecretLongEnough() {
        return hmacSecret == null || hmacSecret.getBytes(StandardCharsets.UTF_8).length >= MIN_SECRET_BYTES;
    }

    @JsonIgnore
    public boolean usesDefaultSecret() {
        return DEFAULT_SECRET.equals(hmacSecret);
    }

    @JsonIgnore
    public byte[] hmacSecretBytes() {
        return hmacSecret.getBytes(StandardCharsets.UTF_8);
    }
}
