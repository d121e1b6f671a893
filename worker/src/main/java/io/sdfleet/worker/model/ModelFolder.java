package io.sdfleet.worker.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Stable Diffusion model folder in diffusers' ONNX export layout, validated.
 *
 * <p>Invariant: every path in a {@code ModelFolder} names an existing regular file (or, for
 * {@link #tokenizerDir()}, a directory holding vocab.json and merges.txt), model_index.json is a JSON
 * object, and {@link #vaeScalingFactor()} is positive and finite. {@link #load(Path)} establishes this
 * by reading only small JSON files and checking file presence: no native runtime is touched, so a
 * misconfigured path fails in milliseconds with a message naming every missing file at once.
 *
 * <p>Where the VAE scaling factor comes from: diffusers keeps it in the VAE's config.json
 * ({@code scaling_factor}); exports made with optimum carry vae_decoder/config.json. The older
 * diffusers ONNX export has no such file and its pipeline hard-codes SD 1.x's 0.18215; we do the same
 * and say so in {@link #notes()}.
 *
 * <p>Which image sizes the UNet takes ({@link #unetSizeMultiple()}): the UNet's skip connections concatenate
 * each down-sampling level's output with the up-sampled features of the level below, so every latent side
 * must survive {@code d} halvings exactly: a multiple of {@code 2^d}. In diffusers' UNet2DConditionModel every
 * down block but the last one down-samples, so {@code d = len(block_out_channels) - 1} (from unet/config.json),
 * and with the VAE's 8 pixels per latent the image sides must be multiples of {@code 8 * 2^d}: 64 for SD 1.x
 * and 2.x ({@code [320, 640, 1280, 1280]}). diffusers' PyTorch UNet can pad an odd size at run time
 * ({@code forward_upsample_size}), but an ONNX export or TensorRT engine fixes that branch when it is traced
 * (at 512x512, i.e. the padding path is absent), and ONNX Runtime then fails on the concatenation. A folder
 * without unet/config.json (the older diffusers export) gets SD 1.x's 64, with a note.
 *
 * @param root the model folder
 * @param name the model's name (the folder's name), reported in completion events
 * @param pipelineClass {@code _class_name} of model_index.json, e.g. OnnxStableDiffusionPipeline
 * @param textEncoder text_encoder/model.onnx
 * @param unet unet/model.onnx
 * @param vaeDecoder vae_decoder/model.onnx
 * @param schedulerConfig scheduler/scheduler_config.json
 * @param tokenizerDir tokenizer/ (vocab.json, merges.txt)
 * @param vaeScalingFactor latents are divided by this before the VAE decoder
 * @param unetSizeMultiple image width and height must be multiples of this many pixels for the UNet
 *     (see above); a multiple of {@value #PIXELS_PER_LATENT}
 * @param notes facts an operator may want in the start-up log (defaults applied)
 */
public record ModelFolder(
        Path root,
        String name,
        String pipelineClass,
        Path textEncoder,
        Path unet,
        Path vaeDecoder,
        Path schedulerConfig,
        Path tokenizerDir,
        float vaeScalingFactor,
        int unetSizeMultiple,
        List<String> notes) {

    /** SD 1.x's VAE scaling factor; diffusers' OnnxStableDiffusionPipeline hard-codes it. */
    public static final float DEFAULT_VAE_SCALING_FACTOR = 0.18215f;

    /**
     * SD 1.x's (and 2.x's) UNet size multiple in pixels: 3 down-samplings of 8-pixel latents. Used when
     * unet/config.json is absent or has no block_out_channels.
     */
    public static final int DEFAULT_UNET_SIZE_MULTIPLE = 64;

    /** Pixels per latent element along a side: Stable Diffusion's VAE down-samples 3 times (2^3). */
    public static final int PIXELS_PER_LATENT = 8;

    /** The most UNet down-samplings accepted from a config (8 → 2048-pixel multiples, the contract's largest side). */
    static final int MAX_UNET_DOWNSAMPLINGS = 8;

    /** The files a folder must have, relative to its root, and what each one is. */
    static final List<RequiredFile> REQUIRED_FILES = List.of(
            new RequiredFile("model_index.json", "the pipeline index that diffusers' save_pretrained writes"),
            new RequiredFile("tokenizer/vocab.json", "the CLIP BPE vocabulary (token -> id)"),
            new RequiredFile("tokenizer/merges.txt", "the CLIP BPE merge list"),
            new RequiredFile("text_encoder/model.onnx", "the CLIP text encoder ONNX model (input_ids -> last_hidden_state)"),
            new RequiredFile("unet/model.onnx", "the UNet ONNX model (sample, timestep, encoder_hidden_states -> out_sample)"),
            new RequiredFile("vae_decoder/model.onnx", "the VAE decoder ONNX model (latent_sample -> sample)"),
            new RequiredFile("scheduler/scheduler_config.json", "the noise scheduler's configuration"));

    static final String VAE_CONFIG = "vae_decoder/config.json";
    static final String VAE_ENCODER = "vae_encoder/model.onnx";
    static final String UNET_CONFIG = "unet/config.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelFolder {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pipelineClass, "pipelineClass");
        Objects.requireNonNull(textEncoder, "textEncoder");
        Objects.requireNonNull(unet, "unet");
        Objects.requireNonNull(vaeDecoder, "vaeDecoder");
        Objects.requireNonNull(schedulerConfig, "schedulerConfig");
        Objects.requireNonNull(tokenizerDir, "tokenizerDir");
        if (!(vaeScalingFactor > 0) || Float.isInfinite(vaeScalingFactor)) {
            throw new IllegalArgumentException("vaeScalingFactor must be positive and finite: " + vaeScalingFactor);
        }
        if (unetSizeMultiple < PIXELS_PER_LATENT || unetSizeMultiple % PIXELS_PER_LATENT != 0) {
            throw new IllegalArgumentException("unetSizeMultiple must be a positive multiple of " + PIXELS_PER_LATENT
                    + ": " + unetSizeMultiple);
        }
        notes = List.copyOf(notes);
    }

    /**
     * Validates the layout of {@code root} and records where each part is.
     *
     * @throws ModelLoadException naming every missing file and what it is, or the JSON file that
     *     cannot be parsed and what was expected in it
     */
    public static ModelFolder load(Path root) throws ModelLoadException {
        Objects.requireNonNull(root, "root");
        Path dir = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException("model folder " + dir + " does not exist or is not a directory; expected "
                    + "a Stable Diffusion model in diffusers' ONNX export layout (model_index.json, tokenizer/, "
                    + "text_encoder/, unet/, vae_decoder/, scheduler/)");
        }
        List<String> missing = new ArrayList<>();
        for (RequiredFile file : REQUIRED_FILES) {
            if (!Files.isRegularFile(dir.resolve(file.relativePath()))) {
                missing.add(file.relativePath() + " (" + file.whatItIs() + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new ModelLoadException("model folder " + dir + " is not a complete diffusers ONNX export; missing: "
                    + String.join("; ", missing));
        }
        JsonNode index = readJsonObject(dir.resolve("model_index.json"), "the pipeline index");
        readJsonObject(dir.resolve("scheduler/scheduler_config.json"), "the scheduler configuration");
        String pipelineClass = index.path("_class_name").asText("unknown");

        List<String> notes = new ArrayList<>();
        float scalingFactor = readScalingFactor(dir, notes);
        int sizeMultiple = readUNetSizeMultiple(dir, notes);
        Path name = dir.getFileName();
        return new ModelFolder(dir, name == null ? dir.toString() : name.toString(), pipelineClass,
                dir.resolve("text_encoder/model.onnx"), dir.resolve("unet/model.onnx"),
                dir.resolve("vae_decoder/model.onnx"), dir.resolve("scheduler/scheduler_config.json"),
                dir.resolve("tokenizer"), scalingFactor, sizeMultiple, notes);
    }

    /**
     * vae_encoder/model.onnx when the folder has one (img2img and inpainting need it; txt2img does not), checked
     * when called. optimum's exports have it; diffusers' older ONNX script wrote one too, with in-graph sampling.
     */
    public Optional<Path> vaeEncoder() {
        Path file = root.resolve(VAE_ENCODER);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /** tokenizer/vocab.json. */
    public Path vocabFile() {
        return tokenizerDir.resolve("vocab.json");
    }

    /** tokenizer/merges.txt. */
    public Path mergesFile() {
        return tokenizerDir.resolve("merges.txt");
    }

    private static float readScalingFactor(Path dir, List<String> notes) throws ModelLoadException {
        Path config = dir.resolve(VAE_CONFIG);
        if (!Files.isRegularFile(config)) {
            notes.add(VAE_CONFIG + " is absent: using SD 1.x's VAE scaling factor " + DEFAULT_VAE_SCALING_FACTOR
                    + ", as diffusers' OnnxStableDiffusionPipeline does");
            return DEFAULT_VAE_SCALING_FACTOR;
        }
        JsonNode node = readJsonObject(config, "the VAE configuration").get("scaling_factor");
        if (node == null || node.isNull()) {
            notes.add(VAE_CONFIG + " has no scaling_factor: using SD 1.x's " + DEFAULT_VAE_SCALING_FACTOR);
            return DEFAULT_VAE_SCALING_FACTOR;
        }
        double value = node.asDouble(Double.NaN);
        if (!node.isNumber() || !(value > 0) || Double.isInfinite(value)) {
            throw new ModelLoadException(config + ": scaling_factor must be a positive number (SD 1.x: 0.18215), "
                    + "found " + node);
        }
        notes.add("VAE scaling factor " + value + " from " + VAE_CONFIG);
        return (float) value;
    }

    /** The UNet's size multiple in pixels from unet/config.json's block_out_channels (see the class comment). */
    private static int readUNetSizeMultiple(Path dir, List<String> notes) throws ModelLoadException {
        Path config = dir.resolve(UNET_CONFIG);
        if (!Files.isRegularFile(config)) {
            notes.add(UNET_CONFIG + " is absent: assuming SD 1.x's UNet, which takes image sides that are multiples of "
                    + DEFAULT_UNET_SIZE_MULTIPLE + " pixels");
            return DEFAULT_UNET_SIZE_MULTIPLE;
        }
        JsonNode blocks = readJsonObject(config, "the UNet configuration").get("block_out_channels");
        if (blocks == null || blocks.isNull()) {
            notes.add(UNET_CONFIG + " has no block_out_channels: assuming SD 1.x's size multiple of "
                    + DEFAULT_UNET_SIZE_MULTIPLE + " pixels");
            return DEFAULT_UNET_SIZE_MULTIPLE;
        }
        if (!blocks.isArray() || blocks.isEmpty() || blocks.size() - 1 > MAX_UNET_DOWNSAMPLINGS) {
            throw new ModelLoadException(config + ": block_out_channels must be a list of 1 to "
                    + (MAX_UNET_DOWNSAMPLINGS + 1) + " channel counts (SD 1.x: [320, 640, 1280, 1280]), found " + blocks);
        }
        int downsamplings = blocks.size() - 1;
        int multiple = PIXELS_PER_LATENT << downsamplings;
        notes.add("UNet size multiple " + multiple + " pixels (" + downsamplings + " down-samplings, from "
                + UNET_CONFIG + " block_out_channels)");
        return multiple;
    }

    private static JsonNode readJsonObject(Path file, String whatItIs) throws ModelLoadException {
        JsonNode node;
        try {
            node = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelLoadException(file + " (" + whatItIs + ") is not valid JSON: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new ModelLoadException(file + " (" + whatItIs + ") must hold a JSON object, found "
                    + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase()));
        }
        return node;
    }

    /** One file of the layout: where it is and what it is (for messages). */
    record RequiredFile(String relativePath, String whatItIs) {}
}
