package io.sdfleet.producer.replay;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.config.KafkaSettings;
import io.sdfleet.common.config.DurationText;
import io.sdfleet.producer.JobIdGenerator;
import io.sdfleet.producer.KafkaUnavailableException;
import io.sdfleet.producer.SubmitResult;
import io.sdfleet.producer.kafka.ClientProperties;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Republishes requests read from a bounded range of the requests topic or the DLQ (see {@link ReplaySpec}).
 *
 * <p>Order of work, so that a mistake never reaches Kafka: the overrides are checked first (an invalid one
 * throws {@link io.sdfleet.common.InvalidRequestException} before anything is read); then the ranges are
 * resolved (end offsets snapshotted first, so the replay ends even while others keep producing); then the
 * records are read partition by partition in offset order with a consumer of its own — no group, nothing
 * committed, read_committed so aborted worker transactions are not replayed — and each one is planned by
 * {@link ReplayPlanner}. Planned requests are sent after every poll, one {@link ReplaySink#submitAll} per
 * batch, with new jobIds (UUIDv7) and the original seed.
 *
 * <p>Failures: records that do not decode or lack what a worker needs are skipped and listed with partition,
 * offset and reason. A request Kafka refuses is listed as unsent and the replay goes on. When Kafka becomes
 * unreachable (the sink reports {@link KafkaUnavailableException}, or no record and no progress arrive
 * within the idle timeout) the replay stops and the report says why; what was acknowledged before stays
 * sent, and replaying it again would send it again, with new job ids. Before anything is read, an
 * unreachable broker throws {@link KafkaUnavailableException} and a bad range {@link InvalidReplaySpecException}.
 *
 * <p>Threads: {@link #replay} runs on the caller's thread and owns its consumer for the call; one Replayer
 * may run several replays one after another or concurrently (each has its own consumer).
 */
public final class Replayer {

    /** How long the reader may see neither a record nor a finished partition before it gives up. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Longest single poll, so that the idle timeout is noticed promptly. */
    private static final Duration POLL = Duration.ofMillis(500);
    /** The reader commits nothing, so closing only leaves the broker connection. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofMillis(500);
    private static final AtomicInteger READERS = new AtomicInteger();

    private final KafkaSettings settings;
    private final Supplier<Consumer<String, byte[]>> readers;
    private final ReplaySink sink;
    private final JobIdGenerator jobIds;
    private final Duration lookupTimeout;
    private final Duration idleTimeout;

    /**
     * A replayer for the cluster and topics of {@code settings}, sending through {@code sink}.
     *
     * @param settings where the cluster and the topics are; its client overrides apply to the reader
     * @param sink     where replayed requests go; null allows dry runs only
     * @param jobIds   where new job ids come from
     */
    public Replayer(KafkaSettings settings, ReplaySink sink, JobIdGenerator jobIds) {
        this(settings, () -> new KafkaConsumer<>(ClientProperties.completionReader(settings.bootstrapServers(),
                        settings.clientOverrides(), "sdfleet-replay-" + READERS.incrementAndGet())),
                sink, jobIds, lookupTimeoutOf(settings), DEFAULT_IDLE_TIMEOUT);
    }

    /**
     * @param readers       makes one group-less read_committed consumer per replay (owned by the replay)
     * @param lookupTimeout bound of each offset look-up
     * @param idleTimeout   how long reading may make no progress before the replay stops
     */
    Replayer(KafkaSettings settings, Supplier<Consumer<String, byte[]>> readers, ReplaySink sink,
            JobIdGenerator jobIds, Duration lookupTimeout, Duration idleTimeout) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.readers = Objects.requireNonNull(readers, "readers");
        this.sink = sink;
        this.jobIds = Objects.requireNonNull(jobIds, "jobIds");
        this.lookupTimeout = Objects.requireNonNull(lookupTimeout, "lookupTimeout");
        this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
    }

    /** The effective {@code max.block.ms} of the settings' producer properties (default 10 s). */
    private static Duration lookupTimeoutOf(KafkaSettings settings) {
        return ClientProperties.maxBlock(ClientProperties.producer(settings.bootstrapServers(),
                settings.clientOverrides(), "replay-timeouts"));
    }

    /**
     * Runs one replay.
     *
     * @throws io.sdfleet.common.InvalidRequestException an override is invalid; nothing was read or sent
     * @throws InvalidReplaySpecException                the topic or a listed partition does not exist
     * @throws KafkaUnavailableException                 no broker answered the offset look-ups
     */
    public ReplayReport replay(ReplaySpec spec) {
        Objects.requireNonNull(spec, "spec");
        spec.overrides().requireValid();
        if (!spec.dryRun() && sink == null) {
            throw new IllegalStateException("this replayer has no sink; only dry runs are possible");
        }
        // --model chooses the model whose topic is read; its replayed requests name it and so go back to that topic.
        String topic = spec.source().topic(settings, spec.overrides().model());
        ReplayPlanner planner = new ReplayPlanner(spec.filter(), spec.overrides(), jobIds);
        Consumer<String, byte[]> consumer = readers.get();
        try {
            List<PartitionRange> ranges = new RangeResolver(consumer, lookupTimeout, settings.bootstrapServers())
                    .resolve(topic, spec);
            Run run = new Run(topic, ranges, spec.dryRun(), planner);
            read(consumer, run);
            return run.report();
        } finally {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        }
    }

    private void read(Consumer<String, byte[]> consumer, Run run) {
        // The resolver left the consumer assigned to every partition of the ranges; empty ones are paused.
        Map<TopicPartition, PartitionRange> open = new HashMap<>();
        Set<TopicPartition> empty = new HashSet<>();
        for (PartitionRange r : run.ranges) {
            TopicPartition tp = new TopicPartition(run.topic, r.partition());
            if (r.isEmpty()) {
                empty.add(tp);
            } else {
                open.put(tp, r);
            }
        }
        if (open.isEmpty()) {
            return;
        }
        consumer.pause(empty);
        open.forEach((tp, r) -> consumer.seek(tp, r.start()));
        long lastProgress = System.nanoTime();
        while (!open.isEmpty() && run.abortReason == null) {
            ConsumerRecords<String, byte[]> records;
            // Kafka call: poll retries broker trouble internally and returns nothing meanwhile; the idle
            // timeout below turns a lasting outage into an abort. Other errors propagate.
            records = consumer.poll(POLL);
            for (ConsumerRecord<String, byte[]> record : records) {
                PartitionRange range = open.get(new TopicPartition(record.topic(), record.partition()));
                if (range != null && range.contains(record.offset())) {
                    run.accept(record);
                }
            }
            Set<TopicPartition> done = new HashSet<>();
            for (Map.Entry<TopicPartition, PartitionRange> e : open.entrySet()) {
                // The position, not the last record's offset: transaction markers and aborted records
                // occupy offsets that are never returned.
                if (positionOf(consumer, e.getKey()) >= e.getValue().endExclusive()) {
                    done.add(e.getKey());
                }
            }
            if (!done.isEmpty()) {
                done.forEach(open::remove);
                consumer.pause(done);
            }
            run.flush(sink);
            if (!records.isEmpty() || !done.isEmpty()) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > idleTimeout.toNanos()) {
                run.abort("no record arrived from " + settings.bootstrapServers() + " for "
                        + DurationText.format(idleTimeout) + " with partitions " + partitionsOf(open) + " unfinished");
            }
        }
    }

    private long positionOf(Consumer<String, byte[]> consumer, TopicPartition tp) {
        try {
            return consumer.position(tp, lookupTimeout);
        } catch (TimeoutException e) {
            return -1; // unknown for now; the idle timeout decides when to give up
        }
    }

    private static List<Integer> partitionsOf(Map<TopicPartition, PartitionRange> open) {
        return open.keySet().stream().map(TopicPartition::partition).sorted().toList();
    }

    /** The state of one replay while it reads: counts, planned-but-unsent jobs, outcome lists. */
    private static final class Run {
        final String topic;
        final List<PartitionRange> ranges;
        final boolean dryRun;
        final ReplayPlanner planner;
        long read;
        long matched;
        final List<ReplayReport.ReplayedJob> jobs = new ArrayList<>();
        final List<ReplayReport.SkippedRecord> skipped = new ArrayList<>();
        final List<ReplayReport.UnsentJob> unsent = new ArrayList<>();
        final List<ReplayReport.ReplayedJob> pending = new ArrayList<>();
        String abortReason;

        Run(String topic, List<PartitionRange> ranges, boolean dryRun, ReplayPlanner planner) {
            this.topic = topic;
            this.ranges = ranges;
            this.dryRun = dryRun;
            this.planner = planner;
        }

        void accept(ConsumerRecord<String, byte[]> record) {
            read++;
            ReplayPlanner.Outcome outcome = planner.plan(record.partition(), record.offset(), record.key(),
                    record.value());
            if (outcome instanceof ReplayPlanner.Replay r) {
                matched++;
                jobs.add(r.job());
                pending.add(r.job());
            } else if (outcome instanceof ReplayPlanner.Skip s) {
                skipped.add(s.record());
            }
        }

        /** Sends what was planned since the last flush; a dry run only forgets it. */
        void flush(ReplaySink sink) {
            if (pending.isEmpty()) {
                return;
            }
            if (dryRun) {
                pending.clear();
                return;
            }
            List<JobRequest> requests = pending.stream().map(ReplayReport.ReplayedJob::request).toList();
            List<SubmitResult> results = sink.submitAll(requests);
            for (int i = 0; i < results.size(); i++) {
                SubmitResult result = results.get(i);
                if (!result.isSent()) {
                    unsent.add(new ReplayReport.UnsentJob(pending.get(i), result.failure()));
                    if (result.failure() instanceof KafkaUnavailableException && abortReason == null) {
                        abort(result.failure().getMessage());
                    }
                }
            }
            pending.clear();
        }

        void abort(String reason) {
            abortReason = reason;
        }

        ReplayReport report() {
            return new ReplayReport(topic, ranges, dryRun, read, matched, jobs, skipped, unsent, abortReason);
        }
    }
}
