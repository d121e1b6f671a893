package io.sdfleet.worker;

import java.util.List;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Kafka's consumer group protocols ({@code group.protocol}), as {@code SDFLEET_GROUP_PROTOCOL} names them.
 *
 * <p>{@link #CLASSIC}: the client-side rebalance protocol; every membership change is a group-wide
 * join/sync round that waits for every member (up to the session timeout for one that died).
 * {@link #CONSUMER}: KIP-848 (brokers 4.0+); the broker assigns partitions member by member, so a member that
 * dies or rejoins does not hold the others' rounds.
 */
public enum GroupProtocol {
    CLASSIC,
    CONSUMER;

    /** Client properties that only the classic protocol reads (the consumer protocol refuses them). */
    static final List<String> CLASSIC_ONLY_PROPERTIES = List.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);

    /** The value of Kafka's {@code group.protocol}. */
    public String kafkaName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
