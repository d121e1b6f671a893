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

    /** The contract's job id rule is the key rule: every id validation accepts makes a key, and no other. */
    @ParameterizedTest
    @ValueSource(strings = {"j", "a.b", "a.", "-a", ":x", "a.b.c", ".", "..", "...", "a..b", ".hidden", "..:..", "-..",
        "x/y", "é", "0193e2c4-7f3a-7cc1-9d2e-1f2a3b4c5d6e"})
    void theContractRuleAndTheKeyRuleAgree(String jobId) {
        boolean valid = io.sdfleet.common.RequestValidator.validate(
                io.sdfleet.common.JobRequest.builder("p").jobId(jobId).build()).isEmpty();
        boolean keyed;
        try {
            ObjectKeys.imageKey("images", jobId, 0);
            keyed = true;
        } catch (IllegalArgumentException e) {
            keyed = false;
        }
        assertEquals(valid, keyed, jobId);
    }

    @Test
    void refusesNegativeIndexAndSlashesAroundThePrefix() {
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.imageKey("images", "j", -1));
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.imageKey("/images", "j", 0));
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.imageKey("images/", "j", 0));
    }
}
