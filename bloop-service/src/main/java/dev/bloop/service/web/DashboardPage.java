package dev.bloop.service.web;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard's HTML shell, at {@code /} and at every dashboard path (so a reloaded deep link such
 * as {@code /issues/<fingerprint>} opens that page), with a strict Content-Security-Policy: scripts
 * and styles only from this server, no inline script except the import map, allowed by its hash, and
 * no framing. Scripts and styles are static files under {@code /ui/}, libraries under
 * {@code /webjars/} and {@code /vendor/} (Dropwizard's assets servlet).
 */
@Path("/")
@Hidden // HTML pages of the dashboard, not part of the API
public final class DashboardPage {
    private static final Pattern IMPORT_MAP = Pattern.compile("<script type=\"importmap\">(.*?)</script>", Pattern.DOTALL);
    private final byte[] shell;
    private final byte[] favicon;
    private final String csp;

    public DashboardPage() {
        this.shell = resource("/dashboard/index.html");
        this.favicon = resource("/dashboard/favicon.ico");
        this.csp = "default-src 'self'; script-src 'self'" + importMapHash(new String(shell, StandardCharsets.UTF_8))
                + "; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                + "form-action 'self'; frame-ancestors 'none'";
    }

    private static byte[] resource(String name) {
        try (InputStream in = DashboardPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String importMapHash(String html) {
        Matcher m = IMPORT_MAP.matcher(html);
        if (!m.find()) {
            return "";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(m.group(1).getBytes(StandardCharsets.UTF_8));
            return " 'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String csp() {
        return csp;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response shell() {
        return Response.ok(shell, MediaType.TEXT_HTML_TYPE.withCharset("utf-8"))
                .header("Content-Security-Policy", csp)
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "same-origin")
                .header("Cache-Control", "no-store")
                .build();
    }

    /** Dashboard routes: the same shell; the script reads the path. */
    @GET
    @Path("{page: (issues|overview|releases|insights|llm|alerts|projects|tokens|settings|admin|login|setup)(/.*)?}")
    @Produces(MediaType.TEXT_HTML)
    public Response page() {
        return shell();
    }

    /** The tab icon browsers ask for on their own. */
    @GET
    @Path("favicon.ico")
    @Produces("image/x-icon")
    public Response favicon() {
        return Response.ok(favicon).header("Cache-Control", "public, max-age=86400").build();
    }
}
