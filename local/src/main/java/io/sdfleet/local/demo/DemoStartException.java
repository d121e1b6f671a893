package io.sdfleet.local.demo;

/**
 * Something the demo needs could not be set up (the model folder, the worker, the topics): the demo stops
 * what it started and exits with {@link DemoOptions#EXIT_START}. The message is meant for the person at
 * the terminal and says what to change.
 */
public final class DemoStartException extends Exception {

    private static final long serialVersionUID = 1L;

    public DemoStartException(String message) {
        super(message);
    }

    public DemoStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
