package io.sdfleet.worker.runtime;

import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.model.ModelLoadException;
import io.sdfleet.worker.model.OnnxSignatureReader;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The runtimes of one model, opened together and closed together: text encoder, UNet, VAE decoder, and the VAE
 * encoder when the folder has one (img2img and inpainting need it; a txt2img-only export has none).
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
 * @param vaeEncoder the VAE encoder, or null when the model has none
 */
public record ModelRuntimes(TextEncoderRuntime textEncoder, UNetRuntime unet, VaeDecoderRuntime vaeDecoder,
        VaeEncoderRuntime vaeEncoder) implements AutoCloseable {

    public ModelRuntimes {
        Objects.requireNonNull(textEncoder, "textEncoder");
        Objects.requireNonNull(unet, "unet");
        Objects.requireNonNull(vaeDecoder, "vaeDecoder");
    }

    /** A model without a VAE encoder (txt2img only). */
    public ModelRuntimes(TextEncoderRuntime textEncoder, UNetRuntime unet, VaeDecoderRuntime vaeDecoder) {
        this(textEncoder, unet, vaeDecoder, null);
    }

    public static ModelRuntimes open(ModelFolder folder, RuntimeSettings settings) throws ModelLoadException {
        DjlEngineSetup.configure();
        TextEncoderRuntime text = null;
        UNetRuntime unet = null;
        VaeDecoderRuntime vae = null;
        try {
            int channels = OnnxRuntimeUNet.sampleChannels(OnnxSignatureReader.read(folder.unet()), folder.unet());
            if (channels == UNetRuntime.INPAINT_CHANNELS) {
                requireInpaintingRunnable(folder, settings);
            }
            text = OnnxRuntimeTextEncoder.load(folder.textEncoder(), settings);
            unet = openUNet(folder, settings);
            requireSameHiddenSize(folder, text.hiddenSize());
            vae = OnnxRuntimeVaeDecoder.load(folder.vaeDecoder(), settings);
            VaeEncoderRuntime encoder = folder.vaeEncoder().isPresent()
                    ? OnnxRuntimeVaeEncoder.load(folder.vaeEncoder().get(), settings) : null;
            return new ModelRuntimes(text, unet, vae, encoder);
        } catch (ModelLoadException | RuntimeException e) {
            if (vae != null) {
                vae.close();
            }
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

    /**
     * An inpainting UNet needs the VAE encoder (it runs nothing without the masked image's latents) and, for now,
     * ONNX Runtime on the CPU or CUDA: the TensorRT paths build engines for 4-channel samples only.
     */
    private static void requireInpaintingRunnable(ModelFolder folder, RuntimeSettings settings)
            throws ModelLoadException {
        if (folder.vaeEncoder().isEmpty()) {
            throw new ModelLoadException(folder.unet() + " is an inpainting UNet (9 input channels), but "
                    + folder.root() + " has no vae_encoder/model.onnx: such a model can run no job without it");
        }
        if (settings.kind() == RuntimeKind.TENSORRT || settings.ortProvider() == OrtProvider.TENSORRT) {
            throw new ModelLoadException(folder.unet() + " is an inpainting UNet (9 input channels); the TensorRT"
                    + " runtimes build engines for 4-channel UNets only: run it with SDFLEET_RUNTIME=onnxruntime and"
                    + " SDFLEET_ORT_PROVIDER=cpu or cuda");
        }
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
        if (vaeEncoder != null) {
            vaeEncoder.close();
        }
        vaeDecoder.close();
        unet.close();
        textEncoder.close();
    }
}
