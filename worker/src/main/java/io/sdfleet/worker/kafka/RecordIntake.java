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
import io.sdfleet.common.config.StoreSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
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

    /** The result for one record: exactly one of the two is set. */
    public record Taken(PendingJob job, FinishedWork deadLetter, FailureReason reason) {
    }

    private final JobCodec codec = JobCodec.shared();
    private final DeadLetterRecords deadLetters;
    private final String workerId;
    private final Clock clock;
    private final String inputPrefix;

    /** An intake whose pictures live under the default input prefix. */
    public RecordIntake(DeadLetterRecords deadLetters, String workerId, Clock clock) {
        this(deadLetters, workerId, clock, StoreSettings.DEFAULT_INPUT_PREFIX);
    }

    /** @param inputPrefix a request naming a picture outside it is dead-lettered, and nothing is fetched */
    public RecordIntake(DeadLetterRecords deadLetters, String workerId, Clock clock, String inputPrefix) {
        this.deadLetters = deadLetters;
        this.workerId = workerId;
        this.clock = clock;
        this.inputPrefix = inputPrefix;
    }

    /** Decodes and validates {@code record}, taken in the partition's tracking {@code session}. */
    public Taken take(ConsumerRecord<byte[], byte[]> record, long session) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        Instant now = clock.instant();
        try {
            JobRequest request = codec.decodeRequest(record.value());
            List<Violation> missing = RequestValidator.validateForWorker(request, inputPrefix);
            if (!missing.isEmpty()) {
                throw new InvalidRequestException(missing, request.jobId());
            }
            Instant produced = record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : now;
            Header trace = record.headers().lastHeader(SdfleetHeaders.TRACE_ID);
            String traceId = trace == null || trace.value() == null ? null
                    : new String(trace.value(), StandardCharsets.UTF_8);
            return new Taken(new PendingJob(partition, record.offset(), session, request, produced, now, traceId),
                    null, null);
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
