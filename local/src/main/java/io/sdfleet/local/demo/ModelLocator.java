package io.sdfleet.local.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the model folder of a demo run: {@code --model-dir}, else {@code SDFLEET_MODEL_DIR}, else the
 * repository's {@value #BUNDLED_MODEL} looked for in the working directory and up to
 * {@value #MAX_PARENT_LEVELS} folders above it (so the demo runs from the repository root, as
 * {@code ./sdfleet} does, and from a module folder, as Maven runs tests). Only checks that the folder
 * exists; its content is checked when the worker loads it. Stateless.
 */
public final class ModelLocator {

    /** The tiny random-weight model committed to the repository, relative to its root. */
    public static final String BUNDLED_MODEL = "models/tiny-sd";
    public static final String MODEL_DIR_ENV = "SDFLEET_MODEL_DIR";
    static final int MAX_PARENT_LEVELS = 3;

    /**
     * The folder found, and whether it is the repository's tiny model (whose pictures are noise).
     *
     * @param folder     absolute, normalized path of the model folder
     * @param bundledTiny found as {@value #BUNDLED_MODEL} rather than named by the caller
     */
    public record Location(Path folder, boolean bundledTiny) {
    }

    private ModelLocator() {
    }

    /**
     * @param option the {@code --model-dir} value, or null
     * @throws DemoStartException when the named folder, or the bundled one, is not there
     */
    public static Location locate(Path option, Map<String, String> env, Path workingDir) throws DemoStartException {
        if (option != null) {
            return named(option, "--model-dir", workingDir);
        }
        String fromEnv = env.get(MODEL_DIR_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return named(Path.of(fromEnv.strip()), MODEL_DIR_ENV, workingDir);
        }
        Path dir = workingDir.toAbsolutePath().normalize();
        for (int level = 0; level <= MAX_PARENT_LEVELS && dir != null; level++, dir = dir.getParent()) {
            Path candidate = dir.resolve(BUNDLED_MODEL);
            if (Files.isDirectory(candidate)) {
                return new Location(candidate, true);
            }
        }
        throw new DemoStartException("cannot find the tiny model '" + BUNDLED_MODEL + "' in " + workingDir.toAbsolutePath()
                + " or the folders above it: run the demo from the repository root (./sdfleet demo), or pass "
                + "--model-dir DIR (or set " + MODEL_DIR_ENV + ")");
    }

    private static Location named(Path folder, String source, Path workingDir) throws DemoStartException {
        Path absolute = workingDir.resolve(folder).toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new DemoStartException(source + " names " + absolute + ", which is not a folder");
        }
        return new Location(absolute, absolute.endsWith(BUNDLED_MODEL));
    }
}
