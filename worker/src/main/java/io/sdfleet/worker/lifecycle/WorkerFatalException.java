package io.sdfleet.worker.lifecycle;

/**
 * The worker cannot go on (a fatal device fault, a misconfigured object store, a Kafka authorization or
 * version error, a producer fenced again and again). What to do: stop taking work, commit nothing more,
 * close the clients and exit with a non-zero status; the orchestrator restarts the process and the
 * uncommitted jobs are delivered again.
 */
public class WorkerFatalException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public WorkerFatalException(String message, Throwable cause) {
        super(message, cause);
    }
}
