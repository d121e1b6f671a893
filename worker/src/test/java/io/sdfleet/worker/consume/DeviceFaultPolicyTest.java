package io.sdfleet.worker.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.JobCodec;
import io.sdfleet.common.Completion;
import io.sdfleet.common.CompletionStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

/** Counts per (partition, offset): batched → alone → FAILED; committed offsets drop them. */
class DeviceFaultPolicyTest {

    private final DeviceFaultPolicy policy = new DeviceFaultPolicy(new CompletionRecords("completions"),
            new JobIdentity("w", "m", "r"), Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC));
    private final PendingJob job = Jobs.job(Jobs.P0, 7, Jobs.request("job-7").build(),
            Instant.parse("2030-01-01T00:00:00Z"));

    @Test
    void aJobFaultedInABatchRunsAloneAndIsFailedAfterFaultingAloneTwice() {
        assertEquals(DeviceFaultPolicy.Verdict.BATCHED, policy.verdict(Jobs.P0, 7));
        policy.faulted(job, false);
        assertEquals(DeviceFaultPolicy.Verdict.ALONE, policy.verdict(Jobs.P0, 7));
        assertEquals(DeviceFaultPolicy.Verdict.BATCHED, policy.verdict(Jobs.P1, 7), "per partition");
        for (int i = 1; i < DeviceFaultPolicy.ALONE_FAULTS_TO_FAIL; i++) {
            policy.faulted(job, true);
            assertEquals(DeviceFaultPolicy.Verdict.ALONE, policy.verdict(Jobs.P0, 7));
        }
        policy.faulted(job, true);
        assertEquals(DeviceFaultPolicy.Verdict.FAIL, policy.verdict(Jobs.P0, 7));

        FinishedWork work = policy.resourceExhausted(job);
        Completion c = JobCodec.shared().decodeCompletion(work.records().get(0).value());
        assertEquals(CompletionStatus.FAILED, c.status());
        assertEquals(DeviceFaultPolicy.RESOURCE_EXHAUSTED, c.error().code());
        assertEquals(7, work.offset());
    }

    @Test
    void countsBelowACommittedOffsetAreDropped() {
        policy.faulted(job, true);
        policy.committed(Map.of(Jobs.P0, new OffsetAndMetadata(7)));
        assertEquals(DeviceFaultPolicy.Verdict.ALONE, policy.verdict(Jobs.P0, 7), "7 not committed yet");
        policy.committed(Map.of(Jobs.P0, new OffsetAndMetadata(8)));
        assertTrue(policy.verdict(Jobs.P0, 7) == DeviceFaultPolicy.Verdict.BATCHED);
    }
}
