package io.sdfleet.local.it.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A worker in a child JVM ({@link WorkerProcessMain}), started with this JVM's class path and the
 * scenario's environment, so a test can kill it (SIGKILL) or stop it (SIGTERM) like an orchestrator.
 * Its output goes to a temporary log file, shown when a test fails.
 */
final class WorkerChild implements AutoCloseable {

    private final Process process;
    private final Path log;

    private WorkerChild(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** @param unetCall the simulated device's time per UNet call (a scenario job takes three calls) */
    static WorkerChild start(Map<String, String> env, Duration unetCall) throws IOException {
        Path log = Files.createTempFile("sdfleet-worker-child-", ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-D" + WorkerProcessMain.SLEEP_PROPERTY + "=" + unetCall.toMillis(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients=" + System.getProperty("sdfleet.test.childKafkaLog", "warn"),
                "-cp", System.getProperty("java.class.path"),
                WorkerProcessMain.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return new WorkerChild(builder.start(), log);
    }

    Process process() {
        return process;
    }

    /** Waits until the child's log contains {@code text}. */
    void awaitLog(String text, Duration wait) throws InterruptedException {
        WorkerScenario.await("'" + text + "' in the worker's log\n" + logText(), wait,
                () -> logText().contains(text) || !process.isAlive());
        if (!logText().contains(text)) {
            throw new AssertionError("worker exited before logging '" + text + "':\n" + logText());
        }
    }

    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
