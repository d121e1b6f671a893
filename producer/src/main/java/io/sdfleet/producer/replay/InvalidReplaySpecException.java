package io.sdfleet.producer.replay;

/**
 * A replay or offset reset was asked for in a way that cannot be done: contradictory bounds, a partition
 * the topic does not have, a topic that does not exist, a malformed offset or time.
 *
 * <p>What to do: fix the arguments. Nothing was sent and no offset was changed when it is thrown.
 */
public class InvalidReplaySpecException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidReplaySpecException(String message) {
        super(message);
    }
}
