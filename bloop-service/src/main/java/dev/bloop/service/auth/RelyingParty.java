package dev.bloop.service.auth;

import com.webauthn4j.data.client.Origin;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The WebAuthn relying party: its id, name and the origins allowed to run ceremonies and to send
 * state-changing requests with a session. Taken from configuration only; when no origins are
 * configured they are the running server's own localhost origins, known once the port is bound.
 */
public final class RelyingParty {
    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]", "::1");
    private final String id;
    private final String name;
    private final List<String> configured;
    private volatile Set<String> origins;
    private volatile String primaryOrigin;

    public RelyingParty(AuthConfig config) {
        this.id = config.getRpId() == null ? "localhost" : config.getRpId();
        this.name = config.getRpName();
        this.configured = List.copyOf(config.getOrigins());
        this.origins = configured.isEmpty() ? Set.of() : normalize(configured);
        this.primaryOrigin = configured.isEmpty() ? "http://localhost:5332" : configured.get(0);
    }

    /** Called once the application connector is bound; only matters when no origins are configured. */
    public void serverStarted(int port) {
        if (configured.isEmpty()) {
            this.origins = normalize(List.of("http://localhost:" + port, "http://127.0.0.1:" + port,
                    "http://[::1]:" + port));
            this.primaryOrigin = "http://localhost:" + port;
        }
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** Where people open the dashboard: the first configured origin, else {@code http://localhost:<port>}. */
    public String primaryOrigin() {
        return primaryOrigin;
    }

    public Set<String> origins() {
        return origins;
    }

    Set<Origin> webauthnOrigins() {
        return origins.stream().map(Origin::new).collect(Collectors.toUnmodifiableSet());
    }

    /** Whether an {@code Origin} header names one of the allowed origins (exact, case-insensitive). */
    public boolean allows(String originHeader) {
        return originHeader != null && origins.contains(originHeader.trim().toLowerCase(java.util.Locale.ROOT));
    }

    /** Cookies are Secure unless every allowed origin is a loopback one (plain-http development). */
    public boolean secureCookies() {
        return !origins.stream().allMatch(o -> LOCAL_HOSTS.contains(URI.create(o).getHost()));
    }

    /**
     * The session cookie's name: {@code __Host-bloop_session} when cookies are Secure, else
     * {@code bloop_session} (browsers refuse the prefix without Secure). Only this name is read.
     */
    public String sessionCookie() {
        return secureCookies() ? Sessions.SECURE_COOKIE : Sessions.COOKIE;
    }

    private static Set<String> normalize(List<String> list) {
        Set<String> out = new LinkedHashSet<>();
        for (String o : list) {
            String s = o.trim().toLowerCase(java.util.Locale.ROOT);
            out.add(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        }
        return Set.copyOf(out);
    }
}
