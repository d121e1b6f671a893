package io.sdfleet.worker.consume;

/**
 * A commit did not happen (the transaction was aborted, the group rebalanced under it, a send or the
 * offset commit failed or timed out). What to do: seek the unit's partitions back to their last committed
 * offsets and process those records again; nothing of the unit is visible to read_committed readers
 * (with transactions) or it may be written again (without: at-least-once).
 */
public class CommitRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CommitRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
