package io.sdfleet.local.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sdfleet.local.bench.DeviceLedger.Call;
import io.sdfleet.local.bench.DeviceLedger.Fate;
import io.sdfleet.local.bench.DeviceLedger.Job;
import io.sdfleet.worker.runtime.sim.SimulatedDevice.Kind;
import io.sdfleet.local.bench.DeviceLedger.Line;
import io.sdfleet.worker.runtime.LatentSize;
import io.sdfleet.worker.runtime.sim.DeviceProfile;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ledger's arithmetic on a small run worked out by hand (times in ms, the ledger's in seconds). */
class DeviceLedgerTest {

    private static final double EPS = 1e-9;
    private static final LatentSize SIZE = new LatentSize(8, 8);
    /** UNet 2 ms + 1 ms per item (a full call of 4 items: 6 ms, 1.5 ms per item); VAE 10 ms; text 1 + 0.5 ms. */
    private static final DeviceProfile PROFILE = new DeviceProfile("hand", "", List.of(), SIZE, 2, 1, 10, 1, 0.5, 4);
    private static final long MS = 1_000_000;

    /**
     * A: guided, one image, 2 UNet calls, uploaded in the window; ideal 2 x 2 items x 1.5 + 10 + (1 + 2 x 0.5) =
     * 18 ms. B: unguided, one image, 3 calls, not uploaded by the window's end. The window is [10, 100) ms.
     */
    private static final List<Job> JOBS = List.of(new Job("A", Fate.UPLOADED_IN_WINDOW, SIZE, 1, true, 2, 0.018,
            false, 40 * MS), new Job("B", Fate.NOT_UPLOADED_IN_WINDOW, SIZE, 1, false, 3, 0.0105, true, Long.MAX_VALUE));

    private static List<Call> calls() {
        return List.of(
                // text encoder, A's prompt, the empty negative prompt, B's prompt: 1 + 3 x 0.5 = 2.5 ms, before
                call(Kind.TEXT_ENCODER, 0, 2.5, 3, "A", null, "B"),
                // A (uncond + cond) and B: 3 items, 5 ms, [7, 12): 3/5 before the window, 2/5 in it
                call(Kind.UNET, 7, 5, 3, null, "A", "B"),
                // the same, [12, 17): A's second and last call
                call(Kind.UNET, 12, 5, 3, null, "A", "B"),
                // A's image, [17, 27)
                call(Kind.VAE, 17, 10, 1),
                // B alone, 1 item, 3 ms (ideal 1.5): its last call
                call(Kind.UNET, 27, 3, 1, "B"),
                // an item of no known job: 3 ms, not attributed
                call(Kind.UNET, 30, 3, 1, (String) null),
                // B's image, [98, 108): 2 of its 10 ms in the window
                call(Kind.VAE, 98, 10, 1));
    }

