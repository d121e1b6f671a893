package io.sdfleet.worker.kafka;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * Finds the records of a failed commit that can never be sent as they are (RecordTooLargeException: over
 * max.request.size or the topic's max.message.bytes; InvalidRecordException: refused by the broker for its
 * content), and replaces each with a minimal DLQ record ({@link DeadLetterRecords#unsendable}).
 *
 * <p>Why: such a failure is deterministic. Left alone it rejects the commit unit, the unit's partitions are
 * rewound, the same records are made again and fail again: no commit of the worker ever succeeds. The
 * committers isolate them once per unit and retry; a unit that still fails is rejected as before.
 * Stateless; used on the poll thread.
 */
final class UnsendableRecords {

    private UnsendableRecords() {
    }

    /** Whether {@code failure} (or a cause) is tied to one record and will not go away by retrying. */
    static boolean isRecordSpecific(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RecordTooLargeException || t instanceof InvalidRecordException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The failed sends among {@code sends} (index aligned with the unit's records) whose failure is
     * record-specific; only completed futures are looked at (the commit that failed has flushed them).
     */
    static Map<Integer, Throwable> find(List<Future<RecordMetadata>> sends) {
        Map<Integer, Throwable> found = new LinkedHashMap<>();
        for (int i = 0; i < sends.size(); i++) {
            Future<RecordMetadata> f = sends.get(i);
            if (!f.isDone() || f.isCancelled()) {
                continue;
            }
            try {
                f.get();
            } catch (ExecutionException e) {
                if (isRecordSpecific(e.getCause())) {
                    found.put(i, e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return found;
            }
        }
        return found;
    }

    /** {@code unit} with the records at the keys of {@code unsendable} replaced by minimal DLQ records. */
    static CommitUnit replace(CommitUnit unit, Map<Integer, Throwable> unsendable, DeadLetterRecords deadLetters) {
        List<FinishedWork> work = new ArrayList<>(unit.work().size());
        int index = 0;
        for (FinishedWork w : unit.work()) {
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(w.records());
            for (int r = 0; r < records.size(); r++, index++) {
                Throwable why = unsendable.get(index);
                if (why != null) {
                    records.set(r, deadLetters.unsendable(records.get(r), why));
                }
            }
            work.add(new FinishedWork(w.partition(), w.offset(), w.session(), records, w.what(), w.status(),
                    w.reason()));
        }
        return new CommitUnit(work, unit.offsets(), unit.rewindTo());
    }
}
