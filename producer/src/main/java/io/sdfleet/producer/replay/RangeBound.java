package io.sdfleet.producer.replay;

import io.sdfleet.common.config.DurationText;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One end of a replay range: an offset on every partition, offsets of listed partitions only, or a time.
 *
 * <p>How each is read depends on the end it bounds (see {@link ReplaySpec}): offsets are inclusive at both
 * ends (the operator names the first and the last record), a time range is half-open {@code [from, to)}
 * and is turned into offsets with Kafka's {@code offsetsForTimes} (the first record whose timestamp is at
 * or after the time). Record timestamps are the producer's create time unless the topic says otherwise,
 * so a time range is "records from the first one stamped at or after {@code from} up to, not including,
 * the first one stamped at or after {@code to}", in offset order.
 *
 * <p>Text forms ({@link #parseOffsets}, {@link #parseTime}): {@code 120} (every partition),
 * {@code 0:120,2:75} (those partitions only); {@code 2026-03-01T10:00:00Z}, {@code 2026-03-01T12:00:00+02:00},
 * {@code now}, or a time before now: {@code -90s}, {@code -30m}, {@code -2h}, {@code -1d}, {@code -PT2H}.
 */
public sealed interface RangeBound {

    /** The partitions this bound restricts the replay to, or empty when it applies to all. */
    default Optional<Set<Integer>> partitions() {
        return Optional.empty();
    }

    /** The same offset on every partition. */
    record Offset(long offset) implements RangeBound {
        public Offset {
            if (offset < 0) {
                throw new InvalidReplaySpecException("offset must be 0 or more, got " + offset);
            }
        }
    }

    /** Offsets of listed partitions; partitions not listed are not replayed. */
    record PartitionOffsets(Map<Integer, Long> offsets) implements RangeBound {
        public PartitionOffsets {
            if (offsets == null || offsets.isEmpty()) {
                throw new InvalidReplaySpecException("no partition:offset pair given");
            }
            offsets.forEach((p, o) -> {
                if (p < 0 || o < 0) {
                    throw new InvalidReplaySpecException("partition and offset must be 0 or more, got " + p + ":" + o);
                }
            });
            offsets = Collections.unmodifiableMap(new TreeMap<>(offsets));
        }

        @Override
        public Optional<Set<Integer>> partitions() {
            return Optional.of(offsets.keySet());
        }
    }

    /** A time, resolved per partition with {@code offsetsForTimes}. */
    record AtTime(Instant instant) implements RangeBound {
        public AtTime {
            Objects.requireNonNull(instant, "instant");
        }
    }

    /**
     * Parses {@code N} or {@code P:N[,P:N...]}.
     *
     * @throws InvalidReplaySpecException naming the text when it is neither
     */
    static RangeBound parseOffsets(String text) {
        String t = text.strip();
        if (Patterns.NUMBER.matcher(t).matches()) {
            return new Offset(parseLong(t, text));
        }
        Map<Integer, Long> pairs = new TreeMap<>();
        for (String pair : t.split(",", -1)) {
            Matcher m = Patterns.PAIR.matcher(pair.strip());
            if (!m.matches()) {
                throw new InvalidReplaySpecException("'" + text
                        + "' is not an offset: write N (every partition) or PARTITION:OFFSET[,PARTITION:OFFSET...]");
            }
            int partition = (int) parseLong(m.group(1), text);
            if (pairs.put(partition, parseLong(m.group(2), text)) != null) {
                throw new InvalidReplaySpecException("partition " + partition + " is given twice in '" + text + "'");
            }
        }
        return new PartitionOffsets(pairs);
    }

    /**
     * Parses an ISO-8601 instant or date-time with offset, {@code now}, or {@code -DURATION} before
     * {@code clock}'s now.
     *
     * @throws InvalidReplaySpecException naming the text when it is none of these
     */
    static RangeBound parseTime(String text, Clock clock) {
        String t = text.strip();
        if (t.equalsIgnoreCase("now")) {
            return new AtTime(clock.instant());
        }
        if (t.startsWith("-")) {
            return new AtTime(clock.instant().minus(parseAgo(t.substring(1), text)));
        }
        try {
            return new AtTime(Instant.parse(t));
        } catch (DateTimeParseException notAnInstant) {
            try {
                return new AtTime(OffsetDateTime.parse(t).toInstant());
            } catch (DateTimeParseException e) {
                throw new InvalidReplaySpecException("'" + text + "' is not a time: write 2026-03-01T10:00:00Z, "
                        + "now, or a time before now like -30m, -2h, -1d");
            }
        }
    }

    private static Duration parseAgo(String d, String text) {
        Duration parsed;
        try {
            parsed = DurationText.parse(d);
        } catch (IllegalArgumentException e) {
            throw new InvalidReplaySpecException("'" + text + "' is not a time before now like -30m, -2h, -1d or -PT2H");
        }
        if (parsed.isNegative()) {
            throw new InvalidReplaySpecException("'" + text + "': write a time before now as -DURATION");
        }
        return parsed;
    }

    private static long parseLong(String digits, String text) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new InvalidReplaySpecException("'" + text + "': number out of range");
        }
    }

    /** Patterns of the text forms (an interface cannot hold private constants). */
    final class Patterns {
        static final Pattern NUMBER = Pattern.compile("\\d{1,19}");
        static final Pattern PAIR = Pattern.compile("(\\d{1,9}):(\\d{1,19})");

        private Patterns() {
        }
    }
}
