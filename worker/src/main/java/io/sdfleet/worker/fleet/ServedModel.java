package io.sdfleet.worker.fleet;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.JobRequestLimits;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.common.fleet.SizeSupport;
import io.sdfleet.common.fleet.WorkerAnnouncement;
import io.sdfleet.worker.pipeline.StableDiffusionPipeline;
import io.sdfleet.worker.runtime.LatentSize;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a worker serves, as the fleet catalog announces it: built once at start from its identity (id, model name
 * and digest, topic, group, heartbeat), and the loaded pipeline (sizes, schedulers, modes, runtime, batch).
 * Stateless.
 */
public final class ServedModel {

    /** The version of this build, from the jar's manifest ("dev" when run from classes). */
    public static final String VERSION = versionOf();

    private ServedModel() {
    }

    /** The worker's announcement in {@code state} at {@code at}. */
    public static WorkerAnnouncement describe(String workerId, String model, String modelDigest, String topic,
            String group, Duration heartbeat, StableDiffusionPipeline pipeline, String state, Instant at) {
        return new WorkerAnnouncement(WorkerAnnouncement.SCHEMA, workerId, model, modelDigest, topic, group,
                sizes(pipeline), pipeline.schedulers().stream().map(SchedulerName::wireName).toList(), modes(pipeline),
                pipeline.runtimeName(), pipeline.maxBatchImages(), VERSION, state, heartbeat.toMillis(), at);
    }

    /** What the worker makes from a request, as the loaded pipeline decided it (its models' parts), in wire names. */
    static List<String> modes(StableDiffusionPipeline pipeline) {
        return pipeline.modes().stream().sorted().map(JobRequest.Mode::wireName).toList();
    }

    /** Any multiple of the UNet's size multiple within the request limits, or only the static engines' sizes. */
    static SizeSupport sizes(StableDiffusionPipeline pipeline) {
        int multiple = pipeline.unetSizeMultiple();
        List<String> only = new ArrayList<>();
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (LatentSize size : pipeline.engineSizes()) {
            if (pipeline.maxItems(size) >= 2 && size.imageWidth() % multiple == 0
                    && size.imageHeight() % multiple == 0) {
                only.add(size.imageWidth() + "x" + size.imageHeight());
                min = Math.min(min, Math.min(size.imageWidth(), size.imageHeight()));
                max = Math.max(max, Math.max(size.imageWidth(), size.imageHeight()));
            }
        }
        if (!only.isEmpty()) {
            return new SizeSupport(multiple, min, max, only);
        }
        int smallest = ((JobRequestLimits.MIN_SIZE + multiple - 1) / multiple) * multiple;
        int largest = (JobRequestLimits.MAX_SIZE / multiple) * multiple;
        return new SizeSupport(multiple, smallest, largest, List.of());
    }

    private static String versionOf() {
        String v = ServedModel.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
