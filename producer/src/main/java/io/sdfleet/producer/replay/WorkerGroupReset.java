package io.sdfleet.producer.replay;

import io.sdfleet.common.config.KafkaSettings;
import io.sdfleet.common.config.DurationText;
import io.sdfleet.producer.KafkaUnavailableException;
import io.sdfleet.producer.kafka.ClientProperties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Moves the worker group's committed offsets on the requests topic to a time, so that the workers
 * reprocess every request from then on when they start again: the "full reprocess" form of a replay
 * (same job ids, so the images are rewritten in place; see DESIGN.md, keys).
 *
 * <p>Kafka changes a group's offsets from outside only while the group has no members, so the group is
 * described first and a group with members is refused ({@link ActiveGroupMembersException}); a worker that
 * joins between that check and the commit makes Kafka refuse the commit, which is reported the same way.
 * The new offset of each partition is that of its first record stamped at or after the time, or the end of
 * the partition when there is none. Offsets of other topics the group may have are left alone.
 *
 * <p>Each call opens and closes its own {@link Admin}; every Kafka call is bounded by the lookup timeout
 * and a timeout becomes {@link KafkaUnavailableException} (retry later). Thread-safe.
 */
public final class WorkerGroupReset {

    private final KafkaSettings settings;
    private final String model;
    private final Supplier<Admin> admins;
    private final Duration timeout;

    /** A reset of {@code settings.workerGroup()} on {@code settings.topicRequests()}. */
    public WorkerGroupReset(KafkaSettings settings) {
        this(settings, null);
    }

    /**
     * A reset of the group of {@code model}'s workers on its requests topic ({@link KafkaSettings#workerGroupFor},
     * {@link KafkaSettings#requestsTopicFor}); null: the default model's.
     */
    public WorkerGroupReset(KafkaSettings settings, String model) {
        this(settings, model, () -> Admin.create(adminProperties(settings)), lookupTimeoutOf(settings));
    }

    WorkerGroupReset(KafkaSettings settings, Supplier<Admin> admins, Duration timeout) {
        this(settings, null, admins, timeout);
    }

    WorkerGroupReset(KafkaSettings settings, String model, Supplier<Admin> admins, Duration timeout) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.model = model;
        this.admins = Objects.requireNonNull(admins, "admins");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Computes the new offsets and, unless {@code dryRun}, commits them for the group.
     *
     * @throws ActiveGroupMembersException the group has members (not thrown in a dry run; see the plan)
     * @throws InvalidReplaySpecException  the requests topic does not exist
     * @throws KafkaUnavailableException   Kafka did not answer within the timeout
     */
    public OffsetResetPlan reset(Instant time, boolean dryRun) {
        Objects.requireNonNull(time, "time");
        String group = settings.workerGroupFor(model);
        String topic = settings.requestsTopicFor(model);
        try (Admin admin = admins.get()) {
            List<TopicPartition> partitions = partitionsOf(admin, topic);
            int members = memberCount(admin, group);
            if (members > 0 && !dryRun) {
                throw new ActiveGroupMembersException(group, members, null);
            }
            Map<TopicPartition, OffsetAndMetadata> committed = get(
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), "reading the group's offsets");
            Map<TopicPartition, Long> target = offsetsAt(admin, partitions, time);
            List<OffsetResetPlan.PartitionReset> moves = new ArrayList<>();
            Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata old = committed.get(tp);
                moves.add(new OffsetResetPlan.PartitionReset(tp.partition(), old == null ? null : old.offset(),
                        target.get(tp)));
                commit.put(tp, new OffsetAndMetadata(target.get(tp), "sdfleet replay reset-offsets to " + time));
            }
            if (!dryRun) {
                alter(admin, group, commit);
            }
            return new OffsetResetPlan(group, topic, time, moves, members, !dryRun);
        }
    }

    private List<TopicPartition> partitionsOf(Admin admin, String topic) {
        TopicDescription description;
        try {
            description = get(admin.describeTopics(List.of(topic)).topicNameValues().get(topic),
                    "describing topic " + topic);
        } catch (UnknownTopicOrPartitionException e) {
            throw new InvalidReplaySpecException("topic " + topic + " does not exist at " + settings.bootstrapServers());
        }
        return description.partitions().stream().map(p -> new TopicPartition(topic, p.partition()))
                .sorted((a, b) -> Integer.compare(a.partition(), b.partition())).toList();
    }

    private int memberCount(Admin admin, String group) {
        try {
            ConsumerGroupDescription d = get(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group),
                    "describing group " + group);
            return d.members().size();
        } catch (GroupIdNotFoundException e) {
            return 0; // a group that never committed: nothing can be active in it
        }
    }

    /** First offset at or after the time per partition; the partition's end where no record is that late. */
    private Map<TopicPartition, Long> offsetsAt(Admin admin, List<TopicPartition> partitions, Instant time) {
        Map<TopicPartition, OffsetSpec> atTime = new HashMap<>();
        partitions.forEach(tp -> atTime.put(tp, OffsetSpec.forTimestamp(Math.max(0, time.toEpochMilli()))));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> found =
                get(admin.listOffsets(atTime).all(), "looking up offsets for " + time);
        Map<TopicPartition, Long> out = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        found.forEach((tp, info) -> {
            if (info.offset() >= 0) {
                out.put(tp, info.offset());
            } else {
                latest.put(tp, OffsetSpec.latest());
            }
        });
        if (!latest.isEmpty()) {
            get(admin.listOffsets(latest).all(), "looking up end offsets")
                    .forEach((tp, info) -> out.put(tp, info.offset()));
        }
        return out;
    }

    private void alter(Admin admin, String group, Map<TopicPartition, OffsetAndMetadata> commit) {
        try {
            get(admin.alterConsumerGroupOffsets(group, commit).all(), "committing the new offsets");
        } catch (UnknownMemberIdException | GroupNotEmptyException e) {
            // A worker joined after the member check; Kafka refused the commit, nothing changed.
            throw new ActiveGroupMembersException(group, memberCount(admin, group), e);
        }
    }

    /**
     * Waits for an Admin future within the timeout. Kafka errors are rethrown as they are (callers catch the
     * ones they expect); a timeout, on either side, means Kafka is unreachable.
     */
    private <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException t) {
                throw unavailable(what, t);
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw unavailable(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while " + what, e);
        }
    }

    private KafkaUnavailableException unavailable(String what, Exception cause) {
        return new KafkaUnavailableException("no Kafka broker answered at " + settings.bootstrapServers() + " within "
                + DurationText.format(timeout) + " (" + what + ")", cause);
    }

    private static Duration lookupTimeoutOf(KafkaSettings settings) {
        return ClientProperties.maxBlock(ClientProperties.producer(settings.bootstrapServers(),
                settings.clientOverrides(), "reset-timeouts"));
    }

    /** Admin properties: the settings' admin pass-through properties, API calls bounded by the lookup timeout. */
    static Map<String, Object> adminProperties(KafkaSettings settings) {
        Map<String, Object> p = new HashMap<>(settings.adminConfig());
        int ms = (int) lookupTimeoutOf(settings).toMillis();
        p.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        p.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "sdfleet-reset-offsets");
        return p;
    }
}
