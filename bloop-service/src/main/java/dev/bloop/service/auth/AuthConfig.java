package dev.bloop.service.auth;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.nio.charset.StandardCharsets;

/** {@code auth:} the HMAC secret of the default project (used when a request has no X-Project-Key). */
public class AuthConfig {
    /** The seed README's quick-start secret: accepted so its curl examples work, but warned about. */
    public static final String DEFAULT_SECRET = "change-me-in-production";
    static final int MIN_SECRET_BYTES = 16;

    @NotNull private String hmacSecret = DEFAULT_SECRET;

    @JsonProperty("hmac_secret")
    public String getHmacSecret() {
        return hmacSecret;
    }

    @JsonProperty("hmac_secret")
    public void setHmacSecret(String hmacSecret) {
        this.hmacSecret = hmacSecret;
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
