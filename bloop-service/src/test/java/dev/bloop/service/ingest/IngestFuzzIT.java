package dev.bloop.service.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.api.Signatures;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Hundreds of mutated, correctly signed bodies: every answer is a 2xx or a 4xx, never a 5xx. */
@ExtendWith(DropwizardExtensionsSupport.class)
class IngestFuzzIT {
    private static final BloopTestApp BLOOP = new BloopTestApp();
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final String[] VALUES = {"null", "true", "-1", "0", "1e309", "9223372036854775808", "\"\"",
            "\"\\u0000\"", "[]", "{}", "[{}]", "\"\\ud800\"", "-0.5", "\"é\"", "{\"a\":{\"b\":[1,{\"c\":null}]}}"};
    private static final String[] FIELDS = {"timestamp", "source", "environment", "release", "error_type", "message",
            "stack", "metadata", "http_status", "fingerprint", "route_or_procedure", "screen", "events", "", "\\"};

    @Test
    void mutatedBodiesNeverCauseA5xx() {
        Random random = new Random(20261126L);
        String base = BloopTestApp.event("fuzz base 123").replace("}",
                ",\"stack\":\"at f (a.js:1:2)\",\"metadata\":{\"k\":[1,2]},\"http_status\":500}");
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            bodies.add(mutate(base, random));
        }
        int accepted = 0;
        for (int i = 0; i < bodies.size(); i++) {
            String body = bodies.get(i);
            String path = i % 3 == 0 ? "/v1/ingest/batch" : "/v1/ingest";
            String sent = path.endsWith("batch") && random.nextBoolean() ? "{\"events\":[" + body + "," + body + "]}" : body;
            HttpResponse<String> r;
            try {
                r = BLOOP.ingest(path, sent);
            } catch (RuntimeException e) {
                throw new AssertionError("no answer to " + path + " " + sent.substring(0, Math.min(300, sent.length())), e);
            }
            assertThat(r.statusCode()).as("%s -> %s", sent, r.body()).isLessThan(500);
            assertThat(r.body()).as(sent).startsWith("{");
            if (r.statusCode() == 200) {
                accepted++;
            }
        }
        // Headers too: garbage signatures and keys are 401s, not crashes.
        for (String sig : List.of("", " ", "g", "0", "%%", "ab".repeat(1000), "\u00e9\u00e9")) {
            HttpResponse<String> r = BLOOP.post("/v1/ingest", base, Map.of("Content-Type", "application/json",
                    "X-Signature", sig.isEmpty() ? " " : new String(sig.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)));
            assertThat(r.statusCode()).isEqualTo(401);
        }
        HttpResponse<String> r = BLOOP.post("/v1/ingest", base, Map.of("Content-Type", "application/json",
                "X-Signature", Signatures.sign(BloopTestApp.SECRET, base), "X-Project-Key", "x".repeat(5000)));
        assertThat(r.statusCode()).isEqualTo(401);

        // The writer survived whatever was accepted, and a valid event still goes through.
        assertThat(accepted).isPositive();
        assertThat(BLOOP.ingest("/v1/ingest", BloopTestApp.event("after the fuzz")).statusCode()).isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE message = 'after the fuzz'", 1);
        assertThat(BLOOP.get(BLOOP.url("/health")).body()).contains("\"writer_running\":true");
    }

    private static String mutate(String base, Random random) {
        StringBuilder s = new StringBuilder(base);
        int rounds = 1 + random.nextInt(3);
        for (int r = 0; r < rounds; r++) {
            switch (random.nextInt(8)) {
                case 0 -> { // flip a character
                    int at = random.nextInt(s.length());
                    s.setCharAt(at, (char) (32 + random.nextInt(95)));
                }
                case 1 -> s.setLength(random.nextInt(s.length())); // truncate
                case 2 -> { // replace a field's value
                    String field = FIELDS[random.nextInt(FIELDS.length)];
                    String value = VALUES[random.nextInt(VALUES.length)];
                    int at = s.indexOf("\"" + field + "\":");
                    if (at >= 0) {
                        int start = at + field.length() + 3;
                        int end = nextValueEnd(s, start);
                        s.replace(start, end, value);
                    }
                }
                case 3 -> s.insert(1, "\"" + FIELDS[random.nextInt(FIELDS.length)] + "\":"
                        + VALUES[random.nextInt(VALUES.length)] + ","); // add or duplicate a field
                case 4 -> s.insert(random.nextInt(s.length()), "\uD83D\uDCA5\u0000\u202e"); // odd code points
                case 5 -> { // delete a slice
                    int a = random.nextInt(s.length());
                    s.delete(a, Math.min(s.length(), a + 1 + random.nextInt(20)));
                }
                case 6 -> s.replace(0, s.length(), "[" + s + "]"); // wrong top-level shape
                default -> { // deep nesting
                    String deep = "[".repeat(2000) + "]".repeat(2000);
                    int at = s.indexOf("\"metadata\":");
                    if (at >= 0) {
                        s.insert(at + 11, "{\"d\":" + deep + "},\"x\":");
                    }
                }
            }
            if (s.length() == 0) {
                s.append('{');
            }
        }
        return s.toString();
    }

    private static int nextValueEnd(StringBuilder s, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return s.length();
    }
}
