package dev.bloop.service.sourcemap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A source-map upload body, as {@code curl -F release=... -F file=@app.js.map} sends it. */
public record Multipart(String contentType, byte[] body) {
    private static final String BOUNDARY = "bloop-test-boundary";

    public static Multipart sourceMap(String release, String fileName, byte[] content) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (release != null) {
            body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"release\"\r\n\r\n" + release
                    + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        if (content != null) {
            body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                    + fileName + "\"\r\nContent-Type: application/json\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(content);
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return new Multipart("multipart/form-data; boundary=" + BOUNDARY, body.toByteArray());
    }
}
