package io.sdfleet.worker;

/**
 * A worker could not start: the health port could not be bound, the model could not be loaded or failed its
 * warm-up with a device fault, the store is misconfigured or stayed unreachable past its retry deadline, or
 * the Kafka clients could not be created. What to do: fix what the message (and the cause) names and start
 * again; nothing of the failed start is left running. A worker process exits with
 * {@link WorkerMain#EXIT_START}.
 */
public final class WorkerStartException extends Exception {

    private static final long serialVersionUID = 1L;

    public WorkerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
