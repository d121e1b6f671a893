package io.sdfleet.producer.replay;

/**
 * The worker group's offsets cannot be reset because the group has active members: Kafka only lets a
 * group's committed offsets be changed from outside while the group is empty.
 *
 * <p>What to do: stop the workers (scale the Deployment to zero), wait until they have left the group,
 * and run the reset again. Nothing was changed.
 */
public class ActiveGroupMembersException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String group;
    private final int members;

    public ActiveGroupMembersException(String group, int members, Throwable cause) {
        super("stop the workers first (group has " + members + " member" + (members == 1 ? "" : "s")
                + "): Kafka changes the offsets of group " + group + " only while it has none", cause);
        this.group = group;
        this.members = members;
    }

    /** The group. */
    public String group() {
        return group;
    }

    /** How many members it had when the reset was refused (0 when they came and went meanwhile). */
    public int members() {
        return members;
    }
}
