package io.sdfleet.worker.pipeline;

import io.sdfleet.common.tokenizer.ClipTokenizer;
import io.sdfleet.common.tokenizer.TokenizerLoadException;
import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.model.ModelLoadException;
import io.sdfleet.worker.runtime.ModelRuntimes;
import io.sdfleet.worker.runtime.RuntimeSettings;
import io.sdfleet.worker.scheduler.SchedulerConfig;
import java.io.UncheckedIOException;

/**
 * Builds a {@link StableDiffusionPipeline} from a model folder. Split out of the pipeline so that the order of
 * loading, and which failure names which file, live in one place: tokenizer and scheduler config first (cheap;
 * a broken file fails in milliseconds), then the runtimes (the expensive native part).
 *
 * <p>Failures: every file that cannot be used is a {@link ModelLoadException} naming it; the worker must not
 * start. Stateless.
 */
final class ModelFolderOpener {

    private ModelFolderOpener() {
    }

    static StableDiffusionPipeline open(ModelFolder folder, RuntimeSettings runtimeSettings,
            PipelineSettings settings) throws ModelLoadException {
        ClipTokenizer tokenizer;
        SchedulerConfig config;
        try {
            tokenizer = ClipTokenizer.fromDirectory(folder.tokenizerDir());
        } catch (TokenizerLoadException e) {
            throw new ModelLoadException("cannot load the tokenizer of " + folder.root() + ": " + e.getMessage(), e);
        }
        try {
            config = SchedulerConfig.read(folder.schedulerConfig());
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw new ModelLoadException("cannot use " + folder.schedulerConfig() + ": " + e.getMessage(), e);
        }
        ModelRuntimes runtimes = ModelRuntimes.open(folder, runtimeSettings);
        return new StableDiffusionPipeline(folder.name(), runtimes, tokenizer, config, folder.vaeScalingFactor(),
                folder.unetSizeMultiple(), settings);
    }
}
