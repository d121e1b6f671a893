package io.sdfleet.worker.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.ErrorCode;
import io.sdfleet.worker.device.DeviceFaultPolicy.Attribution;
import io.sdfleet.worker.lifecycle.WorkerFatalException;
import io.sdfleet.worker.pipeline.RuntimeCallFailure;
import io.sdfleet.worker.pipeline.RuntimeCallFailure.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The fault policy's state machine, driven by fake calls over named parts: which parts fail for their own
 * reasons (and with which code), when the device is blamed, when the worker gives up.
 */
class DeviceFaultPolicyTest {

    private static final int MAX_FAULTS = 3;

    /** A call over string parts: the parts in {@code poison} fail with {@code poisonKind} whenever present. */
    private static final class FakeCall implements DeviceFaultPolicy.Call<String, String> {
        final Set<String> poison = new HashSet<>();
        Kind poisonKind = Kind.UNATTRIBUTED;
        /** Fails any call with more parts than this (a batch too large), with {@link #largeKind}. */
        int failAbove = Integer.MAX_VALUE;
        Kind largeKind = Kind.OUT_OF_MEMORY;
        /** The next calls fail with this kind, whatever they hold (then the call works again). */
        int failNext;
        Kind failNextKind = Kind.UNATTRIBUTED;
        final List<List<String>> calls = new ArrayList<>();

        @Override
        public List<String> run(List<String> parts) throws RuntimeCallFailure {
            calls.add(List.copyOf(parts));
            if (failNext > 0) {
                failNext--;
                throw failure(failNextKind);
            }
            if (parts.size() > failAbove) {
                throw failure(largeKind);
            }
            for (String p : parts) {
                if (poison.contains(p)) {
                    throw failure(poisonKind);
                }
            }
            return parts.stream().map(p -> p + " done").toList();
        }

        static RuntimeCallFailure failure(Kind kind) {
            return new RuntimeCallFailure("fake call", new RuntimeException("simulated " + kind), kind);
        }
    }

    private static final class FakeProbe implements DeviceFaultPolicy.Probe {
        boolean runs = true;
        int runsSoFar;

        @Override
        public void run() throws RuntimeCallFailure {
            runsSoFar++;
            if (!runs) {
                throw FakeCall.failure(Kind.UNATTRIBUTED);
            }
        }

        @Override
        public String description() {
            return "a fake probe";
        }
    }

    private final FakeCall call = new FakeCall();
    private final FakeProbe probe = new FakeProbe();
    private final DeviceFaultPolicy policy = new DeviceFaultPolicy(MAX_FAULTS, probe, Duration.ZERO);

    private Attribution<String> run(String... parts) {
        return policy.run("test call", List.of(parts), p -> p, call);
    }

    @Test
    void aCallThatRunsIsDoneWithItsResults() {
        Attribution<String> a = run("a", "b");
        assertFalse(a.deviceFault());
        assertEquals("a done", a.outcomes().get(0).value());
        assertEquals("b done", a.outcomes().get(1).value());
        assertEquals(1, call.calls.size(), "no isolation");
    }

    @Test
    void aPoisonJobFailsModelErrorAloneAndTheOthersRunAloneWithTheirResults() {
        call.poison.add("bad");
        Attribution<String> a = run("a", "bad", "c");
        assertFalse(a.deviceFault());
        assertEquals("a done", a.outcomes().get(0).value());
        assertEquals(ErrorCode.MODEL_ERROR.code(), a.outcomes().get(1).error().code());
        assertTrue(a.outcomes().get(1).error().message().contains("other jobs of the call ran"));
        assertEquals("c done", a.outcomes().get(2).value());
        assertEquals(0, probe.runsSoFar, "other jobs ran: no probe needed");
        assertEquals(List.of("bad"), call.calls.get(2), "the poison job ran alone twice before it was blamed");
        assertEquals(List.of("bad"), call.calls.get(3));
    }

    @Test
    void aSingleJobThatFailsTwiceIsBlamedOnlyWhenTheProbeRuns() {
        call.poison.add("bad");
        Attribution<String> blamed = run("bad");
        assertEquals(ErrorCode.MODEL_ERROR.code(), blamed.outcomes().get(0).error().code());
        assertTrue(blamed.outcomes().get(0).error().message().contains("a fake probe ran"));
        assertEquals(2, call.calls.size(), "the call itself, then once more alone");

        probe.runs = false;
        Attribution<String> deviceFault = run("bad");
        assertTrue(deviceFault.deviceFault(), "the probe failed too: the device is blamed");
        assertTrue(deviceFault.outcomes().get(0).retry(), "the job is kept to run again");
        assertEquals(1, policy.consecutiveDeviceFaults());
    }

