package io.sdfleet.worker.scheduler;

import java.util.Optional;

/**
 * Ancestral sampling with Euler steps (k-diffusion's {@code sample_euler_ancestral}), diffusers'
 * {@code EulerAncestralDiscreteScheduler}: an Euler step down to sigma_down, then fresh noise of size
 * sigma_up, where sigma_up^2 + sigma_down^2 = sigma_next^2.
 *
 * <p>Each step draws one noise array from the {@link NoiseSource} (also the last step, whose sigma_up is 0,
 * because diffusers draws it there too and the generator's position must match). Config read here: training
 * schedule, {@code timestep_spacing} (default linspace), {@code steps_offset}, {@code prediction_type}
 * (epsilon, v_prediction; diffusers does not implement sample). diffusers' class has no Karras option, so
 * {@code use_karras_sigmas} is ignored as diffusers ignores it.
 */
public final class EulerAncestralScheduler extends SigmaScheduler {

    public EulerAncestralScheduler(SchedulerConfig config) {
        super(config);
        prediction.requireOneOf(name(), PredictionType.EPSILON, PredictionType.V_PREDICTION);
    }

    @Override
    public String name() {
        return "EulerAncestralDiscreteScheduler";
    }

    @Override
    protected SigmaTimesteps sigmaLayout(int n) {
        return SigmaTimesteps.layOut(schedule, spacing, config, n, false, Optional.empty(), Optional.empty(), 0f);
    }

    @Override
    protected float[] doStep(float[] modelOutput, int stepIndex, float[] sample, NoiseSource noise) {
        float sigmaFrom = sigmaTable()[stepIndex];
        float sigmaTo = sigmaTable()[stepIndex + 1];
        float sigmaUp = (float) Math.sqrt(sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo)
                / (sigmaFrom * sigmaFrom));
        float sigmaDown = (float) Math.sqrt(sigmaTo * sigmaTo - sigmaUp * sigmaUp);
        float[] prev = eulerStep(modelOutput, sample, sigmaFrom, sigmaDown);
        float[] noiseValues = drawNoise(noise, sample);
        for (int i = 0; i < prev.length; i++) {
            prev[i] = prev[i] + noiseValues[i] * sigmaUp;
        }
        return prev;
    }
}
