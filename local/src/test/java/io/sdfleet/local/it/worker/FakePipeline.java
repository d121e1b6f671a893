package io.sdfleet.local.it.worker;

import io.sdfleet.worker.pipeline.PipelineSettings;
import io.sdfleet.worker.pipeline.StableDiffusionPipeline;
import io.sdfleet.worker.runtime.sim.DeviceProfile;
import io.sdfleet.worker.runtime.sim.SimulatedDevice;
import java.time.Duration;

/**
 * The real pipeline over the simulated device ({@link SimulatedDevice}) with a fixed device time per UNet call,
 * for the delivery tests: deterministic images (the same request gives the same bytes, different ones differ),
 * real schedulers and PNGs, and a device as slow as a test needs. A request of
 * {@link WorkerScenario#request} (64x64, 2 PNDM steps) takes three UNet calls.
 *
 * <p>A job that fails for its own reasons: any size that is not a multiple of 64 px fails UNSUPPORTED_SIZE.
 */
public final class FakePipeline {

    public static final String PROFILE = "test";
    /** The model name completions report. */
    public static final String MODEL = "sim-" + PROFILE;
    /** The runtime identity completions report. */
    public static final String RUNTIME = "sim/" + PROFILE;

    private final SimulatedDevice device;
    private final StableDiffusionPipeline pipeline;

    /**
     * @param unetCall       device time of every UNet call
     * @param maxBatchImages most images sharing one call
     */
    public FakePipeline(Duration unetCall, int maxBatchImages) {
        this.device = new SimulatedDevice(DeviceProfile.fixed(PROFILE, unetCall, 2 * maxBatchImages));
        this.pipeline = device.pipeline(PipelineSettings.defaults().withMaxBatchImages(maxBatchImages));
    }

    public StableDiffusionPipeline pipeline() {
        return pipeline;
    }

    /** UNet calls so far (the warm-up's included). */
    public long unetCalls() {
        return device.unetCalls();
    }
}
