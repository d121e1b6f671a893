package io.sdfleet.local.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the model folder of a demo run: {@code --model-dir}, else {@code SDFLEET_MODEL_DIR}, else the
 * repository's trained toy model {@value #BUNDLED_MODEL} looked for in the working directory and up to
 * {@value #MAX_PARENT_LEVELS} folders above it (so the demo runs from the repository root, as
 * {@code ./sdfleet} does, and from a module folder, as Maven runs tests). Only checks that the folder
 * exists; its content is checked when the worker loads it. Stateless.
 */
public final class ModelLocator {

    /**
     * The demo's model, committed to the repository (relative to its root): a tiny latent diffusion model trained on
     * pictures of coloured shapes by tools/train_tiny_model.py, so that the demo's pictures show its prompts.
     */
    public static final String BUNDLED_MODEL = "models/tiny-shapes";
    /**
     * The tiny random-weight model of Stable Diffusion's exact layout (tools/make_tiny_model.py), relative to the
     * repository root: what the structural tests run on; its pictures are noise.
     */
    public static final String RANDOM_MODEL = "models/tiny-sd";
    /** The report tools/train_tiny_model.py writes next to a model it trained. */
    public static final String TRAINING_REPORT = "TRAINING.md";
    public static final String MODEL_DIR_ENV = "SDFLEET_MODEL_DIR";
    static final int MAX_PARENT_LEVELS = 3;

    /**
     * The folder found, and whether it is the repository's own model.
     *
     * @param folder  absolute, normalized path of the model folder
     * @param bundled found as {@value ModelLocator#BUNDLED_MODEL} rather than named by the caller
     */
    public record Location(Path folder, boolean bundled) {

        /** The model is the random-weight {@value ModelLocator#RANDOM_MODEL} (its pictures look like noise). */
        public boolean randomWeights() {
            return folder.endsWith(RANDOM_MODEL);
        }

        /** The model was trained by tools/train_tiny_model.py: it has the report that script writes. */
        public boolean trainedToy() {
            return Files.isRegularFile(folder.resolve(TRAINING_REPORT));
        }
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
        return new Location(inRepository(BUNDLED_MODEL, workingDir), true);
    }

    /**
     * {@code relative} (a folder of the repository, such as {@value #BUNDLED_MODEL} or {@value #RANDOM_MODEL})
     * found from {@code workingDir} or one of the {@value #MAX_PARENT_LEVELS} folders above it.
     *
     * @throws DemoStartException when none of them has it
     */
    public static Path inRepository(String relative, Path workingDir) throws DemoStartException {
        Path dir = workingDir.toAbsolutePath().normalize();
        for (int level = 0; level <= MAX_PARENT_LEVELS && dir != null; level++, dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new DemoStartException("cannot find the model '" + relative + "' in " + workingDir.toAbsolutePath()
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