    @Test
    void aOneOffFailureIsNeverBlamedOnAJob() {
        call.failNext = 2; // the batch and the first solo run of "a" fail once each, then the device works
        Attribution<String> a = run("a", "b");
        assertTrue(a.outcomes().stream().allMatch(DeviceFaultPolicy.Outcome::done), a.toString());
        assertFalse(a.deviceFault());
    }

    @Test
    void aBatchTooLargeForTheDeviceRunsJobByJob() {
        call.failAbove = 1;
        Attribution<String> a = run("a", "b", "c");
        assertTrue(a.outcomes().stream().allMatch(DeviceFaultPolicy.Outcome::done));
        assertEquals(0, probe.runsSoFar);
        assertEquals(0, policy.consecutiveDeviceFaults(), "real work ran: not a device fault");
    }

    @Test
    void aJobThatRunsOutOfMemoryAloneIsResourceExhausted() {
        call.poison.add("huge");
        call.poisonKind = Kind.OUT_OF_MEMORY;
        Attribution<String> a = run("a", "huge");
        assertEquals(ErrorCode.RESOURCE_EXHAUSTED.code(), a.outcomes().get(1).error().code());
        assertEquals("a done", a.outcomes().get(0).value());
    }

    @Test
    void aDeviceSideErrorIsADeviceFaultWithoutIsolationAndFatalAtTheLimit() {
        call.failNextKind = Kind.DEVICE;
        call.failNext = Integer.MAX_VALUE;
        for (int fault = 1; fault < MAX_FAULTS; fault++) {
            Attribution<String> a = run("a", "b");
            assertTrue(a.deviceFault());
            assertTrue(a.outcomes().stream().allMatch(DeviceFaultPolicy.Outcome::retry));
            assertEquals(fault, policy.consecutiveDeviceFaults());
        }
        assertEquals(MAX_FAULTS - 1, call.calls.size(), "never isolated");
        WorkerFatalException fatal = assertThrows(WorkerFatalException.class, () -> run("a", "b"));
        assertTrue(fatal.getMessage().contains("SDFLEET_MAX_CONSECUTIVE_DEVICE_FAULTS"), fatal.getMessage());
    }

    @Test
    void realWorkBetweenDeviceFaultsStartsTheCountAgain() {
        for (int round = 0; round < 3 * MAX_FAULTS; round++) {
            call.failNextKind = Kind.DEVICE;
            call.failNext = MAX_FAULTS - 1;
            for (int i = 0; i < MAX_FAULTS - 1; i++) {
                assertTrue(run("a").deviceFault());
            }
            assertFalse(run("a").deviceFault(), "the device works again");
            assertEquals(0, policy.consecutiveDeviceFaults());
        }
    }

    @Test
    void aBrokenRuntimeIsFatalAtOnce() {
        call.failNextKind = Kind.BROKEN;
        call.failNext = 1;
        assertThrows(WorkerFatalException.class, () -> run("a", "b"));
        assertEquals(1, call.calls.size());
    }

    @Test
    void aDeviceSideErrorWhileIsolatingIsTheDevicesNotTheJobs() {
        call.poison.add("bad");
        call.poisonKind = Kind.DEVICE;
        call.failNext = 1; // the batch fails unattributed; then "bad" alone hits a device-side error
        Attribution<String> a = run("a", "bad");
        assertTrue(a.deviceFault());
        assertEquals("a done", a.outcomes().get(0).value());
        assertTrue(a.outcomes().get(1).retry(), "never MODEL_ERROR");
        assertNull(a.outcomes().get(1).error());
    }

    @Test
    void jobsBlamedWithOnlyTheProbeAsEvidenceStopTheWorkerAtTheLimitUnlessRealWorkRuns() {
        call.poison.add("bad");
        for (int i = 1; i < DeviceFaultPolicy.MAX_BLAMED_ON_PROBE_EVIDENCE; i++) {
            assertEquals(ErrorCode.MODEL_ERROR.code(), run("bad").outcomes().get(0).error().code());
        }
        run("fine"); // a real job ran: the device does run real work
        for (int i = 1; i < DeviceFaultPolicy.MAX_BLAMED_ON_PROBE_EVIDENCE; i++) {
            run("bad");
        }
        WorkerFatalException fatal = assertThrows(WorkerFatalException.class, () -> run("bad"));
        assertTrue(fatal.getMessage().contains("cannot run real work"), fatal.getMessage());
    }
}
