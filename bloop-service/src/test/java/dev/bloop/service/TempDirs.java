package dev.bloop.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removes what a test wrote under the system temp directory, so repeated runs do not fill the disk. */
public final class TempDirs {
    private TempDirs() {
    }

    /** Deletes the tree; a file still held open elsewhere is left, never failing the test over it. */
    public static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: an undeletable file only costs disk space
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort, as above
        }
    }
}
