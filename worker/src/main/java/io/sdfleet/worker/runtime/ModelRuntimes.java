package io.sdfleet.worker.runtime;

import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.model.ModelLoadException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The three runtimes of one model, opened together and closed together.
 *
 * <p>The factory picks the UNet implementation from {@link RuntimeSettings#kind()}; the text encoder and
 * the VAE decoder always run on ONNX Runtime with {@link RuntimeSettings#ortProvider()} (they are a small
 * share of the work). On failure everything opened so far is closed and the ModelLoadException
 * propagates: the worker does not start. It also checks that the text encoder's hidden size is what the
 * UNet's encoder_hidden_states declare.
 *
 * @param textEncoder CLIP text encoder
 * @param unet the UNet
 * @param vaeDecoder the VAE decoder
 */
public record ModelRuntimes(TextEncoderRuntime textEncoder, UNetRuntime unet, VaeDecoderRuntime vaeDecoder)
        implements AutoCloseable {

    public ModelRuntimes {
        Objects.requireNonNull(textEncoder, "textEncoder");
        Objects.requireNonNull(unet, "unet");
        Objects.requireNonNull(vaeDecoder, "vaeDecoder");
    }

    public static ModelRuntimes open(ModelFolder folder, RuntimeSettings settings) throws ModelLoadException {
        DjlEngineSetup.configure();
        TextEncoderRuntime text = null;
        UNetRuntime unet = null;
        try {
            text = OnnxRuntimeTextEncoder.load(folder.textEncoder(), settings);
            unet = openUNet(folder, settings);
            requireSameHiddenSize(folder, text.hiddenSize());
            VaeDecoderRuntime vae = OnnxRuntimeVaeDecoder.load(folder.vaeDecoder(), settings);
            return new ModelRuntimes(text, unet, vae);
        } catch (ModelLoadException | RuntimeException e) {
            if (unet != null) {
                unet.close();
            }
            if (text != null) {
                text.close();
            }
            throw e;
        }
    }

    /** The UNet alone, on the runtime that {@code settings.kind()} names. */
    public static UNetRuntime openUNet(ModelFolder folder, RuntimeSettings settings) throws ModelLoadException {
        return switch (settings.kind()) {
            case ONNXRUNTIME -> settings.ortProvider() == OrtProvider.TENSORRT
                    ? OrtTensorRtUNetRuntime.load(folder, settings) // engines per SDFLEET_TRT_PROFILES
                    : OnnxRuntimeUNet.load(folder.unet(), settings);
            case TENSORRT -> TensorRtUNetRuntime.load(folder.unet(), engineDir(folder, settings), settings);
        };
    }

    /** Where the TensorRT engines are: the setting, or {@code <model>/unet/trt}. */
    public static Path engineDir(ModelFolder folder, RuntimeSettings settings) {
        return settings.engineDir().orElse(folder.unet().resolveSibling("trt"));
    }

    private static void requireSameHiddenSize(ModelFolder folder, int textHidden) throws ModelLoadException {
        var states = io.sdfleet.worker.model.OnnxSignatureReader.read(folder.unet())
                .input(OnnxRuntimeUNet.ENCODER_HIDDEN_STATES).orElseThrow().dims();
        if (states.size() == 3 && states.get(2).isFixed() && states.get(2).size() != textHidden) {
            throw new ModelLoadException(folder.unet() + " takes encoder_hidden_states of width " + states.get(2).size()
                    + " but " + folder.textEncoder() + " produces " + textHidden + ": the two files are from "
                    + "different models");
        }
    }

    @Override
    public void close() {
        vaeDecoder.close();
        unet.close();
        textEncoder.close();
    }
}
