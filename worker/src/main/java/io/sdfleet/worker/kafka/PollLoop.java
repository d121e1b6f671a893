package io.sdfleet.worker.kafka;

import io.sdfleet.worker.device.WaitingJobs;
import io.sdfleet.worker.lifecycle.ShutdownController;
import io.sdfleet.worker.lifecycle.WorkerFatalException;
import io.sdfleet.worker.lifecycle.WorkerState;
import io.sdfleet.worker.observe.WorkerMetrics;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The poll thread ({@code sdfleet-poll}): owns the KafkaConsumer and, through the {@link CommitCoordinator},
 * the producer; nothing else touches them.
 *
 * <p>Each turn: poll (short timeout, cut short when the device or store pool hands in a result: see
 * {@link PollWaker}) → decode/validate each record into the {@link WaitingJobs} or a dead letter → take
 * finished work from the {@link WorkInbox} into {@link PartitionOffsets} → commit what is released (records
 * and offsets together; the jobs and DLQ records are counted in the metrics only once committed, so a job
 * done again after a rewind counts once), coalescing: the first finished job since the last commit waits at
 * most {@code commitMaxDelay} for others to share its transaction, and the poll's timeout shrinks to that
 * due time → pause every partition while the jobs taken and not finished reach
 * {@code maxPendingJobs}, resume when they drop below. Polling never stops while jobs are on the device, so
 * a long job never exceeds max.poll.interval.ms and never triggers a rebalance.
 *
 * <p>Failures: a rejected commit, or jobs handed back by the store stage, rewind their partitions
 * (seek to the last committed offset, new tracking session; the records are processed again, except those its
 * metadata lists as done ahead); a commit
 * whose outcome was unknown seeks to the broker's committed offsets instead. A position that moves back
 * without a seek of ours (offset reset after truncation) starts a new tracking session too. A
 * {@link WorkerFatalException} or an unexpected Kafka error leaves {@link #run()}; the worker's supervisor
 * rethrows it and the process exits non-zero. Poll errors that Kafka itself retries (leader changes,
 * coordinator moves) never reach here.
 *
 * <p>Shutdown (DRAINING): pause everything, drop the jobs not started (they stay uncommitted and are
 * redelivered), wait for the ones in flight until they are done or the grace period minus
 * {@code closeTimeout} is over, make the final commit, close the producer, then {@code consumer.close()}
 * (leave the group); both closes share one deadline, what is left of the grace period after the final
 * commit and at most {@code closeTimeout}.
 */
public final class PollLoop implements Runnable, RebalanceHandler.PartitionHandover {

    private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);
    private static final long HANDOVER_SLEEP_MS = 10;
    /**
     * Bound on reading newly assigned partitions' committed offsets. Failing it stops the worker (the error
     * leaves poll): without the metadata, records finished ahead by an earlier owner would be done twice.
     */
    private static final Duration COMMITTED_LOOKUP_TIMEOUT = Duration.ofSeconds(30);

    private final Consumer<byte[], byte[]> consumer;
    private final CommitCoordinator committer;
    private final WaitingJobs waiting;
    private final java.util.function.Consumer<PendingJob> pictureJobs;
    private final PartitionOffsets offsets;
    private final RecordIntake intake;
    private final WorkInbox inbox;
    private final ShutdownController controller;
    private final WorkerMetrics metrics;
    private final PollSettings settings;
    private final String workerId;
    private final RebalanceHandler rebalance;
    private final PollWaker waker;
    private volatile long lag;
    private volatile int awaiting;
    private boolean draining;
    /** When the first finished work since the last commit was absorbed ({@link System#nanoTime}), or -1. */
    private long uncommittedSinceNanos = -1;

    /** A poll loop for txt2img jobs only (tests): a job with pictures is a bug here. */
    public PollLoop(Consumer<byte[], byte[]> consumer, CommitCoordinator committer, WaitingJobs waiting,
            RecordIntake intake, WorkInbox inbox, LiveSessions live, ShutdownController controller,
            WorkerMetrics metrics, PollSettings settings, String workerId) {
        this(consumer, committer, waiting, job -> {
            throw new IllegalStateException(job + " needs pictures, and this poll loop has no input stage");
        }, intake, inbox, live, controller, metrics, settings, workerId);
    }

    /**
     * @param live        where the partitions' current tracking sessions are published (the device drops stale jobs)
     * @param pictureJobs takes the jobs that start from pictures (the input stage), which reach the
     *                    {@code waiting} jobs once their pictures are ready
     */
    public PollLoop(Consumer<byte[], byte[]> consumer, CommitCoordinator committer, WaitingJobs waiting,
            java.util.function.Consumer<PendingJob> pictureJobs, RecordIntake intake, WorkInbox inbox,
            LiveSessions live, ShutdownController controller, WorkerMetrics metrics, PollSettings settings,
            String workerId) {
        this.pictureJobs = pictureJobs;
        this.consumer = consumer;
        this.committer = committer;
        this.waiting = waiting;
        this.offsets = new PartitionOffsets(live);
        this.intake = intake;
        this.inbox = inbox;
        this.controller = controller;
        this.metrics = metrics;
        this.settings = settings;
        this.workerId = workerId;
        this.rebalance = new RebalanceHandler(this);
        this.waker = new PollWaker(consumer);
        inbox.onArrival(waker);
    }

    /** Revocations and losses seen so far (a rebalance took partitions away). */
    public RebalanceHandler rebalances() {
        return rebalance;
    }

    /** Jobs taken and not yet finished (pending, on the device or in the store pool), as of the last turn. */
    public int awaiting() {
        return awaiting;
    }

    /** Times finished work woke the poll thread out of poll (tests, debugging). */
    long wakeups() {
        return waker.wakeups();
    }

    /** Sum of the assigned partitions' lag, as of the last poll. */
    public long lag() {
        return lag;
    }

    @Override
    public void run() {
        MDC.put("workerId", workerId);
        boolean clean = false;
        try {
            consumer.subscribe(List.of(settings.topic()), rebalance);
            controller.running(false);
            clean = loop();
        } finally {
            closeClients(clean);
        }
    }

    /** @return true when the loop ended by draining (commit and close normally), false on a failure */
    private boolean loop() {
        while (true) {
            if (controller.failed()) {
                return false;
            }
            if (controller.state() == WorkerState.DRAINING && !draining) {
                startDrain();
            }
            ConsumerRecords<byte[], byte[]> records = pollUntilRecordsOrResults();
            if (!draining) {
                take(records);
            }
            absorbInbox();
            if (commitDue()) {
                commitReleased();
            }
            flowControl();
            updateLag();
            awaiting = offsets.awaiting();
            if (draining && (offsets.awaiting() == 0
                    || controller.drainNanosLeft() <= settings.closeTimeout().toNanos())) {
                absorbInbox();
                commitReleased();
                if (offsets.awaiting() > 0) {
                    LOG.warn("grace period over: {} jobs not finished are left uncommitted (redelivered)",
                            offsets.awaiting());
                }
                return true;
            }
        }
    }

    /**
     * Polls for at most the poll timeout, less when results are waiting or arrive meanwhile: the
     * {@link PollWaker} wakes the consumer, and the WakeupException means "go commit". Kafka call:
     * retriable errors are retried inside poll; anything else thrown here is unexpected (authorization, a
     * bug) and ends the loop, which stops the worker.
     */
    private ConsumerRecords<byte[], byte[]> pollUntilRecordsOrResults() {
        waker.enterPoll();
        try {
            // A result handed in after the last absorbInbox found the waker outside poll: do not block on it.
            Duration timeout = inbox.hasResults() ? Duration.ZERO : min(settings.pollTimeout(), untilCommitDue());
            return consumer.poll(timeout);
        } catch (WakeupException e) {
            return ConsumerRecords.empty();
        } finally {
            waker.leavePoll();
        }
    }

    private void take(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            if (offsets.movedBack(partition, record.offset())) {
                // The position was reset backwards (auto.offset.reset after truncation): what this session
                // tracked no longer matches the log. Start over; stale results of the old session are ignored.
                LOG.warn("{} moved back to offset {} without a seek (offset reset); tracking it afresh",
                        partition, record.offset());
                offsets.dropDoneAhead(partition);
                forget(List.of(partition));
            }
            long session = offsets.session(partition);
            if (!offsets.track(partition, record.offset())) {
                // Finished and committed ahead of the committed offset (by this worker before a rewind, or by an
                // earlier owner): its completion is out already.
                LOG.debug("skipping {}+{}: done ahead of the committed offset", partition, record.offset());
                continue;
            }
            RecordIntake.Taken taken = intake.take(record, session);
            if (taken.job() != null && taken.job().needsPictures()) {
                pictureJobs.accept(taken.job());
            } else if (taken.job() != null) {
                waiting.add(taken.job());
            } else if (offsets.finish(taken.deadLetter())) {
                startCommitClock(); // a dead letter is finished work: committed within the delay like a completion
            }
        }
    }

    /** Finished work waits at most {@code commitMaxDelay} from the first of it since the last commit. */
    private void startCommitClock() {
        if (uncommittedSinceNanos < 0) {
            uncommittedSinceNanos = System.nanoTime();
        }
    }

    /** Moves finished work into the offsets; rewinds the partitions of jobs handed back. */
    private void absorbInbox() {
        for (FinishedWork work : inbox.drainFinished()) {
            if (!offsets.finish(work)) {
                LOG.debug("ignoring stale result {} of {}+{}", work.what(), work.partition(), work.offset());
            } else {
                startCommitClock();
            }
        }
        List<PendingJob> handedBack = inbox.drainRedeliveries();
        if (handedBack.isEmpty()) {
            return;
        }
        commitReleased(); // what finished below the handed-back jobs is kept
        Map<TopicPartition, Long> rewind = new LinkedHashMap<>();
        for (PendingJob job : handedBack) {
            if (offsets.currentSession(job.partition()) == job.session()) {
                OptionalLong position = offsets.forget(job.partition());
                position.ifPresent(p -> rewind.put(job.partition(), p));
                waiting.removePartitions(List.of(job.partition()));
            }
        }
        seek(rewind);
    }

    /** Whether finished work has waited its {@code commitMaxDelay} (or the worker is draining). */
    private boolean commitDue() {
        return uncommittedSinceNanos >= 0 && (draining || untilCommitDue().isZero());
    }

    /** Time until the waiting finished work must be committed; the poll timeout when none waits. */
    private Duration untilCommitDue() {
        if (uncommittedSinceNanos < 0) {
            return settings.pollTimeout();
        }
        long left = settings.commitMaxDelay().toNanos() - (System.nanoTime() - uncommittedSinceNanos);
        return Duration.ofNanos(Math.max(0, left));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private void commitReleased() {
        uncommittedSinceNanos = -1;
        CommitUnit unit = offsets.release();
        if (unit.isEmpty()) {
            return;
        }
        try {
            committer.commit(unit, consumer);
            offsets.committed(unit);
            for (FinishedWork work : unit.work()) {
                if (work.status() != null) {
                    metrics.jobFinished(work.status());
                } else {
                    metrics.dlqRecord(work.reason());
                }
            }
        } catch (CommitRejectedException e) {
            LOG.warn("commit rejected, processing {} again from the last committed offsets: {}",
                    unit.rewindTo().keySet(), e.getMessage());
            for (TopicPartition p : unit.rewindTo().keySet()) {
                offsets.forget(p);
                waiting.removePartitions(List.of(p));
            }
            Map<TopicPartition, Long> positions = new LinkedHashMap<>(unit.rewindTo());
            e.resumeAt().ifPresent(broker -> broker.forEach((p, committed) -> {
                offsets.committedOnBroker(p, committed);
                positions.put(p, committed.offset());
            }));
            seek(positions);
        }
    }

    private void seek(Map<TopicPartition, Long> positions) {
        Set<TopicPartition> assigned = consumer.assignment();
        positions.forEach((partition, position) -> {
            if (assigned.contains(partition)) {
                consumer.seek(partition, position);
            }
        });
    }

    private void flowControl() {
        Set<TopicPartition> assigned = consumer.assignment();
        if (draining) {
            consumer.pause(assigned);
            return;
        }
        if (offsets.awaiting() >= settings.maxPendingJobs()) {
            consumer.pause(assigned); // also pauses partitions assigned since the last turn
            controller.running(true);
        } else if (controller.state() == WorkerState.PAUSED) {
            consumer.resume(consumer.paused());
            controller.running(false);
        }
    }

    private void updateLag() {
        long sum = 0;
        for (TopicPartition p : consumer.assignment()) {
            sum += consumer.currentLag(p).orElse(0);
        }
        lag = sum;
    }

    private void startDrain() {
        draining = true;
        consumer.pause(consumer.assignment());
        List<PendingJob> dropped = waiting.removeAll();
        dropped.forEach(job -> offsets.abandon(job.partition(), job.offset()));
        LOG.info("draining: {} jobs not started are left for redelivery, {} in flight are finished first",
                dropped.size(), offsets.awaiting());
    }

    @Override
    public void handOver(Collection<TopicPartition> partitions) {
        withoutWakeups(() -> handOverSuspended(partitions));
    }

    /**
     * Runs a rebalance callback's work (inside poll) with no wakeups, which would break its own Kafka calls;
     * then wakes the poll for the results that came meanwhile.
     */
    private void withoutWakeups(Runnable work) {
        waker.suspend();
        try {
            work.run();
        } finally {
            waker.resume();
            if (inbox.hasResults()) {
                waker.run();
            }
        }
    }

    private void handOverSuspended(Collection<TopicPartition> partitions) {
        waiting.removePartitions(partitions).forEach(job -> offsets.abandon(job.partition(), job.offset()));
        long deadline = System.nanoTime() + settings.revokeTimeout().toNanos();
        while (offsets.awaiting(partitions) > 0 && System.nanoTime() < deadline && !controller.failed()) {
            try {
                Thread.sleep(HANDOVER_SLEEP_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            absorbInbox();
        }
        absorbInbox();
        int unfinished = offsets.awaiting(partitions);
        commitReleased();
        forget(partitions);
        LOG.info("handed over {} ({} jobs in flight left for the new owner)", partitions, unfinished);
    }

    @Override
    public void assigned(Collection<TopicPartition> partitions) {
        // Before the partitions are fetched: what is done ahead of their committed offsets must be known first.
        withoutWakeups(() -> {
            Set<TopicPartition> asked = Set.copyOf(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed;
            try {
                committed = consumer.committed(asked, COMMITTED_LOOKUP_TIMEOUT);
            } catch (WakeupException e) { // a wakeup already pending before the suspend: once more
                committed = consumer.committed(asked, COMMITTED_LOOKUP_TIMEOUT);
            }
            for (TopicPartition p : partitions) {
                offsets.committedOnBroker(p, committed.get(p));
            }
        });
    }

    @Override
    public void forget(Collection<TopicPartition> partitions) {
        waiting.removePartitions(partitions);
        partitions.forEach(offsets::forget);
    }

    /**
     * Closes the producer, then the consumer, against one deadline: what is left of the grace period after
     * the final commit, at most {@code closeTimeout} (so a slow final commit shortens the closes instead of
     * pushing them past the grace period and into a SIGKILL).
     */
    private void closeClients(boolean clean) {
        rebalance.closing();
        controller.closing();
        long budget = clean
                ? Math.max(0, Math.min(settings.closeTimeout().toNanos(), controller.drainNanosLeft())) : 0;
        long deadline = System.nanoTime() + budget;
        try {
            committer.close(Duration.ofNanos(budget));
        } catch (KafkaException e) {
            LOG.warn("closing the producer: {}", e.toString());
        }
        try {
            // A clean stop leaves the group, also as a static member (which by default stays in it until the
            // session timeout): its partitions move to the other workers at once. After a failure the worker is
            // about to be restarted under the same id, so a static member keeps its place (and gets its partitions
            // back without a rebalance when it returns within the session timeout).
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            consumer.close(CloseOptions.timeout(clean ? left : Duration.ofSeconds(1)).withGroupMembershipOperation(
                    clean ? GroupMembershipOperation.LEAVE_GROUP : GroupMembershipOperation.DEFAULT));
        } catch (KafkaException e) {
            LOG.warn("closing the consumer: {}", e.toString());
        }
        LOG.info("consumer and producer closed");
    }
}
