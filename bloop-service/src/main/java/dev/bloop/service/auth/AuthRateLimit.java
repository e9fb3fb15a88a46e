package dev.bloop.service.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bloop.api.ApiError;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the sign-in and sign-up calls ({@code POST /auth/...}) per client address and minute, so the
 * setup code, invites and passkey ceremonies cannot be hammered. Over the cap: 429 with
 * {@code Retry-After}. The address is the connection's (behind a proxy, the proxy's, which then
 * shares one budget: raise {@code auth.rate_limit_per_minute} there).
 */
final class AuthRateLimit implements Filter {
    private static final long WINDOW_MS = 60_000;

    /** Requests seen from one address in the current window. */
    private record Window(long start, AtomicInteger count) {
    }

    private final int perMinute;
    private final ObjectMapper json;
    private final Cache<String, Window> windows = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMillis(2 * WINDOW_MS))
            .maximumSize(100_000)
            .build();

    AuthRateLimit(int perMinute, ObjectMapper json) {
        this.perMinute = perMinute;
        this.json = json;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        if (!"POST".equals(req.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        long now = System.currentTimeMillis();
        Window w = windows.asMap().compute(req.getRemoteAddr(), (ip, old) ->
                old == null || now - old.start() >= WINDOW_MS ? new Window(now, new AtomicInteger()) : old);
        if (w.count().incrementAndGet() <= perMinute) {
            chain.doFilter(request, response);
            return;
        }
        long retryAfter = Math.max(1, (w.start() + WINDOW_MS - now + 999) / 1000);
        HttpServletResponse resp = (HttpServletResponse) response;
        resp.setStatus(429);
        resp.setHeader("Retry-After", Long.toString(retryAfter));
        resp.setContentType("application/json");
        resp.getOutputStream().write(json.writeValueAsBytes(ApiError.of(
                "too many sign-in requests from this address; try again in " + retryAfter + " s")));
    }
}
