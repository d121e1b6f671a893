package io.sdfleet.producer;

import java.time.Duration;

/** Short human text for durations in messages: "10s", "1500ms", "5m", "2h". */
public final class DurationText {

    private DurationText() {
    }

    public static String of(Duration duration) {
        long ms = duration.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
