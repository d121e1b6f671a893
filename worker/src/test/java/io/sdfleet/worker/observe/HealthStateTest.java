package io.sdfleet.worker.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HealthStateTest {

    @Test
    void startsLiveAndNotReady() {
        HealthState state = new HealthState();
        assertTrue(state.isLive());
        assertFalse(state.isReady());
        assertEquals(HealthState.STARTING, state.reason());
    }

    @Test
    void transitions() {
        HealthState state = new HealthState();
        state.markReady();
        assertTrue(state.isReady());
        assertEquals(HealthState.READY, state.reason());
        state.markNotReady("store unavailable");
        assertFalse(state.isReady());
        assertTrue(state.isLive());
        assertEquals("store unavailable", state.reason());
        state.markDead("poll thread died");
        state.markReady();
        assertFalse(state.isLive());
        assertFalse(state.isReady());
        assertEquals("poll thread died", state.reason());
    }

    @Test
    void reasonsAreRequired() {
        HealthState state = new HealthState();
        assertThrows(IllegalArgumentException.class, () -> state.markNotReady(" "));
        assertThrows(IllegalArgumentException.class, () -> state.markDead(null));
    }
}
