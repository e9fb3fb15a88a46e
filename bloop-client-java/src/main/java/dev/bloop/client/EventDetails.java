package dev.bloop.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Per-call extras for a captured event: where it happened, who it touched, and free metadata. */
public final class EventDetails {
    static final EventDetails NONE = builder().build();

    private final String route;
    private final String screen;
    private final Integer httpStatus;
    private final String requestId;
    private final String userIdHash;
    private final String deviceIdHash;
    private final String fingerprint;
    private final Map<String, Object> metadata;

    private EventDetails(Builder b) {
        this.route = b.route;
        this.screen = b.screen;
        this.httpStatus = b.httpStatus;
        this.requestId = b.requestId;
        this.userIdHash = b.userIdHash;
        this.deviceIdHash = b.deviceIdHash;
        this.fingerprint = b.fingerprint;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
    }

    public static Builder builder() {
        return new Builder();
    }

    public String route() {
        return route;
    }

    public String screen() {
        return screen;
    }

    public Integer httpStatus() {
        return httpStatus;
    }

    public String requestId() {
        return requestId;
    }

    public String userIdHash() {
        return userIdHash;
    }

    public String deviceIdHash() {
        return deviceIdHash;
    }

    public String fingerprint() {
        return fingerprint;
    }

    public Map<String, Object> metadata() {
        return metadata;
    }

    public static final class Builder {
        private String route;
        private String screen;
        private Integer httpStatus;
        private String requestId;
        private String userIdHash;
        private String deviceIdHash;
        private String fingerprint;
        private final Map<String, Object> metadata = new LinkedHashMap<>();

        private Builder() {
        }

        /** The API route or RPC procedure ({@code route_or_procedure}); groups events that have no stack. */
        public Builder route(String route) {
            this.route = route;
            return this;
        }

        public Builder screen(String screen) {
            this.screen = screen;
            return this;
        }

        public Builder httpStatus(int httpStatus) {
            this.httpStatus = httpStatus;
            return this;
        }

        public Builder requestId(String requestId) {
            this.requestId = requestId;
            return this;
        }

        /** A hash of the user id, never the id itself. */
        public Builder userIdHash(String userIdHash) {
            this.userIdHash = userIdHash;
            return this;
        }

        public Builder deviceIdHash(String deviceIdHash) {
            this.deviceIdHash = deviceIdHash;
            return this;
        }

        /** Your own grouping key: events with the same one form one issue, whatever else differs. */
        public Builder fingerprint(String fingerprint) {
            this.fingerprint = fingerprint;
            return this;
        }

        /** One metadata entry; values must be JSON-serializable (strings, numbers, booleans, maps, lists). */
        public Builder metadata(String key, Object value) {
            this.metadata.put(key, value);
            return this;
        }

        public EventDetails build() {
            return new EventDetails(this);
        }
    }
}
