package io.sdfleet.worker.pipeline;

import io.sdfleet.common.ErrorInfo;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.TimingKeys;
import io.sdfleet.worker.image.RgbImage;
import io.sdfleet.worker.scheduler.Scheduler;
import io.sdfleet.worker.scheduler.SchedulerConfig;
import io.sdfleet.worker.scheduler.Schedulers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs jobs of one shape that passed every known check through every stage (tokenize, text encoder,
 * denoising in chunks, VAE) and assembles one {@link JobResult} per job, in order. Split out of
 * {@link StableDiffusionPipeline} so that the stage sequence is one piece, called the same way for a whole
 * batch, for a job run alone and for the fault-isolation probe.
 *
 * <p>Failures: a job whose prompt cannot be tokenized gets {@link JobErrorCodes#PROMPT_NOT_ENCODABLE} and the
 * others go on. Runtime calls (text encoder, UNet, VAE) go through the guard: {@link RuntimeCallFailure} for
 * the caller to attribute, {@link DeviceFault} for OOM and linkage errors.
 *
 * <p>Threads: the device thread only; {@link #lastProfile()} may be read from any thread.
 */
final class BatchStages {
    private final TextConditioning text;
    private final DenoisingLoop denoising;
    private final LatentDecoder decoder;
    private final SchedulerConfig schedulerConfig;
    private final ModelConstraints constraints;
    private volatile BatchProfile lastProfile = BatchProfile.EMPTY;

    BatchStages(TextConditioning text, DenoisingLoop denoising, LatentDecoder decoder,
            SchedulerConfig schedulerConfig, ModelConstraints constraints) {
        this.text = text;
        this.denoising = denoising;
        this.decoder = decoder;
        this.schedulerConfig = schedulerConfig;
        this.constraints = constraints;
    }

    /** Runs jobs of one shape through every stage; records their {@link BatchProfile} as the last one. */
    List<JobResult> run(List<JobRequest> jobs, BatchShape shape) throws DeviceFault, RuntimeCallFailure {
        StageClock tokenizeClock = new StageClock();
        StageClock encodeClock = new StageClock();
        StageClock denoiseClock = new StageClock();
        StageClock decodeClock = new StageClock();

        tokenizeClock.start();
        JobPrompts[] prompts = new JobPrompts[jobs.size()];
        ErrorInfo[] errors = new ErrorInfo[jobs.size()];
        List<Integer> active = new ArrayList<>();
        for (int j = 0; j < jobs.size(); j++) {
            try {
                prompts[j] = text.tokenize(jobs.get(j));
                active.add(j);
            } catch (RuntimeException | StackOverflowError e) {
                // The tokenizer is pure Java over this job's text: its failure is this job's alone. A
                // StackOverflowError (a regex recursing per character of a pathological prompt) is caught too, as
                // a backstop: the thread's stack is unwound by then and the other jobs of the batch go on.
                errors[j] = new ErrorInfo(JobErrorCodes.PROMPT_NOT_ENCODABLE, "the prompt cannot be tokenized: " + e);
            }
        }
        tokenizeClock.stop();

        RgbImage[][] images = new RgbImage[jobs.size()][];
        int imageCount = 0;
        int unetCalls = 0;
        if (!active.isEmpty()) {
            encodeClock.start();
            int[] condRow = new int[active.size()];
            int[] uncondRow = new int[active.size()];
            PromptEmbeddings embeddings = text.encode(active.stream().map(j -> prompts[j]).toList(), condRow,
                    uncondRow, encodeClock);
            encodeClock.stop();

            List<ImageTask> tasks = new ArrayList<>();
            for (int a = 0; a < active.size(); a++) {
                int j = active.get(a);
                JobRequest job = jobs.get(j);
                images[j] = new RgbImage[job.numImages()];
                for (int i = 0; i < job.numImages(); i++) {
                    tasks.add(new ImageTask(j, i, ImageTask.imageSeed(job.seed(), i), job.guidanceScale(),
                            condRow[a], uncondRow[a]));
                }
            }
            int chunkSize = constraints.imagesPerChunk(shape).orElseThrow();
            for (int first = 0; first < tasks.size(); first += chunkSize) {
                List<ImageTask> chunk = tasks.subList(first, Math.min(tasks.size(), first + chunkSize));
                denoiseClock.start();
                Scheduler scheduler = Schedulers.create(shape.scheduler(), schedulerConfig);
                float[] latents = denoising.run(chunk, embeddings, scheduler, shape, denoiseClock);
                unetCalls += scheduler.timesteps().length;
                denoiseClock.stop();
                decodeClock.start();
                List<RgbImage> decoded = decoder.decode(latents, chunk.size(), shape, decodeClock);
                decodeClock.stop();
                for (int k = 0; k < chunk.size(); k++) {
                    images[chunk.get(k).jobIndex()][chunk.get(k).imageIndex()] = decoded.get(k);
                }
            }
            imageCount = tasks.size();
        }

        BatchProfile profile = new BatchProfile(imageCount, shape.steps(), unetCalls, tokenizeClock.time(),
                encodeClock.time(), denoiseClock.time(), decodeClock.time());
        lastProfile = profile;
        List<JobResult> results = new ArrayList<>(jobs.size());
        for (int j = 0; j < jobs.size(); j++) {
            JobRequest job = jobs.get(j);
            if (errors[j] != null) {
                results.add(failed(job, errors[j]));
                continue;
            }
            Map<String, Double> timings = new LinkedHashMap<>();
            timings.put(TimingKeys.TOKENIZE, prompts[j].tokenizeNanos() / 1e6);
            timings.put(TimingKeys.ENCODE, profile.encode().totalMillis());
            timings.put(TimingKeys.DENOISE, profile.denoise().totalMillis());
            timings.put(TimingKeys.DECODE, profile.decode().totalMillis());
            List<GeneratedImage> generated = new ArrayList<>(images[j].length);
            for (int i = 0; i < images[j].length; i++) {
                generated.add(new GeneratedImage(i, ImageTask.imageSeed(job.seed(), i), images[j][i]));
            }
            results.add(new JobResult(job.jobId(), generated, prompts[j].warnings(), timings, null));
        }
        return results;
    }

    /** Frees the denoising loop's cached buffers (after the Java heap ran out). */
    void releaseBuffers() {
        denoising.releaseBuffers();
    }

    /** Where the time of the last completed run went; {@link BatchProfile#EMPTY} after {@link #clearProfile()}. */
    BatchProfile lastProfile() {
        return lastProfile;
    }

    /** Marks that the last batch did not run as one (failed checks, or isolated job by job). */
    void clearProfile() {
        lastProfile = BatchProfile.EMPTY;
    }

    /** A result with no images for a job that failed for its own reasons. */
    static JobResult failed(JobRequest job, ErrorInfo error) {
        return new JobResult(job.jobId(), List.of(), List.of(), Map.of(), error);
    }
}
