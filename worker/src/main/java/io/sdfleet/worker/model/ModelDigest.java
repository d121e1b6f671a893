package io.sdfleet.worker.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The identity of a model's revision: SHA-256 over every file of the model folder (relative path, length and
 * bytes, in path order), written {@code sha256:<64 hex>}. Two folders with the same files have the same digest
 * whatever their names or locations; one changed weight gives another. Completions and the fleet catalog carry
 * it, so a caller can tell which weights made an image.
 *
 * <p>Left out: hidden files and folders (editor and copy-tool litter) and TensorRT engine folders
 * ({@value #ENGINE_FOLDER}, built from the ONNX files on each GPU and not part of the model's revision).
 *
 * <p>Cost: one read of the folder at start (about a second per GB on one core); the model's files are read at
 * start anyway. Stateless.
 */
public final class ModelDigest {

    /** Prefix of a digest. */
    public static final String PREFIX = "sha256:";
    /** Folders of built engines, skipped. */
    static final String ENGINE_FOLDER = "trt";
    private static final int BUFFER = 1 << 20;

    private ModelDigest() {
    }

    /**
     * The digest of the folder {@code root}.
     *
     * @throws UncheckedIOException a file cannot be read (the model load fails on it too)
     */
    public static String of(Path root) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        byte[] buffer = new byte[BUFFER];
        for (Path file : files(root)) {
            String relative = root.relativize(file).toString().replace('\\', '/');
            try (InputStream in = Files.newInputStream(file)) {
                sha.update(relative.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(Long.toString(Files.size(file)).getBytes(StandardCharsets.US_ASCII));
                sha.update((byte) 0);
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + " to identify the model", e);
            }
        }
        return PREFIX + HexFormat.of().formatHex(sha.digest());
    }

    private static List<Path> files(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !skipped(root.relativize(p)))
                    .sorted((a, b) -> root.relativize(a).toString().replace('\\', '/')
                            .compareTo(root.relativize(b).toString().replace('\\', '/')))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + " to identify the model", e);
        }
    }

    private static boolean skipped(Path relative) {
        for (Path part : relative) {
            String name = part.toString();
            if (name.startsWith(".")) {
                return true;
            }
        }
        return relative.getNameCount() > 1 && relative.getName(relative.getNameCount() - 2).toString()
                .equals(ENGINE_FOLDER);
    }
}
