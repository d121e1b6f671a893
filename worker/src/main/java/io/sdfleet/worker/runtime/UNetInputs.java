package io.sdfleet.worker.runtime;

/** Checks of UNet call arguments shared by the runtimes. */
final class UNetInputs {
    private UNetInputs() {}

    /** Rejects a timestep array that does not hold one value per item. */
    static void requireTimesteps(float[] timesteps, int batch) {
        if (timesteps == null || timesteps.length != batch) {
            throw new IllegalArgumentException("timesteps has " + (timesteps == null ? "no" : timesteps.length)
                    + " values, expected one per item (" + batch + ")");
        }
    }

    /** The hidden size D implied by {@code [batch, 77, D]} text states; rejects other lengths. */
    static int hiddenSize(float[] encoderHiddenStates, int batch) {
        long perItem = (long) batch * TextEncoderRuntime.SEQUENCE_LENGTH;
        if (batch <= 0 || encoderHiddenStates.length == 0 || encoderHiddenStates.length % perItem != 0) {
            throw new IllegalArgumentException("encoderHiddenStates has " + encoderHiddenStates.length
                    + " values, not a multiple of batch " + batch + " x " + TextEncoderRuntime.SEQUENCE_LENGTH);
        }
        return (int) (encoderHiddenStates.length / perItem);
    }
}
