package io.sdfleet.local;

import java.util.UUID;

/** Unique names for what tests create on the shared stack, so that tests never see each other's data. */
final class TestNames {

    private TestNames() {
    }

    /** {@code prefix} followed by a random suffix; valid as a topic, group, transactional id or key part. */
    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
