package io.sdfleet.worker.fleet;

import io.sdfleet.common.fleet.FleetCodec;
import io.sdfleet.common.fleet.ProgressEvent;
import io.sdfleet.common.fleet.ProgressEvent.Phase;
import io.sdfleet.worker.observe.JobProgress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes job progress to the progress topic (key = jobId, {@link ProgressEvent}), best effort and off the
 * stages' threads: each report is handed to one daemon thread ({@code sdfleet-progress}) through a bounded queue and
 * dropped when the queue is full, so a slow or missing progress topic never slows the device. That thread numbers
 * each job's events, measures its step rate, and thins its step events to at most one per
 * {@code minInterval} (250 ms: 4 a second; the last step always goes out).
 *
 * <p>Kafka call policy: sent through the worker's plain producer, outside the commit; any failure is logged once
 * until a send succeeds again and never affects a job. Per-job state is kept for the most recent
 * {@value #TRACKED_JOBS} jobs (jobs that fail never report STORING, so state is bounded by count, not cleared).
 */
public final class ProgressPublisher implements JobProgress {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressPublisher.class);
    static final int TRACKED_JOBS = 10_000;
    static final int QUEUE = 10_000;

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final String workerId;
    private final Duration minInterval;
    private final Clock clock;
    private final ThreadPoolExecutor thread;
    private final AtomicBoolean failing = new AtomicBoolean();
    /** Per job: seq, last step event, start; the progress thread only. */
    private final Map<String, JobState> jobs = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JobState> eldest) {
            return size() > TRACKED_JOBS;
        }
    };

    private static final class JobState {
        int seq;
        long lastStepNanos = Long.MIN_VALUE;
        long startedNanos = -1;
    }

    public ProgressPublisher(Producer<byte[], byte[]> producer, String topic, String workerId, Duration minInterval,
            Clock clock) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.workerId = workerId;
        this.minInterval = Objects.requireNonNull(minInterval, "minInterval");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "sdfleet-progress");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
    }

    @Override
    public void queued(String jobId, int totalSteps) {
        report(jobId, Phase.QUEUED, 0, totalSteps, 0, 0);
    }

    @Override
    public void started(String jobId, int totalSteps, int batchJobs, int position) {
        report(jobId, Phase.STARTED, 0, totalSteps, batchJobs, position);
    }

    @Override
    public void stepped(String jobId, int step, int totalSteps) {
        report(jobId, Phase.STEP, step, totalSteps, 0, 0);
    }

    @Override
    public void decoding(String jobId, int totalSteps) {
        report(jobId, Phase.DECODING, totalSteps, totalSteps, 0, 0);
    }

    @Override
    public void storing(String jobId, int totalSteps) {
        report(jobId, Phase.STORING, totalSteps, totalSteps, 0, 0);
    }

    /** Stops taking reports and waits up to {@code timeout} for those queued to be handed to the producer. */
    public void close(Duration timeout) {
        thread.shutdown();
        try {
            thread.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void report(String jobId, Phase phase, int step, int total, int batchJobs, int position) {
        long at = System.nanoTime();
        try {
            thread.execute(() -> publish(jobId, phase, step, total, batchJobs, position, at));
        } catch (RejectedExecutionException e) {
            // closed: the worker is stopping
        }
    }

    private void publish(String jobId, Phase phase, int step, int total, int batchJobs, int position, long at) {
        JobState state = jobs.computeIfAbsent(jobId, id -> new JobState());
        if (phase == Phase.QUEUED) {
            state.seq = 0; // a redelivered job starts its numbering again
            state.startedNanos = -1;
            state.lastStepNanos = Long.MIN_VALUE;
        }
        if (phase == Phase.STARTED) {
            state.startedNanos = at;
        }
        if (phase == Phase.STEP) {
            boolean last = step >= total;
            if (!last && state.lastStepNanos != Long.MIN_VALUE && at - state.lastStepNanos < minInterval.toNanos()) {
                return;
            }
            state.lastStepNanos = at;
        }
        double rate = 0;
        if (phase == Phase.STEP && state.startedNanos >= 0 && at > state.startedNanos) {
            rate = step / ((at - state.startedNanos) / 1e9);
        }
        if (phase == Phase.STORING) {
            jobs.remove(jobId);
        }
        ProgressEvent event = new ProgressEvent(ProgressEvent.SCHEMA, jobId, workerId, phase, ++state.seq, step, total,
                batchJobs, position, rate, clock.instant());
        try {
            producer.send(new ProducerRecord<>(topic, jobId.getBytes(StandardCharsets.UTF_8),
                    FleetCodec.encode(event)), (metadata, error) -> {
                        if (error == null) {
                            if (failing.compareAndSet(true, false)) {
                                LOG.info("progress events on {} go out again", topic);
                            }
                        } else if (failing.compareAndSet(false, true)) {
                            LOG.warn("progress events on {} fail: {} (dropped; jobs are not affected)", topic,
                                    error.toString());
                        }
                    });
        } catch (RuntimeException e) { // any failure of a best-effort record: logged, never fatal
            if (failing.compareAndSet(false, true)) {
                LOG.warn("progress events on {} fail: {} (dropped; jobs are not affected)", topic, e.toString());
            }
        }
    }
}
