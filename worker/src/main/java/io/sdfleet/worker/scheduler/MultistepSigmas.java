package io.sdfleet.worker.scheduler;

/**
 * The integer timesteps and noise levels of the multistep solvers (DPM-Solver++, UniPC), laid out as their
 * diffusers {@code set_timesteps} does: timesteps by {@link TimestepSpacing#multistep}, sigmas read from the
 * training sigmas at those timesteps or, with Karras sigmas, spaced over the whole training range with the
 * timesteps mapped back and rounded (half to even), then a final sigma appended, all stored as float32.
 *
 * @param timesteps integer timesteps held as doubles, one per step
 * @param sigmas float32 noise levels, one per step plus the final one
 */
record MultistepSigmas(double[] timesteps, float[] sigmas) {

    /**
     * @param lastTimestep the end of the usable schedule (N unless clipped by lambda_min_clipped)
     * @param finalSigma the appended last sigma
     * @param karrasFinalIsLastSigma with Karras sigmas, append the last Karras sigma instead (UniPC's
     *     {@code final_sigmas_type=sigma_min})
     */
    static MultistepSigmas layOut(TrainingNoiseSchedule schedule, TimestepSpacing spacing, SchedulerConfig config,
            int n, int lastTimestep, float finalSigma, boolean karrasFinalIsLastSigma) {
        double[] timesteps = spacing.multistep(lastTimestep, config.numTrainTimesteps(), n, config.stepsOffset());
        float[] trainingSigmas = schedule.sigmas();
        double[] sigmas = new double[timesteps.length];
        float last = finalSigma;
        if (config.useKarrasSigmas()) {
            sigmas = KarrasSigmas.between(trainingSigmas[0], trainingSigmas[trainingSigmas.length - 1], n);
            float[] logSigmas = KarrasSigmas.logOf(trainingSigmas);
            timesteps = new double[sigmas.length];
            for (int i = 0; i < sigmas.length; i++) {
                timesteps[i] = Math.rint(KarrasSigmas.timestepOf(sigmas[i], logSigmas));
            }
            if (karrasFinalIsLastSigma) {
                last = (float) sigmas[sigmas.length - 1];
            }
        } else {
            for (int i = 0; i < sigmas.length; i++) {
                sigmas[i] = NumpyCompat.interp(timesteps[i], trainingSigmas);
            }
        }
        float[] out = new float[sigmas.length + 1];
        for (int i = 0; i < sigmas.length; i++) {
            out[i] = (float) sigmas[i];
        }
        out[sigmas.length] = last;
        return new MultistepSigmas(timesteps, out);
    }

    /** The same without the UniPC special case (DPM-Solver). */
    static MultistepSigmas layOut(TrainingNoiseSchedule schedule, TimestepSpacing spacing, SchedulerConfig config,
            int n, int lastTimestep, float finalSigma) {
        return layOut(schedule, spacing, config, n, lastTimestep, finalSigma, false);
    }
}
