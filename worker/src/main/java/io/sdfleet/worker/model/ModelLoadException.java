package io.sdfleet.worker.model;

/**
 * A model folder or model file cannot be used: a file is missing, unreadable or does not have the
 * tensors the pipeline needs, or a native runtime cannot be loaded.
 *
 * <p>What to do: stop the worker at start and show the message to the operator. It names the file (or
 * library), what was expected and what was found. Retrying cannot help; a job is never failed with it,
 * because models are loaded before the worker takes any job.
 */
public final class ModelLoadException extends Exception {
    private static final long serialVersionUID = 1L;

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