    @Test
    void splitsTheWindowsDeviceTimeByJobAndByItsExcessOverTheIdeal() {
        DeviceLedger.Summary s = DeviceLedger.of(calls(), JOBS, 0, 10 * MS, 100 * MS, PROFILE, 4);
        assertEquals(0.090, s.windowSeconds(), EPS);
        // A in the window: UNet 2/3 x 5 x 2/5 + 2/3 x 5 (ideal 2 x 1.5 x 2/5 + 2 x 1.5), VAE 10
        Line a = s.of(Fate.UPLOADED_IN_WINDOW);
        assertEquals(1, a.jobs());
        assertEquals(1, a.images());
        assertEquals(0.001 * (10.0 / 3 * 0.4 + 10.0 / 3), a.unetSeconds(), EPS);
        assertEquals(0.001 * (3 * 0.4 + 3), a.unetIdealSeconds(), EPS);
        assertEquals(0, a.textSeconds(), EPS);
        assertEquals(0.010, a.vaeSeconds(), EPS);
        // A before the window: its text share 2.5 / 2 (ideal 2) and 3/5 of its first UNet share (ideal 3 x 3/5)
        assertEquals(0.00125, s.uploadedBefore().textSeconds(), EPS);
        assertEquals(0.002, s.uploadedBefore().textIdealSeconds(), EPS);
        assertEquals(0.001 * 10.0 / 3 * 0.6, s.uploadedBefore().unetSeconds(), EPS);
        assertEquals(0.0018, s.uploadedBefore().unetIdealSeconds(), EPS);
        // what was done in and before the window makes A's whole ideal, 18 ms, and it matched call by call
        assertEquals(0.018, s.reconciledUploadedIdeal(), EPS);
        assertEquals(0.018, s.uploadedIdeal(), EPS);
        assertEquals(1, s.uploadedImages());
        assertEquals(0, s.mismatchedJobs());
        // B in the window: UNet 5/3 x 2/5 + 5/3 + 3 (ideal 1.5 x 2/5 + 1.5 + 1.5), VAE 2 of 10 ms
        Line b = s.of(Fate.NOT_UPLOADED_IN_WINDOW);
        assertEquals(0.001 * (5.0 / 3 * 0.4 + 5.0 / 3 + 3), b.unetSeconds(), EPS);
        assertEquals(0.001 * (0.6 + 1.5 + 1.5), b.unetIdealSeconds(), EPS);
        assertEquals(0.002, b.vaeSeconds(), EPS);
        assertEquals(0.003, s.unattributed().unetSeconds(), EPS);
        assertEquals(0.0015, s.unattributed().unetIdealSeconds(), EPS);
        // every millisecond of the window's device time is somewhere: 14.667 (A) + 7.333 (B) + 3
        assertEquals(0.025, s.deviceSeconds(), EPS);
        assertEquals(0, s.anomalies());
        // one size: its jobs' 22 ms (the 3 ms no job owns are in no size); B offered in the window, A uploaded
        DeviceLedger.SizeLine z = s.sizes().get(0);
        assertEquals(0.022, z.deviceSeconds(), EPS);
        assertEquals(1, z.offeredImages());
        assertEquals(0.0105, z.offeredIdealSeconds(), EPS);
        assertEquals(1, z.uploadedImages());
        assertEquals(0.018, z.uploadedIdealSeconds(), EPS);
        assertEquals(1, z.notUploadedImages());
        // in flight every 10 ms: at 10 ms the text call (2.5) and A's and B's first UNet share (ended at 12: not
        // yet); at 20 ms A is not uploaded (40 ms) and has 1.25 + 10/3 + 10/3, B 1.25 + 5/3 + 5/3
        assertEquals(0.0025, s.inFlight().get(1).seconds(), EPS);
        assertEquals(0.001 * (2.5 + 20.0 / 3 + 10.0 / 3), s.inFlight().get(2).seconds(), EPS);
        // at 40 ms A is uploaded: B's text, UNet and nothing of its VAE (ends at 108)
        assertEquals(0.001 * (1.25 + 5.0 / 3 * 2 + 3), s.inFlight().get(4).seconds(), EPS);
    }

    @Test
    void aJobWhoseCallsDoNotAddUpToItsIdealAndAVaeCallWithNothingToDecodeAreReported() {
        List<Job> wrong = List.of(new Job("A", Fate.UPLOADED_IN_WINDOW, SIZE, 1, true, 2, 0.020, false, 40 * MS),
                JOBS.get(1));
        List<Call> extraVae = new java.util.ArrayList<>(calls());
        extraVae.add(call(Kind.VAE, 120, 10, 1));
        DeviceLedger.Summary s = DeviceLedger.of(extraVae, wrong, 0, 10 * MS, 100 * MS, PROFILE, 4);
        assertEquals(1, s.mismatchedJobs());
        assertEquals(1, s.anomalies());
        // the markdown names both
        String text = s.markdown("hand", 1 / 0.018, 1.0);
        org.junit.jupiter.api.Assertions.assertTrue(text.contains("1 uploaded jobs' ideal not matched"), text);
    }

    private static Call call(Kind kind, double startMs, double ms, int items, String... jobs) {
        return new Call(kind, Math.round(startMs * MS), Math.round(ms * MS), kind == Kind.TEXT_ENCODER ? null : SIZE,
                items, Arrays.asList(jobs));
    }
}
