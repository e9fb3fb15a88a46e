package dev.bloop.service.sentry;

import static dev.bloop.service.sentry.SentryWire.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The envelope grammar and the body encodings, byte for byte, without a server. */
class EnvelopeFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String decode(byte[] body, Bodies.Encoding encoding, long max) throws IOException {
        try (InputStream in = Bodies.open(body, body.length, encoding, max)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static EnvelopeReader reader(String envelope, int maxItem) {
        byte[] b = utf8(envelope);
        // The smallest read-ahead: every header, payload and skipped item spans several refills.
        return new EnvelopeReader(new java.io.ByteArrayInputStream(b), JSON, maxItem, 64);
    }

    @Test
    void gzipWithHeaderFieldsSeveralMembersAndBothDeflateFormsDecode() throws Exception {
        String text = "{\"message\":\"héllo\"}\n".repeat(50);
        // A gzip header with a file name (FNAME), as gzip(1) writes it.
        byte[] named = SentryWire.gzip(utf8(text));
        byte[] withName = new byte[named.length + 6];
        System.arraycopy(named, 0, withName, 0, 10);
        withName[3] = 8;
        System.arraycopy(utf8("a.txt"), 0, withName, 10, 5);
        System.arraycopy(named, 10, withName, 16, named.length - 10);
        assertThat(decode(withName, Bodies.Encoding.GZIP, 1 << 20)).isEqualTo(text);
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        two.write(SentryWire.gzip(utf8("first ")));
        two.write(SentryWire.gzip(utf8("second")));
        assertThat(decode(two.toByteArray(), Bodies.Encoding.GZIP, 1 << 20)).isEqualTo("first second");
        assertThat(decode(SentryWire.deflate(utf8(text), false), Bodies.Encoding.DEFLATE, 1 << 20)).isEqualTo(text);
        assertThat(decode(SentryWire.deflate(utf8(text), true), Bodies.Encoding.DEFLATE, 1 << 20)).isEqualTo(text);
    }

    @Test
    void corruptTruncatedAndOversizedBodiesFail() {
        byte[] gz = SentryWire.gzip(utf8("{\"message\":\"x\"}".repeat(100)));
        byte[] badCrc = gz.clone();
        badCrc[gz.length - 6] ^= 1;
        assertThatThrownBy(() -> decode(badCrc, Bodies.Encoding.GZIP, 1 << 20)).hasMessageContaining("CRC");
        byte[] cut = java.util.Arrays.copyOf(gz, gz.length / 2);
        assertThatThrownBy(() -> decode(cut, Bodies.Encoding.GZIP, 1 << 20)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> decode(utf8("plain"), Bodies.Encoding.GZIP, 1 << 20)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> decode(SentryWire.gzipBomb(8L << 20), Bodies.Encoding.GZIP, 1 << 20))
                .isInstanceOf(Bodies.TooLarge.class);
    }

    @Test
    void aBodySaysHowLargeItDecompressesOnlyWhenPlainOrGzip() throws Exception {
        byte[] small = SentryWire.gzip(utf8("x".repeat(2_000)));
        assertThat(Bodies.statesAtMost(small, small.length, Bodies.Encoding.GZIP, 2_000)).isTrue();
        assertThat(Bodies.statesAtMost(small, small.length, Bodies.Encoding.GZIP, 1_999)).isFalse();
        // A bomb: a few kilobytes that say they are 8 MiB.
        byte[] bomb = SentryWire.gzip(new byte[8 << 20]);
        assertThat(bomb.length).isLessThan(16 * 1024);
        assertThat(Bodies.statesAtMost(bomb, bomb.length, Bodies.Encoding.GZIP, 256 * 1024)).isFalse();
        assertThat(Bodies.statesAtMost(new byte[5], 5, Bodies.Encoding.GZIP, 256 * 1024)).as("no trailer").isFalse();
        byte[] plain = utf8("{}");
        assertThat(Bodies.statesAtMost(plain, plain.length, Bodies.Encoding.IDENTITY, 256 * 1024)).isTrue();
        byte[] deflated = SentryWire.deflate(plain, false);
        assertThat(Bodies.statesAtMost(deflated, deflated.length, Bodies.Encoding.DEFLATE, 256 * 1024)).isFalse();
    }

    @Test
    void contentEncodingsSdksSendAreKnownAndOthersAreNot() {
        assertThat(Bodies.encoding(null)).isEqualTo(Bodies.Encoding.IDENTITY);
        assertThat(Bodies.encoding("")).isEqualTo(Bodies.Encoding.IDENTITY);
        assertThat(Bodies.encoding("UTF-8")).isEqualTo(Bodies.Encoding.IDENTITY);
        assertThat(Bodies.encoding(" GZIP ")).isEqualTo(Bodies.Encoding.GZIP);
        assertThat(Bodies.encoding("deflate")).isEqualTo(Bodies.Encoding.DEFLATE);
        assertThat(Bodies.encoding("br")).isNull();
        assertThat(Bodies.encoding("zstd")).isNull();
    }

    @Test
    void itemsWithAndWithoutLengthTrailingNewlinesAndCarriageReturns() throws Exception {
        EnvelopeReader r = reader("{\"event_id\":\"9ec79c33ec9942ab8353589fcb2e04dc\"}\n"
                + "{\"type\":\"attachment\",\"length\":10,\"filename\":\"a.txt\"}\n0123\n56789\n"
                + "{\"type\":\"event\"}\n{\"message\":\"no length\"}\r\n"
                + "{\"type\":\"client_report\",\"length\":2}\n{}", 1024);
        assertThat(r.header().get("event_id").asText()).isEqualTo("9ec79c33ec9942ab8353589fcb2e04dc");
        EnvelopeReader.Item attachment = r.next();
        assertThat(attachment.type()).isEqualTo("attachment");
        assertThat(attachment.payload()).as("skipped items are not held").isNull();
        assertThat(attachment.size()).isEqualTo(10);
        EnvelopeReader.Item event = r.next();
        assertThat(new String(event.payload(), StandardCharsets.UTF_8)).as("a \\r before \\n is payload")
                .isEqualTo("{\"message\":\"no length\"}\r");
        EnvelopeReader.Item report = r.next();
        assertThat(new String(report.payload(), StandardCharsets.UTF_8)).isEqualTo("{}");
        assertThat(r.next()).isNull();
    }

    @Test
    void anEnvelopeOfJustAHeaderOrWithATrailingNewlineHasNoItems() throws Exception {
        EnvelopeReader bare = reader("{}", 1024);
        assertThat(bare.header().isEmpty()).isTrue();
        assertThat(bare.next()).isNull();
        EnvelopeReader trailing = reader("{}\n{\"type\":\"session\",\"length\":2}\n{}\n", 1024);
        trailing.header();
        assertThat(trailing.next().type()).isEqualTo("session");
        assertThat(trailing.next()).isNull();
    }

    @Test
    void oversizedItemsAndHeadersAreTooLargeAndLiesAreMalformed() throws Exception {
        EnvelopeReader big = reader("{}\n{\"type\":\"event\",\"length\":5000}\n" + "x".repeat(5000), 1024);
        big.header();
        assertThatThrownBy(big::next).isInstanceOf(Bodies.TooLarge.class).hasMessageContaining("5000 bytes");
        EnvelopeReader noLength = reader("{}\n{\"type\":\"event\"}\n" + "x".repeat(5000), 1024);
        noLength.header();
        assertThatThrownBy(noLength::next).isInstanceOf(Bodies.TooLarge.class);
        EnvelopeReader header = reader("{\"a\":\"" + "x".repeat(70_000) + "\"}\n", 1024);
        assertThatThrownBy(header::header).isInstanceOf(Bodies.TooLarge.class);
        EnvelopeReader lying = reader("{}\n{\"type\":\"attachment\",\"length\":100}\nshort", 1024);
        lying.header();
        assertThatThrownBy(lying::next).isInstanceOf(EnvelopeReader.Malformed.class)
                .hasMessageContaining("shorter than its length");
        EnvelopeReader trailingJunk = reader("{}\n{\"type\":\"session\",\"length\":2}\n{}junk\n", 1024);
        trailingJunk.header();
        assertThatThrownBy(trailingJunk::next).isInstanceOf(EnvelopeReader.Malformed.class)
                .hasMessageContaining("not followed by a newline");
    }

    @Test
    void theKeyIsFoundInEachPlaceSdksPutIt() {
        assertThat(SentryAuth.fromHeader("Sentry sentry_version=7,sentry_client=sentry.java/8.63.0,sentry_key=pub"))
                .isEqualTo("pub");
        assertThat(SentryAuth.fromHeader("Sentry sentry_key=abc123, sentry_version=7, sentry_client=sentry.python/1.9.10"))
                .isEqualTo("abc123");
        assertThat(SentryAuth.fromHeader("Bearer abc")).isNull();
        assertThat(SentryAuth.fromQuery("sentry_version=7&sentry_key=k%20y&sentry_client=x")).isEqualTo("k y");
        assertThat(SentryAuth.fromQuery("sentry_version=7")).isNull();
        SentryAuth.Dsn dsn = SentryAuth.parseDsn("https://public:secret@o1.ingest.example.com/sub/path/42");
        assertThat(dsn.key()).isEqualTo("public");
        assertThat(dsn.projectId()).isEqualTo("42");
        assertThat(SentryAuth.parseDsn("https://example.com/42")).isNull();
        assertThat(SentryAuth.parseDsn("not a url at all %%")).isNull();
    }

    @Test
    void gzipStreamsWrittenByTheJdkAreReadIdentically() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out, 512, true)) {
            for (int i = 0; i < 2000; i++) {
                z.write(utf8("line " + i + "\n"));
                if (i % 100 == 0) {
                    z.flush();
                }
            }
        }
        String decoded = decode(out.toByteArray(), Bodies.Encoding.GZIP, 1 << 20);
        assertThat(decoded.lines().count()).isEqualTo(2000);
        assertThat(decoded).endsWith("line 1999\n");
    }
}
