package io.sdfleet.worker.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The settings of a scheduler, read from a diffusers {@code scheduler_config.json}.
 *
 * <p>Why one record for all schedulers: a model ships one config file (written for its default scheduler,
 * e.g. PNDM for SD 1.5) and any scheduler may be built from it, as diffusers' {@code from_config} does when
 * a pipeline swaps schedulers. Keys a scheduler does not accept are simply not read by it, and keys nobody
 * knows are ignored. Where diffusers' defaults differ between classes ({@code timestep_spacing},
 * {@code set_alpha_to_one}, {@code clip_sample}, {@code solver_type}), the field is empty when the key is
 * absent and each scheduler applies its class default. Values are checked by the scheduler that uses them:
 * an unsupported value there is an {@link UnsupportedSchedulerConfigException}; a value of the wrong JSON
 * type is one already here.
 *
 * <p>Two fields are not {@code __init__} keys in diffusers but arguments of {@code step()}: {@code eta}
 * (DDIM) and {@code order} (LMS). They are read from the same JSON so that a deployment can set them.
 *
 * @param numTrainTimesteps {@code num_train_timesteps}: length of the training noise schedule; default 1000
 * @param betaStart {@code beta_start}: first beta; default 0.0001
 * @param betaEnd {@code beta_end}: last beta; default 0.02
 * @param betaSchedule {@code beta_schedule}: linear, scaled_linear or squaredcos_cap_v2; default linear
 * @param trainedBetas {@code trained_betas}: explicit betas overriding the schedule; empty by default
 * @param stepsOffset {@code steps_offset}: added to "leading" timesteps; default 0
 * @param timestepSpacing {@code timestep_spacing}: leading, trailing or linspace; class default when empty
 * @param predictionType {@code prediction_type}: epsilon, v_prediction or sample; default epsilon
 * @param setAlphaToOne {@code set_alpha_to_one} (DDIM, PNDM): final alpha product is 1; class default when empty
 * @param clipSample {@code clip_sample} (DDIM): clamp predicted x0; class default when empty
 * @param clipSampleRange {@code clip_sample_range} (DDIM): clamp bound; default 1.0
 * @param skipPrkSteps {@code skip_prk_steps} (PNDM): PLMS only; default false (only true is supported)
 * @param thresholding {@code thresholding}: dynamic thresholding; default false (true is not supported)
 * @param rescaleBetasZeroSnr {@code rescale_betas_zero_snr}: default false (true is not supported)
 * @param solverOrder {@code solver_order} (DPM, UniPC): default 2
 * @param algorithmType {@code algorithm_type} (DPM): default dpmsolver++
 * @param solverType {@code solver_type} (DPM: midpoint/heun, UniPC: bh1/bh2); class default when empty
 * @param lowerOrderFinal {@code lower_order_final} (DPM, UniPC): default true
 * @param eulerAtFinal {@code euler_at_final} (DPM): default false
 * @param useKarrasSigmas {@code use_karras_sigmas} (Euler, LMS, DPM, UniPC): default false
 * @param finalSigmasType {@code final_sigmas_type} (Euler, DPM, UniPC): zero or sigma_min; default zero
 * @param lambdaMinClipped {@code lambda_min_clipped} (DPM): may be the string "-inf"; default -infinity
 * @param varianceType {@code variance_type} (DPM): only empty (null) is supported
 * @param predictX0 {@code predict_x0} (UniPC): default true (false is not supported)
 * @param disableCorrector {@code disable_corrector} (UniPC): step indices without corrector; default none
 * @param solverP {@code solver_p} (UniPC): present when not null (not supported)
 * @param sigmaMin {@code sigma_min} (Euler, Karras sigmas): empty = smallest schedule sigma
 * @param sigmaMax {@code sigma_max} (Euler, Karras sigmas): empty = largest schedule sigma
 * @param interpolationType {@code interpolation_type} (Euler): default linear (only linear is supported)
 * @param timestepType {@code timestep_type} (Euler): default discrete (only discrete is supported)
 * @param useExponentialSigmas {@code use_exponential_sigmas}: default false (true is not supported)
 * @param useBetaSigmas {@code use_beta_sigmas}: default false (true is not supported)
 * @param useLuLambdas {@code use_lu_lambdas} (DPM): default false (true is not supported)
 * @param useFlowSigmas {@code use_flow_sigmas}: default false (true is not supported)
 * @param useDynamicShifting {@code use_dynamic_shifting}: default false (true is not supported)
 * @param eta {@code eta}, diffusers' DDIM {@code step(eta=...)}: noise weight, 0 = deterministic; default 0
 * @param lmsOrder {@code order}, diffusers' LMS {@code step(order=...)}: multistep order 1..4; default 4
 */
