package io.sdfleet.worker.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A MockConsumer whose poll really blocks for its timeout (MockConsumer's returns at once) and whose wakeup
 * behaves as KafkaConsumer's: it breaks the blocking call in progress, or else the next one, poll or
 * commitSync. Records every commitSync that took effect. The wait happens outside MockConsumer's monitor,
 * so other threads may call wakeup() meanwhile.
 */
class WakeableMockConsumer extends MockConsumer<byte[], byte[]> {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private boolean wakeupPending;
    private final List<Map<TopicPartition, OffsetAndMetadata>> commits = new ArrayList<>();
    private volatile Runnable duringCommit = () -> { };

    WakeableMockConsumer() {
        super("earliest");
    }

    /** Runs inside the next commitSync, after it took effect and before it returns (then cleared). */
    void duringNextCommit(Runnable action) {
        duringCommit = action;
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        throwIfWoken();
        ConsumerRecords<byte[], byte[]> ready = super.poll(Duration.ZERO);
        if (!ready.isEmpty()) {
            return ready;
        }
        lock.lock();
        try {
            long left = timeout.toNanos();
            while (!wakeupPending && left > 0) {
                left = woken.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        throwIfWoken();
        return super.poll(Duration.ZERO);
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        throwIfWoken();
        super.commitSync(offsets);
        synchronized (commits) {
            commits.add(Map.copyOf(offsets));
        }
        Runnable action = duringCommit;
        duringCommit = () -> { };
        action.run();
        // A wakeup that arrived while the commit was on its way breaks it, although it took effect (the worst
        // case for the caller: it cannot tell).
        throwIfWoken();
    }

    @Override
    public void wakeup() {
        lock.lock();
        try {
            wakeupPending = true;
            woken.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean wakeupPending() {
        lock.lock();
        try {
            return wakeupPending;
        } finally {
            lock.unlock();
        }
    }

    List<Map<TopicPartition, OffsetAndMetadata>> commits() {
        synchronized (commits) {
            return List.copyOf(commits);
        }
    }

    private void throwIfWoken() {
        lock.lock();
        try {
            if (wakeupPending) {
                wakeupPending = false;
                throw new WakeupException();
            }
        } finally {
            lock.unlock();
        }
    }
}
