package io.sdfleet.worker.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Per-partition offset tracking: which taken records are unfinished, which are finished with what to
 * write, and how far each partition may be committed.
 *
 * <p>The invariant: a partition is committed only up to its lowest unfinished record, and the records of
 * finished work are released together with the offsets that cover them, in offset order. So a crash
 * loses nothing (an unfinished job's offset was never committed) and, with transactions, a completion is
 * never visible for a record that a later owner will process again: work finished out of order (a later
 * batch, a job of another key) waits here until everything below it in its partition is finished.
 *
 * <p>Sessions: every partition's tracking has a session number, new after {@link #forget} (revoke,
 * rewind). Finished work from an older session is refused, because its record will be delivered again.
 * Abandoned records (dropped from the pending set at shutdown or revoke) stay unfinished for good, so
 * the commit stops below them.
 *
 * <p>Not thread-safe: only the poll thread uses it (other threads hand finished work over through
 * {@link WorkInbox}). Offsets within a partition need not be contiguous (transaction markers, compaction).
 */
public final class PartitionOffsets {

    /** Marks an unfinished slot. */
    private static final FinishedWork UNFINISHED = null;

    private static final class Track {
        final long session;
        long committedPosition = -1;
        /** Highest offset ever tracked in this session (also after it was released). */
        long lastTracked = -1;
        /** Offset to its finished work, or to {@link #UNFINISHED} (null) while it is not done. */
        final TreeMap<Long, FinishedWork> slots = new TreeMap<>();
        final Set<Long> abandoned = new HashSet<>();

        Track(long session) {
            this.session = session;
        }

        int awaiting() {
            int n = 0;
            for (Map.Entry<Long, FinishedWork> e : slots.entrySet()) {
                if (e.getValue() == UNFINISHED && !abandoned.contains(e.getKey())) {
                    n++;
                }
            }
            return n;
        }
    }

    private final Map<TopicPartition, Track> tracks = new HashMap<>();
    private final LiveSessions live;
    private long nextSession = 1;

    /** @param live where the current session of every partition is published for the other threads */
    public PartitionOffsets(LiveSessions live) {
        this.live = live;
    }

    /** Tracking without publishing sessions (tests of the offset logic alone). */
    public PartitionOffsets() {
        this(new LiveSessions());
    }

    /** The partition's current session, starting one if it has none. */
    public long session(TopicPartition partition) {
        return track(partition).session;
    }

    /** The partition's current session, or -1 when it has none (nothing tracked since it was forgotten). */
    public long currentSession(TopicPartition partition) {
        Track t = tracks.get(partition);
        return t == null ? -1 : t.session;
    }

    /**
     * Whether {@code offset} of {@code partition} is not above the highest offset tracked in its session: the
     * consumer's position moved backwards without a seek of ours (auto.offset.reset after the log was
     * truncated or deleted). The caller then {@link #forget}s the partition and tracks it in a new session.
     */
    public boolean movedBack(TopicPartition partition, long offset) {
        Track t = tracks.get(partition);
        return t != null && offset <= t.lastTracked;
    }

    /**
     * Records a taken record as unfinished; offsets of one partition must be tracked in increasing order
     * within a session (check {@link #movedBack} first).
     */
    public void track(TopicPartition partition, long offset) {
        Track t = track(partition);
        if (offset <= t.lastTracked) {
            throw new IllegalStateException("offset " + offset + " of " + partition + " tracked after "
                    + t.lastTracked + " in the same session");
        }
        if (t.committedPosition < 0) {
            t.committedPosition = offset;
        }
        t.lastTracked = offset;
        t.slots.put(offset, UNFINISHED);
    }

    /**
     * Marks tracked work finished.
     *
     * @return false when the work is stale (its session ended, or the offset is not tracked): ignore it
     */
    public boolean finish(FinishedWork work) {
        Track t = tracks.get(work.partition());
        if (t == null || t.session != work.session()) {
            return false;
        }
        if (!t.slots.containsKey(work.offset()) || t.slots.get(work.offset()) != UNFINISHED
                || t.abandoned.contains(work.offset())) {
            return false;
        }
        t.slots.put(work.offset(), work);
        return true;
    }

    /** Gives up a tracked record: it will never finish here, so the commit stops below it. */
    public void abandon(TopicPartition partition, long offset) {
        Track t = tracks.get(partition);
        if (t != null && t.slots.containsKey(offset) && t.slots.get(offset) == UNFINISHED) {
            t.abandoned.add(offset);
        }
    }

    /** Tracked records, in all partitions, that are neither finished nor abandoned. */
    public int awaiting() {
        int n = 0;
        for (Track t : tracks.values()) {
            n += t.awaiting();
        }
        return n;
    }

    /** Like {@link #awaiting()}, for some partitions only. */
    public int awaiting(Collection<TopicPartition> partitions) {
        int n = 0;
        for (TopicPartition p : partitions) {
            Track t = tracks.get(p);
            n += t == null ? 0 : t.awaiting();
        }
        return n;
    }

    /**
     * Removes the finished prefix of every partition (finished work up to its lowest unfinished record)
     * and returns it with the offsets to commit. Partitions with nothing new to commit are left out.
     */
    public CommitUnit release() {
        List<FinishedWork> released = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        Map<TopicPartition, Long> rewindTo = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, Track> entry : tracks.entrySet()) {
            Track t = entry.getValue();
            long last = -1;
            while (!t.slots.isEmpty() && t.slots.firstEntry().getValue() != UNFINISHED) {
                Map.Entry<Long, FinishedWork> done = t.slots.pollFirstEntry();
                released.add(done.getValue());
                last = done.getKey();
            }
            if (last >= 0) {
                long next = t.slots.isEmpty() ? last + 1 : t.slots.firstKey();
                offsets.put(entry.getKey(), new OffsetAndMetadata(next));
                rewindTo.put(entry.getKey(), t.committedPosition);
            }
        }
        return new CommitUnit(released, offsets, rewindTo);
    }

    /** Records that a unit was committed: its offsets become the partitions' rewind positions. */
    public void committed(CommitUnit unit) {
        unit.offsets().forEach((partition, offset) -> {
            Track t = tracks.get(partition);
            if (t != null) {
                t.committedPosition = offset.offset();
            }
        });
    }

    /**
     * Ends a partition's session and drops everything tracked for it.
     *
     * @return the last committed position known for it (where to seek to process again), if any
     */
    public OptionalLong forget(TopicPartition partition) {
        Track t = tracks.remove(partition);
        live.end(partition);
        return t == null || t.committedPosition < 0 ? OptionalLong.empty() : OptionalLong.of(t.committedPosition);
    }

    /** Partitions with a tracking session. */
    public Set<TopicPartition> partitions() {
        return Set.copyOf(tracks.keySet());
    }

    private Track track(TopicPartition partition) {
        return tracks.computeIfAbsent(partition, p -> {
            Track t = new Track(nextSession++);
            live.begin(p, t.session);
            return t;
        });
    }
}
