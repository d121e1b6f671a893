package io.sdfleet.worker.runtime.bench;

import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.common.config.ConfigReader;
import io.sdfleet.worker.image.PngEncoder;
import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.pipeline.JobResult;
import io.sdfleet.worker.pipeline.PipelineSettings;
import io.sdfleet.worker.pipeline.StableDiffusionPipeline;
import io.sdfleet.worker.runtime.RuntimeSettings;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Does a job give the same PNG alone and inside a batch, on the runtime the environment configures (SDFLEET_RUNTIME,
 * SDFLEET_ORT_PROVIDER, SDFLEET_TRT_*)? Runs one job alone, then the same job in the middle of a batch of others,
 * and compares the SHA-256 of the two PNGs (encoded without text chunks). Prints one table line per check; exit 0
 * when they are equal, 1 when not (tools/gpu-check.sh runs it on each GPU runtime).
 *
 * <p>Arguments: {@code [modelDir=../models/tiny-sd] [size=512] [steps=20] [batch=4]}.
 */
public final class BatchIdentityCheck {
    private BatchIdentityCheck() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args.length > 0 ? args[0] : "../models/tiny-sd");
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        ConfigReader reader = new ConfigReader(System.getenv());
        RuntimeSettings runtime = RuntimeSettings.read(reader);
        reader.throwIfInvalid();
        try (StableDiffusionPipeline pipeline = StableDiffusionPipeline.open(ModelFolder.load(model), runtime,
                PipelineSettings.defaults().withMaxBatchImages(batch))) {
            JobRequest probe = job("probe", "a lighthouse at dusk, watercolor", size, steps, 42L);
            String alone = sha256(pipeline.generate(List.of(probe)).get(0));
            List<JobRequest> jobs = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                jobs.add(i == batch / 2 ? probe : job("other-" + i, "a harbour town, boat " + i, size, steps, 1000L + i));
            }
            List<JobResult> results = pipeline.generate(jobs);
            String inBatch = sha256(results.get(batch / 2));
            boolean same = alone.equals(inBatch);
            System.out.printf("| %s | %s | %dx%d | %d | %d | %s | %s | %s |%n", pipeline.runtimeName(), model.getFileName(),
                    size, size, steps, batch, alone.substring(0, 16), inBatch.substring(0, 16), same ? "same" : "DIFFERENT");
            System.exit(same ? 0 : 1);
        }
    }

    private static JobRequest job(String id, String prompt, int size, int steps, long seed) {
        return JobRequest.builder(prompt).jobId(id).size(size, size).steps(steps).scheduler(SchedulerName.EULER_ANCESTRAL)
                .guidanceScale(7.5).seed(seed).build();
    }

    private static String sha256(JobResult result) throws Exception {
        if (result.images().isEmpty()) {
            throw new IllegalStateException("job " + result + " made no image");
        }
        byte[] png = new PngEncoder().encode(result.images().get(0).image(), Map.of());
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png));
    }
}
