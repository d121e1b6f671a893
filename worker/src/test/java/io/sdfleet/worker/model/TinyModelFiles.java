package io.sdfleet.worker.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Where the committed tiny model and test fixtures are, and copies of them for tests that break them. */
public final class TinyModelFiles {
    private TinyModelFiles() {}

    /** models/tiny-sd at the repository root (surefire runs in the worker module folder). */
    public static Path tinyModel() {
        Path path = Path.of(System.getProperty("sdfleet.tinyModel", "../models/tiny-sd")).toAbsolutePath().normalize();
        if (!Files.isDirectory(path)) {
            throw new IllegalStateException("tiny model not found at " + path + "; generate it with "
                    + "/usr/bin/python3 tools/make_tiny_model.py");
        }
        return path;
    }

    /** models/tiny-sd-inpaint: the tiny model with a 9-channel inpainting UNet (make_tiny_model.py). */
    public static Path tinyInpaintModel() {
        Path path = Path.of(System.getProperty("sdfleet.tinyInpaintModel", "../models/tiny-sd-inpaint"))
                .toAbsolutePath().normalize();
        if (!Files.isDirectory(path)) {
            throw new IllegalStateException("tiny inpainting model not found at " + path + "; generate it with "
                    + "/usr/bin/python3 tools/make_tiny_model.py");
        }
        return path;
    }

    /** worker/src/test/resources/models/{name}/model.onnx (made by make_tiny_model.py --test-fixtures). */
    public static Path fixture(String name) {
        return Path.of("src/test/resources/models", name, "model.onnx").toAbsolutePath().normalize();
    }

    /** A full copy of the tiny model under {@code dir}, to be edited by a test. */
    public static Path copyOfTinyModel(Path dir) {
        Path source = tinyModel();
        Path target = dir.resolve("tiny-sd");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }
}
