package io.sdfleet.worker.kafka;

import io.sdfleet.common.FailureEvent;
import io.sdfleet.common.FailureReason;
import io.sdfleet.common.InvalidRecordException;
import io.sdfleet.common.InvalidRequestException;
import io.sdfleet.common.JobCodec;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.RequestValidator;
import io.sdfleet.common.SdfleetHeaders;
import io.sdfleet.common.Violation;
import io.sdfleet.worker.observe.JobProgress;
import io.sdfleet.common.config.StoreSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one consumed record into either a {@link PendingJob} (a valid request with jobId and seed) or a
 * {@link FinishedWork} holding its DLQ record. Never throws for bad input: every malformed record
 * (empty, not JSON, wrong schema, out-of-range field, missing jobId or seed, a picture outside the input
 * prefix) becomes a dead letter and the
 * worker goes on. Called on the poll thread only.
 */
public final class RecordIntake {

    private static final Logger LOG = LoggerFactory.getLogger(RecordIntake.class);

    /**
     * The result for one record: exactly one of the two is set. {@code deadLetter} is the record's finished work
     * when it is not to be run: its DLQ record ({@code reason} set), or the FAILED completion of a job for another
     * model ({@link ModelCheck}; {@code reason} null).
     */
    public record Taken(PendingJob job, FinishedWork deadLetter, FailureReason reason) {
    }

    private final JobCodec codec = JobCodec.shared();
    private final DeadLetterRecords deadLetters;
    private final String workerId;
    private final Clock clock;
    private final String inputPrefix;
    private final ModelCheck models;
    private final JobProgress progress;

    /** Intake that checks no model (tests of the other stages, whose jobs name none), pictures under the default prefix. */
    public RecordIntake(DeadLetterRecords deadLetters, String workerId, Clock clock) {
        this(deadLetters, workerId, clock, null);
    }

    /** @param models refuses jobs for another model; null checks none */
    public RecordIntake(DeadLetterRecords deadLetters, String workerId, Clock clock, ModelCheck models) {
        this(deadLetters, workerId, clock, StoreSettings.DEFAULT_INPUT_PREFIX, models, JobProgress.NONE);
    }

    /**
     * @param inputPrefix a request naming a picture outside it is dead-lettered, and nothing is fetched
     * @param progress    told of each job taken (queued for the device)
     */
    public RecordIntake(DeadLetterRecords deadLetters, String workerId, Clock clock, String inputPrefix,
            ModelCheck models, JobProgress progress) {
        this.deadLetters = deadLetters;
        this.workerId = workerId;
        this.clock = clock;
        this.inputPrefix = inputPrefix;
        this.models = models;
        this.progress = progress;
    }

    /** Decodes and validates {@code record}, taken in the partition's tracking {@code session}. */
    public Taken take(ConsumerRecord<byte[], byte[]> record, long session) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        Instant now = clock.instant();
        try {
            JobRequest request = codec.decodeRequest(record.value());
            List<Violation> missing = RequestValidator.validateForWorker(request, null);
            if (!missing.isEmpty()) {
                throw new InvalidRequestException(missing, request.jobId());
            }
            Instant produced = record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : now;
            Header trace = record.headers().lastHeader(SdfleetHeaders.TRACE_ID);
            String traceId = trace == null || trace.value() == null ? null
                    : new String(trace.value(), StandardCharsets.UTF_8);
            PendingJob job = new PendingJob(partition, record.offset(), session, request, produced, now, traceId);
            Optional<FinishedWork> notServed = models == null ? Optional.empty() : models.refuse(job);
            if (notServed.isPresent()) {
                LOG.warn("{} names model '{}', not this worker's '{}': FAILED {}", job, request.model(),
                        models.servedModel(), io.sdfleet.common.ErrorCode.MODEL_NOT_SERVED.code());
                return new Taken(null, notServed.get(), null);
            }
            // This worker's input prefix only after the model: a stray record for another model gets its
            // MODEL_NOT_SERVED completion (which its caller waits for), wherever its pictures are.
            List<Violation> outside = RequestValidator.validateForWorker(request, inputPrefix);
            if (!outside.isEmpty()) {
                throw new InvalidRequestException(outside, request.jobId());
            }
            progress.queued(job.jobId(), request.stepsRun());
            return new Taken(job, null, null);
        } catch (InvalidRecordException e) {
            FailureEvent event = FailureEvent.of(e, record.topic(), record.partition(), record.offset(), workerId, now);
            // One JSON line per refused record: every violation, for log search and alerting.
            LOG.warn("dead-lettering {}-{}@{}: {} {}", record.topic(), record.partition(), record.offset(),
                    e.reason().code(), new String(codec.encode(event), StandardCharsets.UTF_8));
            FinishedWork work = new FinishedWork(partition, record.offset(), session,
                    List.of(deadLetters.toDeadLetter(record, e)), "dead letter " + e.reason().code(), null,
                    e.reason());
            return new Taken(null, work, e.reason());
        }
    }
}
