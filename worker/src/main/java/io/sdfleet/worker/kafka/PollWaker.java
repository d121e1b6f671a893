package io.sdfleet.worker.kafka;

import org.apache.kafka.clients.consumer.Consumer;

/**
 * Wakes the poll thread out of {@code consumer.poll()} when finished work reaches the {@link WorkInbox}, so a
 * finished job is committed at once instead of up to one poll timeout later.
 *
 * <p><b>Why it only wakes a parked poll.</b> {@code KafkaConsumer.wakeup()} is the one consumer method other
 * threads may call; the poll thread then gets a {@code WakeupException} from the blocking call it is in, or,
 * when it is in none, from its NEXT blocking call (poll, commitSync, committed, position, ...). A wakeup
 * aimed at poll must not break a commit, so this class wakes only while the poll thread is inside
 * {@code poll()} ({@link #enterPoll()} .. {@link #leavePoll()}), not while a rebalance callback inside
 * poll is handing partitions over ({@link #suspend()}), and at most once per poll. One race remains: a
 * wakeup sent just as poll returns on its own stays pending for the next blocking call; the poll loop and
 * {@link AtLeastOnceCommitter} (commitSync) therefore treat a {@code WakeupException} as "go on": the commit
 * is simply made again (the same offsets, idempotent), never rejected.
 *
 * <p>Threads: {@link #run()} on any thread (store pool, device); the rest on the poll thread only. One lock
 * makes "inside poll and not yet woken" and the wakeup one step.
 */
final class PollWaker implements Runnable {

    private final Consumer<?, ?> consumer;
    private final Object lock = new Object();
    private boolean inPoll;
    private boolean suspended;
    private boolean woken;
    private long wakeups;

    PollWaker(Consumer<?, ?> consumer) {
        this.consumer = consumer;
    }

    /** Work arrived: wakes the poll thread if it is blocked in poll and not woken yet. Any thread. */
    @Override
    public void run() {
        synchronized (lock) {
            if (inPoll && !suspended && !woken) {
                woken = true;
                wakeups++;
                consumer.wakeup();
            }
        }
    }

    /** The poll thread is about to call poll. */
    void enterPoll() {
        synchronized (lock) {
            inPoll = true;
            woken = false;
        }
    }

    /** The poll thread is back from poll (normally or by WakeupException). */
    void leavePoll() {
        synchronized (lock) {
            inPoll = false;
        }
    }

    /** A rebalance callback (inside poll) commits and waits on its own: no wakeups until {@link #resume()}. */
    void suspend() {
        synchronized (lock) {
            suspended = true;
        }
    }

    void resume() {
        synchronized (lock) {
            suspended = false;
        }
    }

    /** Wakeups sent so far (tests, debugging). */
    long wakeups() {
        synchronized (lock) {
            return wakeups;
        }
    }
}
