package io.sdfleet.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Creates and deletes the temporary folders of the embedded servers (Kafka's log dir, a blob folder). */
final class TempDirectories {

    private TempDirectories() {
    }

    static Path create(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new EmbeddedStackException("cannot create a temporary folder " + prefix + "*", e);
        }
    }

    /**
     * Deletes a folder tree, deepest entries first. Best effort: a file that cannot be deleted is left
     * behind (in the system temp folder) rather than failing a shutdown.
     */
    static void deleteQuietly(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> entries = Files.walk(root)) {
            entries.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // left behind in the temp folder; nothing useful to do during shutdown
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // same: best effort
        }
    }
}
