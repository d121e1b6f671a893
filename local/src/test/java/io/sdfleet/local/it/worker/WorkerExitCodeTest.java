package io.sdfleet.local.it.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import io.sdfleet.worker.WorkerMain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A clean SIGTERM always ends the process with 0: orchestrators read any other status (143 is the JVM's own
 * after a signal) as a failure. The exit raced before: the shutdown hook returned as soon as the main thread
 * was done and the JVM then ended with 143 whenever it got there before the main thread's halt(0) — about
 * one stop in five. Many stops in a row make a regression of that race show.
 */
@Tag("integration")
@Tag("slow")
@ExtendWith(LocalStackExtension.class)
class WorkerExitCodeTest {

    private static final int STOPS = 12;

    @Test
    void everyCleanStopExitsZero(LocalStack stack) throws Exception {
        try (WorkerScenario s = new WorkerScenario(stack, "exit-code", true)) {
            Map<String, String> env = s.env("w", Map.of("SDFLEET_SHUTDOWN_GRACE", "5s"));
            List<String> failures = new ArrayList<>();
            for (int stop = 0; stop < STOPS; stop++) {
                try (WorkerChild child = WorkerChild.start(env, Duration.ZERO)) {
                    child.awaitLog("partitions assigned", Duration.ofSeconds(45));
                    child.process().destroy(); // SIGTERM
                    assertTrue(child.process().waitFor(30, TimeUnit.SECONDS), "stopped:\n" + child.logText());
                    int exit = child.process().exitValue();
                    if (exit != WorkerMain.EXIT_OK || !child.logText().contains("worker stopped cleanly")) {
                        failures.add("stop " + stop + " exited " + exit + ":\n" + child.logText());
                    }
                }
            }
            assertEquals(List.of(), failures, "every clean stop exits 0");
        }
    }
}
