package io.sdfleet.worker.pipeline;

/**
 * The device or a runtime failed in a way that is not the jobs' fault (out of memory, a lost GPU, a
 * native error). The batch is not committed; its jobs are delivered again, to this or another worker.
 * Whether the worker itself should stop is the caller's decision ({@link #fatal()}).
 */
public class DeviceFault extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean fatal;

    public DeviceFault(String message, Throwable cause, boolean fatal) {
        super(message, cause);
        this.fatal = fatal;
    }

    /** True when the runtime cannot be used again in this process (the worker should exit and restart). */
    public boolean fatal() {
        return fatal;
    }
}
