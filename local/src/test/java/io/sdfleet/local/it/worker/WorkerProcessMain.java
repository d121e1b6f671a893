package io.sdfleet.local.it.worker;

import io.sdfleet.worker.WorkerMain;
import io.sdfleet.worker.kafka.KafkaClientFactory;
import java.time.Duration;

/**
 * The worker process the kill and SIGTERM tests start in a child JVM: {@link WorkerMain} with the
 * {@link FakePipeline}. Configuration comes from the environment like a real worker's; the pipeline's
 * knobs from system properties {@value #SLEEP_PROPERTY} (device milliseconds per UNet call; a scenario job
 * takes three).
 */
public final class WorkerProcessMain {

    static final String SLEEP_PROPERTY = "sdfleet.test.unetCallMs";

    private WorkerProcessMain() {
    }

    public static void main(String[] args) {
        Duration sleep = Duration.ofMillis(Long.getLong(SLEEP_PROPERTY, 0));
        WorkerMain.exit(WorkerMain.run(System.getenv(), settings -> new FakePipeline(sleep, 4).pipeline(),
                KafkaClientFactory.KAFKA));
    }
}
