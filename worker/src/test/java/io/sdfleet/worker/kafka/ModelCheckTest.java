package io.sdfleet.worker.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.Completion;
import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.ErrorCode;
import io.sdfleet.common.JobCodec;
import io.sdfleet.common.JobRequest;
import io.sdfleet.worker.store.JobCompletions;
import io.sdfleet.worker.store.JobIdentity;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** A job naming another model is never run: intake turns it into a FAILED MODEL_NOT_SERVED completion. */
class ModelCheckTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final CompletionRecords completions = new CompletionRecords("done");
    private final JobCompletions built = new JobCompletions(new JobIdentity("w1", "tiny-sd", "ort/cpu", "sha256:ab"));
    private final RecordIntake intake = new RecordIntake(new DeadLetterRecords("dlq", "w1"), "w1", clock,
            new ModelCheck("tiny-sd", (job, error) -> completions.finished(job,
                    built.refused(job.request(), error, clock.instant()))));

    private RecordIntake.Taken take(JobRequest request) {
        return intake.take(new ConsumerRecord<>("sd.requests.tiny-sd", 2, 7L, 1000L, TimestampType.CREATE_TIME, -1, -1,
                null, JobCodec.shared().encode(request), new RecordHeaders(), Optional.empty()), 3);
    }

    @Test
    void aJobForTheServedModelOrForNoModelIsTaken() {
        assertNotNull(take(Jobs.request("mine").model("tiny-sd").build()).job());
        assertNotNull(take(Jobs.request("any").build()).job());
    }

    @Test
    void aJobForAnotherModelGetsAFailedCompletionNamingBothModelsAndIsNotRun() {
        RecordIntake.Taken taken = take(Jobs.request("theirs").model("sd-xl").build());

        assertNull(taken.job(), "never handed to the device");
        assertNull(taken.reason(), "a valid request: not a dead letter");
        FinishedWork work = taken.deadLetter();
        assertEquals(7L, work.offset());
        assertEquals(3L, work.session());
        assertEquals(CompletionStatus.FAILED, work.status());
        assertEquals("done", work.records().get(0).topic());
        Completion c = JobCodec.shared().decodeCompletion(work.records().get(0).value());
        assertEquals("theirs", c.jobId());
        assertEquals(ErrorCode.MODEL_NOT_SERVED.code(), c.error().code());
        assertTrue(c.error().message().contains("'sd-xl'") && c.error().message().contains("'tiny-sd'"),
                c.error().message());
        assertTrue(c.error().message().contains("sd.requests.tiny-sd"), c.error().message());
        assertEquals("tiny-sd", c.model());
        assertEquals("sha256:ab", c.modelDigest());
        assertEquals("w1", c.workerId());
        assertEquals(0, c.batchSize());
    }

    @Test
    void aJobForAnotherModelWithAPictureOutsideThisWorkersPrefixStillGetsModelNotServed() {
        JobRequest stray = Jobs.request("theirs-pic").model("sd-xl").strength(0.5)
                .initImage(new io.sdfleet.common.ObjectReference("elsewhere/a.png", "0".repeat(64))).build();

        RecordIntake.Taken taken = take(stray);

        assertNull(taken.reason(), "not dead-lettered: its caller waits for a completion");
        Completion c = JobCodec.shared().decodeCompletion(taken.deadLetter().records().get(0).value());
        assertEquals(ErrorCode.MODEL_NOT_SERVED.code(), c.error().code());
    }

    @Test
    void aJobForTheServedModelWithAPictureOutsideThisWorkersPrefixIsDeadLettered() {
        JobRequest outside = Jobs.request("mine-pic").model("tiny-sd").strength(0.5)
                .initImage(new io.sdfleet.common.ObjectReference("elsewhere/a.png", "0".repeat(64))).build();

        RecordIntake.Taken taken = take(outside);

        assertNull(taken.job(), "nothing is fetched from outside the prefix");
        assertNotNull(taken.reason(), "dead-lettered with its reason");
    }
}
