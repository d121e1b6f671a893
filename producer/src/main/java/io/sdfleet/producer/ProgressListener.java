package io.sdfleet.producer;

import io.sdfleet.common.Completion;
import io.sdfleet.common.fleet.ProgressEvent;

/**
 * Told how far awaited jobs have got: their progress events (best effort: some may be missing, none arrives after
 * the job's completion was seen) and then their completion. Called on the thread that waits, between polls: return
 * quickly.
 */
@FunctionalInterface
public interface ProgressListener {

    /** A progress event of one of the awaited jobs, in the job's order. */
    void onProgress(ProgressEvent event);

    /** The completion of one of the awaited jobs (after its last progress event). */
    default void onCompletion(Completion completion) {
    }
}
