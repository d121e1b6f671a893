package io.sdfleet.worker.runtime.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.common.tokenizer.ClipTokenizer;
import io.sdfleet.worker.pipeline.PipelineSettings;
import io.sdfleet.worker.pipeline.StableDiffusionPipeline;
import io.sdfleet.worker.runtime.LatentSize;
import io.sdfleet.worker.runtime.sim.SimulatedDevice.Call;
import io.sdfleet.worker.runtime.sim.SimulatedDevice.Kind;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The call log names, for every UNet item, the prompt its text states came from (the serving ledger needs it). */
class SimulatedDeviceCallLogTest {

    private static final ClipTokenizer TOKENIZER = ClipTokenizer.bundled();

    @Test
    void everyUNetItemIsTracedToThePromptRowItsStatesWereEncodedFrom() throws Exception {
        SimulatedDevice device = new SimulatedDevice(DeviceProfile.fixed("t", Duration.ZERO, 16));
        try (StableDiffusionPipeline pipeline = device.pipeline(PipelineSettings.defaults())) {
            assertTrue(device.callLog().isEmpty(), "off until started");
            device.startCallLog();
            pipeline.generate(List.of(
                    JobRequest.builder("a red boat").seed(1L).size(64, 64).steps(2).scheduler(SchedulerName.EULER)
                            .guidanceScale(7.5).build(),
                    JobRequest.builder("a blue house").seed(2L).size(64, 64).steps(2).scheduler(SchedulerName.EULER)
                            .guidanceScale(1).build()));
        }
        List<Call> log = device.callLog();
        int[] red = TOKENIZER.tokenize("a red boat").inputIds();
        int[] blue = TOKENIZER.tokenize("a blue house").inputIds();
        int[] empty = TOKENIZER.tokenize("").inputIds();
        Call text = log.get(0);
        assertEquals(Kind.TEXT_ENCODER, text.kind());
        assertEquals(3, text.items(), "the prompt, the empty negative prompt, the other prompt");
        List<Call> unet = log.stream().filter(c -> c.kind() == Kind.UNET).toList();
        assertEquals(2, unet.size(), "two steps, both jobs in each call");
        for (Call c : unet) {
            assertEquals(new LatentSize(8, 8), c.size());
            assertEquals(3, c.items());
            // diffusers' order: the guided images' unconditional items, then every image's conditional one
            assertArrayEquals(empty, c.rows().get(0));
            assertArrayEquals(red, c.rows().get(1));
            assertArrayEquals(blue, c.rows().get(2));
        }
        assertEquals(2, log.stream().filter(c -> c.kind() == Kind.VAE).mapToInt(Call::items).sum());
    }

    @Test
    void statesTheDeviceDidNotEncodeWhileLoggingHaveNoRow() {
        SimulatedDevice device = new SimulatedDevice(DeviceProfile.fixed("t", Duration.ZERO, 16));
        device.startCallLog();
        int item = 4 * 8 * 8;
        device.runtimes().unet().predictNoise(new float[item], new float[] {500f},
                new float[77 * SimulatedDevice.HIDDEN_SIZE], 1, 8, 8);
        Call c = device.callLog().get(0);
        assertEquals(1, c.rows().size());
        assertNull(c.rows().get(0));
    }
}
