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
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Per-partition offset tracking: which taken records are unfinished, which are finished with what to
 * write, and how far each partition may be committed.
 *
 * <p>The invariant: a partition's committed offset stays at or below its lowest unfinished record, and the
 * records of finished work are released together with the offsets that cover them. Work finished out of
 * order (a short job taken after a long one) is released at once too: its offset goes into the commit's
 * {@link DoneAhead} set, the committed offset's metadata, written in the same transaction as its
 * completion. So a crash loses nothing (an unfinished job's offset was never committed) and, with
 * transactions, a completion is never visible for a record that a later owner will process again: the
 * later owner skips the records of the set ({@link #track} returns false). The set is bounded
 * ({@link DoneAhead#MAX_METADATA_CHARS}); work that would not fit waits until everything below it is done.
 *
 * <p>What is done ahead of the committed offset is known from the broker at assignment
 * ({@link #committedOnBroker}) and from this worker's own commits ({@link #committed}); a new session
 * (after a rewind) starts from that knowledge, so it skips what the last successful commit finished.
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
        /** Offsets above the commit that are done: released ahead here, or known done when the session began. */
        final TreeSet<Long> doneAhead = new TreeSet<>();
        /** The committed offset the known set was written for (-1: none). */
        final long knownBase;

        Track(long session, DoneAhead known) {
            this.session = session;
            this.knownBase = known == null ? -1 : known.base();
            if (known != null) {
                doneAhead.addAll(known.offsets());
            }
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
    /** Per partition, what its committed offset's metadata says is done ahead, as far as this worker knows. */
    private final Map<TopicPartition, DoneAhead> committedAhead = new HashMap<>();
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
     * Records a taken record as unfinished, unless it is done already (committed ahead of the committed
     * offset, by this worker or an earlier owner). Offsets of one partition must be tracked in increasing
     * order within a session (check {@link #movedBack} first).
     *
     * @return true when the record is to be processed, false when it is done and must be skipped
     */
    public boolean track(TopicPartition partition, long offset) {
        Track t = track(partition);
        if (offset <= t.lastTracked) {
            throw new IllegalStateException("offset " + offset + " of " + partition + " tracked after "
                    + t.lastTracked + " in the same session");
        }
        if (t.committedPosition < 0) {
            t.committedPosition = offset;
            if (offset < t.knownBase) {
                // The session starts below the committed offset (reset to the log's start after a truncation):
                // the set was written for another log, its offsets may hold other records now.
                t.doneAhead.clear();
            }
        }
        t.lastTracked = offset;
        if (t.doneAhead.contains(offset)) {
            return false;
        }
        t.slots.put(offset, UNFINISHED);
        return true;
    }

    /**
     * What the broker has committed for a partition (read when it is assigned, or after a commit whose outcome
     * was unknown): the records its metadata lists as done are skipped from the next session on.
     *
     * @param committed the committed offset and metadata; null when the group has none
     */
    public void committedOnBroker(TopicPartition partition, OffsetAndMetadata committed) {
        committedAhead.put(partition, DoneAhead.of(committed));
    }

    /**
     * Forgets what is done ahead of a partition's committed offset: its position moved back without a seek of
     * ours (the log was truncated or deleted), so those offsets may now hold other records.
     */
    public void dropDoneAhead(TopicPartition partition) {
        committedAhead.remove(partition);
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
     * Removes the finished work of every partition and returns it with the offsets to commit: the finished
     * prefix (up to the lowest unfinished record), then finished work above it as far as the partition's
     * {@link DoneAhead} metadata has room. Partitions with nothing new to commit are left out.
     */
    public CommitUnit release() {
        List<FinishedWork> released = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        Map<TopicPartition, Long> rewindTo = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, Track> entry : tracks.entrySet()) {
            Track t = entry.getValue();
            boolean any = false;
            while (!t.slots.isEmpty() && t.slots.firstEntry().getValue() != UNFINISHED) {
                released.add(t.slots.pollFirstEntry().getValue());
                any = true;
            }
            long next = t.slots.isEmpty() ? t.lastTracked + 1 : t.slots.firstKey();
            t.doneAhead.headSet(next).clear(); // below the commit: covered by the offset itself
            List<Long> ahead = new ArrayList<>();
            for (Map.Entry<Long, FinishedWork> slot : t.slots.entrySet()) {
                if (slot.getValue() == UNFINISHED) {
                    continue;
                }
                t.doneAhead.add(slot.getKey());
                if (!new DoneAhead(next, t.doneAhead).fits()) {
                    t.doneAhead.remove(slot.getKey()); // held back until the records below it are done
                    break;
                }
                ahead.add(slot.getKey());
            }
            for (long offset : ahead) {
                released.add(t.slots.remove(offset));
            }
            if (any || !ahead.isEmpty()) {
                offsets.put(entry.getKey(), new DoneAhead(next, t.doneAhead).commitOffset());
                rewindTo.put(entry.getKey(), t.committedPosition);
            }
        }
        return new CommitUnit(released, offsets, rewindTo);
    }

    /**
     * Records that a unit was committed: its offsets become the partitions' rewind positions, and their
     * metadata what a new session of the partition skips.
     */
    public void committed(CommitUnit unit) {
        unit.offsets().forEach((partition, offset) -> {
            committedAhead.put(partition, DoneAhead.of(offset));
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
            Track t = new Track(nextSession++, committedAhead.get(p));
            live.begin(p, t.session);
            return t;
        });
    }
}
