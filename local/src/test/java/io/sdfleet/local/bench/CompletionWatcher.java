package io.sdfleet.local.bench;

import io.sdfleet.common.Completion;
import io.sdfleet.common.JobCodec;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a completion topic as an upstream service would (read_committed, so a completion counts only once
 * its worker's transaction committed) and notes when each job's first completion was seen
 * ({@link System#nanoTime()} when the poll returned it).
 *
 * <p>Why its own consumer and not {@code SdfleetProducer.awaitCompletions}: the benchmark needs the moment
 * each completion arrived, not only the completion. It assigns every partition from the beginning (the
 * topic is fresh per configuration), so it needs no group and cannot miss an early completion.
 *
 * <p>Threads: one daemon thread owns the consumer; {@link #await} and {@link #seen} are safe from any
 * thread. A decode failure stops the watcher and is rethrown by {@link #await}.
 */
final class CompletionWatcher implements AutoCloseable {

    /** One completion and when it was first seen. */
    /**
     * @param seenNanos  when the reader got it ({@link System#nanoTime})
     * @param seenMillis when the reader got it (wall clock, to compare with {@link Completion#completedAt()})
     */
    record Seen(Completion completion, long seenNanos, long seenMillis) {
    }

    private static final Duration POLL = Duration.ofMillis(50);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    private CompletionWatcher(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        this.consumer = consumer;
        this.thread = new Thread(() -> run(topic), "fleetbench-completions");
        thread.setDaemon(true);
    }

    /** Starts watching {@code topic}; returns once the consumer has its partitions. */
    static CompletionWatcher start(String bootstrapServers, String topic) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, "fleetbench-watcher"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        partitions.forEach(consumer::position); // resolve positions now, not during the measured run
        CompletionWatcher watcher = new CompletionWatcher(consumer, topic);
        watcher.thread.start();
        return watcher;
    }

    private void run(String topic) {
        try {
            while (running) {
                var records = consumer.poll(POLL);
                long now = System.nanoTime();
                long wall = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    Completion c = JobCodec.shared().decodeCompletion(r.value());
                    seen.putIfAbsent(c.jobId(), new Seen(c, now, wall));
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            failure = new IllegalStateException("watching " + topic + " failed: " + e, e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /**
     * Waits until every job in {@code jobIds} has a completion.
     *
     * @return the completions in the order of {@code jobIds}
     * @throws TimeoutException naming how many are missing
     */
    Map<String, Seen> await(Collection<String> jobIds, Duration timeout) throws TimeoutException,
            InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (failure != null) {
                throw failure;
            }
            long missing = jobIds.stream().filter(id -> !seen.containsKey(id)).count();
            if (missing == 0) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(missing + " of " + jobIds.size() + " completions not seen within "
                        + timeout);
            }
            Thread.sleep(5);
        }
        Map<String, Seen> out = new LinkedHashMap<>();
        jobIds.forEach(id -> out.put(id, seen.get(id)));
        return out;
    }

    /** Every completion seen so far, by job id (a live view). */
    Map<String, Seen> seen() {
        return seen;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5_000);
    }
}
