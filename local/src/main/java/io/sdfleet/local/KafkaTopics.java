package io.sdfleet.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates topics with an Admin client and waits until they can be used: every partition is in the
 * broker's metadata, has an elected leader, and that leader serves it (answers a ListOffsets request), so
 * a producer's first send does not race the creation.
 *
 * <p>Why the last step: a KRaft broker puts a new partition into its metadata cache (what describeTopics
 * answers from) a moment before its replica manager opens the log and becomes leader; produce requests in
 * that window fail with NOT_LEADER_OR_FOLLOWER. An idempotent producer with several requests in flight can
 * then have its first batch refused while a later one is appended (a broker before Kafka 4.5 accepts any
 * first sequence from a producer it has no state for, KAFKA-15591), after which the first batch fails with
 * OUT_OF_ORDER_SEQUENCE_NUMBER on every retry until delivery.timeout.ms expires it.
 *
 * <p>Idempotent: a topic that already exists with the wanted partition count is accepted as is; one with
 * another count is an error (silently using it would change which partition a key lands on).
 *
 * <p>Failure: Kafka errors and time-outs become {@link EmbeddedStackException}. Waiting retries
 * "unknown topic" and "not leader yet" answers until the time-out, since a new topic reaches the metadata
 * cache, and then the replica manager, a moment after the controller accepted it.
 */
public final class KafkaTopics {

    /** Replication factor of every topic on the single-node broker. */
    static final short REPLICATION_FACTOR = 1;
    /** Bound of one ListOffsets readiness probe (the Admin client retries inside it). */
    static final Duration LIST_OFFSETS_TIMEOUT = Duration.ofSeconds(2);
    /** Pause between two readiness checks. */
    static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

    private KafkaTopics() {
    }

    /**
     * Creates {@code topics} on the cluster at {@code bootstrapServers} and returns once all are ready.
     *
     * @throws EmbeddedStackException when a topic cannot be created, exists with another partition
     *                                count, or is not ready within {@code timeout}
     */
    public static void createAndAwait(String bootstrapServers, List<TopicSpec> topics, Duration timeout) {
        if (topics.isEmpty()) {
            return;
        }
        long began = System.nanoTime();
        long deadline = began + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "sdfleet-local-topics"))) {
            create(admin, topics, deadline);
            long created = System.nanoTime();
            awaitReady(admin, topics, deadline);
            LOG.debug("topics {} created in {} ms, ready {} ms later", names(topics),
                    Duration.ofNanos(created - began).toMillis(), Duration.ofNanos(System.nanoTime() - created).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedStackException("interrupted while creating topics " + names(topics), e);
        }
    }

    private static void create(Admin admin, List<TopicSpec> topics, long deadline) throws InterruptedException {
        List<NewTopic> requests = topics.stream()
                .map(t -> new NewTopic(t.name(), t.partitions(), REPLICATION_FACTOR))
                .toList();
        var futures = admin.createTopics(requests).values();
        for (TopicSpec topic : topics) {
            try {
                futures.get(topic.name()).get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new EmbeddedStackException("cannot create topic " + topic.name(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new EmbeddedStackException("creating topic " + topic.name() + " timed out", e);
            }
        }
    }

    private static void awaitReady(Admin admin, List<TopicSpec> topics, long deadline)
            throws InterruptedException {
        Map<String, TopicSpec> wanted = topics.stream()
                .collect(Collectors.toMap(TopicSpec::name, Function.identity(), (a, b) -> a));
        String lastProblem = "no answer yet";
        while (remainingNanos(deadline) > 0) {
            Optional<String> problem = readinessProblem(admin, wanted, deadline);
            if (problem.isEmpty()) {
                return;
            }
            lastProblem = problem.get();
            TimeUnit.MILLISECONDS.sleep(POLL_INTERVAL.toMillis());
        }
        throw new EmbeddedStackException("topics " + wanted.keySet() + " not ready in time: " + lastProblem);
    }

    /** Empty when every wanted topic is ready; otherwise what is still missing. */
    private static Optional<String> readinessProblem(Admin admin, Map<String, TopicSpec> wanted, long deadline)
            throws InterruptedException {
        Map<String, TopicDescription> described;
        try {
            described = admin.describeTopics(wanted.keySet()).allTopicNames()
                    .get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.of(e.getCause().getMessage());
            }
            throw new EmbeddedStackException("cannot describe topics " + wanted.keySet(), e.getCause());
        } catch (TimeoutException e) {
            return Optional.of("describeTopics timed out");
        }
        List<String> problems = new ArrayList<>();
        for (TopicSpec topic : wanted.values()) {
            TopicDescription description = described.get(topic.name());
            List<TopicPartitionInfo> partitions = description.partitions();
            // A topic's partitions enter the metadata together (one record), so a different count is never
            // a transient state: it is a topic that existed before with another count.
            if (partitions.size() != topic.partitions()) {
                throw new EmbeddedStackException("topic " + topic.name() + " exists with " + partitions.size()
                        + " partitions, wanted " + topic.partitions());
            }
            Set<Integer> withoutLeader = partitions.stream()
                    .filter(p -> p.leader() == null || p.leader().isEmpty())
                    .map(TopicPartitionInfo::partition)
                    .collect(Collectors.toSet());
            if (!withoutLeader.isEmpty()) {
                problems.add(topic.name() + ": partitions without a leader " + withoutLeader);
            }
        }
        if (!problems.isEmpty()) {
            return Optional.of(String.join("; ", problems));
        }
        return servingProblem(admin, described, deadline);
    }

    /**
     * Empty when every partition's leader answers a ListOffsets request for it (its log is open), which it
     * does only once it serves produce requests too.
     */
    private static Optional<String> servingProblem(Admin admin, Map<String, TopicDescription> described,
            long deadline) throws InterruptedException {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        described.values().forEach(d -> d.partitions().forEach(
                p -> partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        long waitMs = Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(remainingNanos(deadline)),
                LIST_OFFSETS_TIMEOUT.toMillis()));
        try {
            admin.listOffsets(partitions, new ListOffsetsOptions().timeoutMs((int) waitMs)).all()
                    .get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RetriableException) {
                return Optional.of("partition leaders not serving yet: " + e.getCause().getMessage());
            }
            throw new EmbeddedStackException("cannot list offsets of " + described.keySet(), e.getCause());
        } catch (TimeoutException e) {
            return Optional.of("listOffsets timed out");
        }
    }

    private static long remainingNanos(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private static List<String> names(List<TopicSpec> topics) {
        return topics.stream().map(TopicSpec::name).toList();
    }
}