public record SchedulerConfig(
        int numTrainTimesteps,
        double betaStart,
        double betaEnd,
        String betaSchedule,
        Optional<double[]> trainedBetas,
        int stepsOffset,
        Optional<String> timestepSpacing,
        String predictionType,
        Optional<Boolean> setAlphaToOne,
        Optional<Boolean> clipSample,
        double clipSampleRange,
        boolean skipPrkSteps,
        boolean thresholding,
        boolean rescaleBetasZeroSnr,
        int solverOrder,
        String algorithmType,
        Optional<String> solverType,
        boolean lowerOrderFinal,
        boolean eulerAtFinal,
        boolean useKarrasSigmas,
        String finalSigmasType,
        double lambdaMinClipped,
        Optional<String> varianceType,
        boolean predictX0,
        int[] disableCorrector,
        boolean solverP,
        Optional<Double> sigmaMin,
        Optional<Double> sigmaMax,
        String interpolationType,
        String timestepType,
        boolean useExponentialSigmas,
        boolean useBetaSigmas,
        boolean useLuLambdas,
        boolean useFlowSigmas,
        boolean useDynamicShifting,
        double eta,
        int lmsOrder) {

    public static final int DEFAULT_NUM_TRAIN_TIMESTEPS = 1000;
    public static final double DEFAULT_BETA_START = 0.0001;
    public static final double DEFAULT_BETA_END = 0.02;
    public static final String DEFAULT_BETA_SCHEDULE = "linear";
    public static final int DEFAULT_STEPS_OFFSET = 0;
    public static final String DEFAULT_PREDICTION_TYPE = "epsilon";
    public static final double DEFAULT_CLIP_SAMPLE_RANGE = 1.0;
    public static final int DEFAULT_SOLVER_ORDER = 2;
    public static final String DEFAULT_ALGORITHM_TYPE = "dpmsolver++";
    public static final String DEFAULT_FINAL_SIGMAS_TYPE = "zero";
    public static final String DEFAULT_INTERPOLATION_TYPE = "linear";
    public static final String DEFAULT_TIMESTEP_TYPE = "discrete";
    public static final double DEFAULT_ETA = 0.0;
    public static final int DEFAULT_LMS_ORDER = 4;

    private static final ObjectMapper JSON = new ObjectMapper();

    public SchedulerConfig {
        trainedBetas = trainedBetas.map(double[]::clone);
        disableCorrector = disableCorrector.clone();
    }

    /** Every key absent: diffusers' class defaults. */
    public static SchedulerConfig defaults() {
        return fromJson(JSON.createObjectNode());
    }

    /** Parses the text of a scheduler_config.json. */
    public static SchedulerConfig parse(String json) {
        try {
            return fromJson(JSON.readTree(json));
        } catch (IOException e) {
            throw new UnsupportedSchedulerConfigException("<document>", "<not JSON>", e.getMessage());
        }
    }

    /** Reads a scheduler_config.json file. */
    public static SchedulerConfig read(Path file) {
        JsonNode tree;
        try {
            tree = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read scheduler config " + file, e);
        }
        return fromJson(tree);
    }

    /** Builds the config from a parsed JSON object; unknown keys are ignored. */
    public static SchedulerConfig fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new UnsupportedSchedulerConfigException("<document>", node, "a JSON object is expected");
        }
        ConfigReader r = new ConfigReader((ObjectNode) node);
        return new SchedulerConfig(
                r.integer("num_train_timesteps", DEFAULT_NUM_TRAIN_TIMESTEPS),
                r.number("beta_start", DEFAULT_BETA_START),
                r.number("beta_end", DEFAULT_BETA_END),
                r.text("beta_schedule", DEFAULT_BETA_SCHEDULE),
                r.numbers("trained_betas"),
                r.integer("steps_offset", DEFAULT_STEPS_OFFSET),
                r.optionalText("timestep_spacing"),
                r.text("prediction_type", DEFAULT_PREDICTION_TYPE),
                r.optionalBoolean("set_alpha_to_one"),
                r.optionalBoolean("clip_sample"),
                r.number("clip_sample_range", DEFAULT_CLIP_SAMPLE_RANGE),
                r.bool("skip_prk_steps", false),
                r.bool("thresholding", false),
                r.bool("rescale_betas_zero_snr", false),
                r.integer("solver_order", DEFAULT_SOLVER_ORDER),
                r.text("algorithm_type", DEFAULT_ALGORITHM_TYPE),
                r.optionalText("solver_type"),
                r.bool("lower_order_final", true),
                r.bool("euler_at_final", false),
                r.bool("use_karras_sigmas", false),
                r.text("final_sigmas_type", DEFAULT_FINAL_SIGMAS_TYPE),
                r.number("lambda_min_clipped", Double.NEGATIVE_INFINITY),
                r.optionalText("variance_type"),
                r.bool("predict_x0", true),
                r.integers("disable_corrector"),
                r.present("solver_p"),
                r.optionalNumber("sigma_min"),
                r.optionalNumber("sigma_max"),
                r.text("interpolation_type", DEFAULT_INTERPOLATION_TYPE),
                r.text("timestep_type", DEFAULT_TIMESTEP_TYPE),
                r.bool("use_exponential_sigmas", false),
                r.bool("use_beta_sigmas", false),
                r.bool("use_lu_lambdas", false),
                r.bool("use_flow_sigmas", false),
                r.bool("use_dynamic_shifting", false),
                r.number("eta", DEFAULT_ETA),
                r.integer("order", DEFAULT_LMS_ORDER));
    }

    /** The betas given by {@code trained_betas}, if any (a copy). */
    @Override
    public Optional<double[]> trainedBetas() {
        return trainedBetas.map(double[]::clone);
    }

    /** The step indices given by {@code disable_corrector} (a copy). */
    @Override
    public int[] disableCorrector() {
        return disableCorrector.clone();
    }

    /** This config with {@code use_karras_sigmas} replaced (the dpmpp-2m / dpmpp-2m-karras variants). */
    public SchedulerConfig withUseKarrasSigmas(boolean value) {
        return new SchedulerConfig(numTrainTimesteps, betaStart, betaEnd, betaSchedule, trainedBetas, stepsOffset,
                timestepSpacing, predictionType, setAlphaToOne, clipSample, clipSampleRange, skipPrkSteps,
                thresholding, rescaleBetasZeroSnr, solverOrder, algorithmType, solverType, lowerOrderFinal,
                eulerAtFinal, value, finalSigmasType, lambdaMinClipped, varianceType, predictX0,
                disableCorrector, solverP, sigmaMin, sigmaMax, interpolationType, timestepType,
                useExponentialSigmas, useBetaSigmas, useLuLambdas, useFlowSigmas, useDynamicShifting, eta,
                lmsOrder);
    }

    /** This config with {@code algorithm_type} and {@code solver_order} replaced (DPM++ 2M variants). */
    public SchedulerConfig withDpmSolver(String newAlgorithmType, int newSolverOrder) {
        return new SchedulerConfig(numTrainTimesteps, betaStart, betaEnd, betaSchedule, trainedBetas, stepsOffset,
                timestepSpacing, predictionType, setAlphaToOne, clipSample, clipSampleRange, skipPrkSteps,
                thresholding, rescaleBetasZeroSnr, newSolverOrder, newAlgorithmType, solverType,
                lowerOrderFinal, eulerAtFinal, useKarrasSigmas, finalSigmasType, lambdaMinClipped, varianceType,
                predictX0, disableCorrector, solverP, sigmaMin, sigmaMax, interpolationType, timestepType,
                useExponentialSigmas, useBetaSigmas, useLuLambdas, useFlowSigmas, useDynamicShifting, eta,
                lmsOrder);
    }

    /** This config with DDIM's {@code eta} replaced. */
    public SchedulerConfig withEta(double newEta) {
        return new SchedulerConfig(numTrainTimesteps, betaStart, betaEnd, betaSchedule, trainedBetas, stepsOffset,
                timestepSpacing, predictionType, setAlphaToOne, clipSample, clipSampleRange, skipPrkSteps,
                thresholding, rescaleBetasZeroSnr, solverOrder, algorithmType, solverType, lowerOrderFinal,
                eulerAtFinal, useKarrasSigmas, finalSigmasType, lambdaMinClipped, varianceType, predictX0,
                disableCorrector, solverP, sigmaMin, sigmaMax, interpolationType, timestepType,
                useExponentialSigmas, useBetaSigmas, useLuLambdas, useFlowSigmas, useDynamicShifting, newEta,
                lmsOrder);
    }

    /** The timestep spacing, or {@code classDefault} when the key is absent. */
    TimestepSpacing spacingOr(TimestepSpacing classDefault) {
        return timestepSpacing.map(TimestepSpacing::parse).orElse(classDefault);
    }

    /** Throws when a switch this implementation does not support is on (shared by every scheduler). */
    void rejectUnsupportedCommonOptions() {
        rejectIfTrue("thresholding", thresholding);
        rejectIfTrue("rescale_betas_zero_snr", rescaleBetasZeroSnr);
        rejectIfTrue("use_exponential_sigmas", useExponentialSigmas);
        rejectIfTrue("use_beta_sigmas", useBetaSigmas);
        rejectIfTrue("use_flow_sigmas", useFlowSigmas);
        rejectIfTrue("use_dynamic_shifting", useDynamicShifting);
        if (numTrainTimesteps < 2) {
            throw new UnsupportedSchedulerConfigException("num_train_timesteps", numTrainTimesteps,
                    "must be at least 2");
        }
    }

    static void rejectIfTrue(String key, boolean value) {
        if (value) {
            throw new UnsupportedSchedulerConfigException(key, true, "only false is supported");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SchedulerConfig other && toString().equals(other.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "SchedulerConfig[num_train_timesteps=" + numTrainTimesteps + ", beta_start=" + betaStart
                + ", beta_end=" + betaEnd + ", beta_schedule=" + betaSchedule + ", trained_betas="
                + trainedBetas.map(Arrays::toString).orElse("null") + ", steps_offset=" + stepsOffset
                + ", timestep_spacing=" + timestepSpacing.orElse("<class default>") + ", prediction_type="
                + predictionType + ", set_alpha_to_one=" + setAlphaToOne.map(String::valueOf).orElse("<default>")
                + ", clip_sample=" + clipSample.map(String::valueOf).orElse("<default>") + ", clip_sample_range="
                + clipSampleRange + ", skip_prk_steps=" + skipPrkSteps + ", thresholding=" + thresholding
                + ", rescale_betas_zero_snr=" + rescaleBetasZeroSnr + ", solver_order=" + solverOrder
                + ", algorithm_type=" + algorithmType + ", solver_type=" + solverType.orElse("<default>")
                + ", lower_order_final=" + lowerOrderFinal + ", euler_at_final=" + eulerAtFinal
                + ", use_karras_sigmas=" + useKarrasSigmas + ", final_sigmas_type=" + finalSigmasType
                + ", lambda_min_clipped=" + lambdaMinClipped + ", variance_type=" + varianceType.orElse("null")
                + ", predict_x0=" + predictX0 + ", disable_corrector=" + Arrays.toString(disableCorrector)
                + ", solver_p=" + (solverP ? "<set>" : "null") + ", sigma_min=" + sigmaMin.orElse(null)
                + ", sigma_max=" + sigmaMax.orElse(null) + ", interpolation_type=" + interpolationType
                + ", timestep_type=" + timestepType + ", use_exponential_sigmas=" + useExponentialSigmas
                + ", use_beta_sigmas=" + useBetaSigmas + ", use_lu_lambdas=" + useLuLambdas
                + ", use_flow_sigmas=" + useFlowSigmas + ", use_dynamic_shifting=" + useDynamicShifting
                + ", eta=" + eta + ", order=" + lmsOrder + "]";
    }

    /** Typed access to one JSON object; a wrong type is an exception naming the key. */
    private record ConfigReader(ObjectNode node) {

        private JsonNode value(String key) {
            JsonNode v = node.get(key);
            return v == null || v.isNull() ? null : v;
        }

        int integer(String key, int dflt) {
            JsonNode v = value(key);
            if (v == null) {
                return dflt;
            }
            if (v.isIntegralNumber() && v.canConvertToInt()) {
                return v.intValue();
            }
            if (v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue())
                    && Math.abs(v.doubleValue()) <= Integer.MAX_VALUE) {
                return (int) v.doubleValue();
            }
            throw new UnsupportedSchedulerConfigException(key, v, "an integer is expected");
        }

        double number(String key, double dflt) {
            return optionalNumber(key).orElse(dflt);
        }

        Optional<Double> optionalNumber(String key) {
            JsonNode v = value(key);
            if (v == null) {
                return Optional.empty();
            }
            if (v.isNumber()) {
                return Optional.of(v.doubleValue());
            }
            if (v.isTextual()) {
                // diffusers writes float("-inf") as the string "-inf" (JSON has no infinities)
                switch (v.textValue().strip().toLowerCase(Locale.ROOT)) {
                    case "-inf", "-infinity" -> {
                        return Optional.of(Double.NEGATIVE_INFINITY);
                    }
                    case "inf", "+inf", "infinity" -> {
                        return Optional.of(Double.POSITIVE_INFINITY);
                    }
                    default -> {
                        // fall through to the error below
                    }
                }
            }
            throw new UnsupportedSchedulerConfigException(key, v, "a number is expected");
        }

        String text(String key, String dflt) {
            return optionalText(key).orElse(dflt);
        }

        Optional<String> optionalText(String key) {
            JsonNode v = value(key);
            if (v == null) {
                return Optional.empty();
            }
            if (!v.isTextual()) {
                throw new UnsupportedSchedulerConfigException(key, v, "a string is expected");
            }
            return Optional.of(v.textValue());
        }

        boolean bool(String key, boolean dflt) {
            return optionalBoolean(key).orElse(dflt);
        }

        Optional<Boolean> optionalBoolean(String key) {
            JsonNode v = value(key);
            if (v == null) {
                return Optional.empty();
            }
            if (!v.isBoolean()) {
                throw new UnsupportedSchedulerConfigException(key, v, "true or false is expected");
            }
            return Optional.of(v.booleanValue());
        }

        boolean present(String key) {
            return value(key) != null;
        }

        Optional<double[]> numbers(String key) {
            JsonNode v = value(key);
            if (v == null) {
                return Optional.empty();
            }
            if (!v.isArray()) {
                throw new UnsupportedSchedulerConfigException(key, v, "an array of numbers is expected");
            }
            double[] out = new double[v.size()];
            for (int i = 0; i < out.length; i++) {
                if (!v.get(i).isNumber()) {
                    throw new UnsupportedSchedulerConfigException(key, v.get(i), "an array of numbers is expected");
                }
                out[i] = v.get(i).doubleValue();
            }
            return Optional.of(out);
        }

        int[] integers(String key) {
            JsonNode v = value(key);
            if (v == null) {
                return new int[0];
            }
            if (!v.isArray()) {
                throw new UnsupportedSchedulerConfigException(key, v, "an array of integers is expected");
            }
            int[] out = new int[v.size()];
            for (int i = 0; i < out.length; i++) {
                if (!v.get(i).isIntegralNumber()) {
                    throw new UnsupportedSchedulerConfigException(key, v.get(i), "an array of integers is expected");
                }
                out[i] = v.get(i).intValue();
            }
            return out;
        }
    }
}
