package dev.bloop.service.sourcemap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.service.store.TestDatabase;
import io.dropwizard.jackson.Jackson;
import java.io.ByteArrayOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ingest side of source maps: from memory only, never a database read or a parse on the
 * request thread; what is missing is loaded by {@code preload} (on the loader thread), and a release
 * without maps is remembered, so its next events need nothing.
 */
class SymbolicatorTest {
    @RegisterExtension
    final TestDatabase test = new TestDatabase();

    private static final String STACK = "TypeError: Cannot price sku unknown-sku\n    at c (app.min.js:1:532)\n"
            + "    at i (app.min.js:1:618)\n";

    private Symbolicator symbolicator() {
        return new Symbolicator(test.db(), Jackson.newObjectMapper(), 8 * 1024 * 1024);
    }

    private static byte[] gzip(byte[] bytes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void theIngestLookupNeverReadsTheDatabaseAndPreloadMakesItAnswer() throws Exception {
        byte[] map = SourceMapParserTest.resource("app.min.js.map");
        Symbolicator s = symbolicator();
        s.store().put("default", "1.0.0", "app.min.js.map", gzip(map), map.length, 1);

        assertThat(s.groupingStackIfLoaded("default", "1.0.0", STACK)).as("nothing in memory yet").isNull();
        s.preload("default", "1.0.0", STACK);
        assertThat(s.groupingStackIfLoaded("default", "1.0.0", STACK)).contains("at priceOf (src/pricing.ts:6:11)");

        assertThat(s.groupingStackIfLoaded("default", "2.0.0", STACK)).as("a release never looked up").isNull();
        s.preload("default", "2.0.0", STACK);
        assertThat(s.groupingStackIfLoaded("default", "2.0.0", STACK)).as("no maps: the stack as sent")
                .isEqualTo(STACK);
    }

    @Test
    void aMapUploadedLaterIsNotParsedOnTheIngestPath() throws Exception {
        byte[] map = SourceMapParserTest.resource("app.min.js.map");
        Symbolicator s = symbolicator();
        s.preload("default", "3.0.0", STACK); // the release list is read: no maps yet
        SourceMapStore.Stored stored = s.store().put("default", "3.0.0", "app.min.js.map", gzip(map), map.length, 1);
        s.changed("default", "3.0.0", stored.id());
        assertThat(s.groupingStackIfLoaded("default", "3.0.0", STACK)).as("upload dropped the cached list").isNull();
        s.preload("default", "3.0.0", STACK);
        assertThat(s.groupingStackIfLoaded("default", "3.0.0", STACK)).contains("src/pricing.ts");
    }

    @Test
    void eventsWithoutAReleaseOrStackNeedNothing() {
        Symbolicator s = symbolicator();
        assertThat(s.groupingStackIfLoaded("default", null, STACK)).isEqualTo(STACK);
        assertThat(s.groupingStackIfLoaded("default", "1", "")).isEqualTo("");
    }
}
