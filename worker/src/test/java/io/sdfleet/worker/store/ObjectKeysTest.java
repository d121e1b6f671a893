package io.sdfleet.worker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectKeysTest {

    @Test
    void keyIsPrefixJobIdIndexPng() {
        assertEquals("images/job-1/0.png", ObjectKeys.imageKey("images", "job-1", 0));
        assertEquals("a/b/J.x:y_z-1/12.png", ObjectKeys.imageKey("a/b", "J.x:y_z-1", 12));
    }

    @Test
    void emptyPrefixLeavesItOut() {
        assertEquals("job-1/3.png", ObjectKeys.imageKey("", "job-1", 3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "/abs", "..", "a..b", ".hidden", "back\\slash", "sp ace", "tab\t", "é"})
    void refusesUnsafeJobIds(String jobId) {
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.imageKey("images", jobId, 0));
    }

    @Test
    void refusesNegativeIndexAndSlashesAroundThePrefix() {
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.imageKey("images", "j", -1));
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.imageKey("/images", "j", 0));
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.imageKey("images/", "j", 0));
    }
}
