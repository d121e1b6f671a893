package io.sdfleet.local;

import java.util.Objects;

/**
 * A topic to create on the embedded broker: its name and partition count. The replication factor is
 * always 1 (the broker is a single node).
 *
 * @param name       topic name, as Kafka allows it (letters, digits, '.', '_', '-'; at most 249 chars)
 * @param partitions number of partitions, at least 1
 */
public record TopicSpec(String name, int partitions) {

    /** Kafka's limit on a topic name's length. */
    static final int MAX_NAME_LENGTH = 249;

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || !name.matches("[a-zA-Z0-9._-]+")
                || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not a valid Kafka topic name: '" + name + "'");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions of " + name + " must be >= 1, was " + partitions);
        }
    }
}
