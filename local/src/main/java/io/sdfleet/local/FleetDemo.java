package io.sdfleet.local;

import io.sdfleet.common.Completion;
import io.sdfleet.common.ImageRef;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.config.ConfigException;
import io.sdfleet.local.demo.CompletionCollector;
import io.sdfleet.local.demo.ContactSheet;
import io.sdfleet.local.demo.DemoCommandLine;
import io.sdfleet.local.demo.DemoJobs;
import io.sdfleet.local.demo.DemoOptions;
import io.sdfleet.local.demo.DemoReport;
import io.sdfleet.local.demo.DemoStartException;
import io.sdfleet.local.demo.FleetEndpoints;
import io.sdfleet.local.demo.ImageDownloader;
import io.sdfleet.local.demo.InProcessWorker;
import io.sdfleet.local.demo.ModelLocator;
import io.sdfleet.local.demo.StopSignal;
import io.sdfleet.producer.KafkaUnavailableException;
import io.sdfleet.producer.SdfleetProducer;
import io.sdfleet.producer.SubmitResult;
import io.sdfleet.worker.PipelineFactory;
import io.sdfleet.worker.lifecycle.WorkerFatalException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/**
 * {@code ./sdfleet demo}: the whole fleet in one process. Starts the embedded stack ({@link LocalStack}:
 * Kafka and S3 on free loopback ports) — or uses the Kafka and S3 the environment names — starts one worker
 * on the trained toy model ({@link InProcessWorker}: the real pipeline, the worker pod's own start sequence),
 * submits a few jobs with {@link SdfleetProducer}, waits for their completions, downloads each image through its
 * presigned URL, puts them on one contact sheet ({@link ContactSheet}) and prints where everything is. Options: {@link DemoCommandLine#USAGE}.
 *
 * <p>Shutdown: the worker is drained ({@link InProcessWorker#stop()}, a pod's SIGTERM path), the producer and
 * the stack are closed, and {@link #main} ends with {@code System.exit} (the MinIO client's OkHttp threads
 * would otherwise keep the JVM alive for a minute). Ctrl-C triggers the same clean-up through a shutdown hook
 * and a {@link StopSignal}. Exit codes: the {@code EXIT_*} constants of {@link DemoOptions}.
 *
 * <p>{@link #run(String[], Map, PrintStream, PrintStream)} is the testable core: it never exits the JVM and
 * leaves nothing running when it returns.
 */
public final class FleetDemo {

    /** How long the Ctrl-C hook lets the demo clean up before the JVM goes down anyway. */
    static final Duration SHUTDOWN_HOOK_WAIT = Duration.ofSeconds(60);
    /** Bound for creating the demo topics on an external Kafka. */
    static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

    private final DemoOptions options;
    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private final StopSignal stop;
    private final Path workingDir = Path.of("").toAbsolutePath();
    private final DemoReport report;

    private FleetDemo(DemoOptions options, Map<String, String> env, PrintStream out, PrintStream err, StopSignal stop) {
        this.options = options;
        this.env = env;
        this.out = out;
        this.err = err;
        this.stop = stop;
        this.report = new DemoReport(out, workingDir);
    }

    public static void main(String[] args) {
        // The contact sheet is drawn off screen; a desktop's DISPLAY must not make AWT open a window connection.
        System.setProperty("java.awt.headless", "true");
        DemoLogging.configure(List.of(args).contains(DemoCommandLine.VERBOSE));
        StopSignal stop = new StopSignal();
        AtomicBoolean signalled = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            signalled.set(true);
            stop.trigger();
            try {
                finished.await(SHUTDOWN_HOOK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sdfleet-demo-shutdown"));
        int code = run(List.of(args), System.getenv(), System.out, System.err, stop);
        System.out.flush();
        finished.countDown();
        if (signalled.get()) {
            Runtime.getRuntime().halt(code); // System.exit would block: the JVM is already shutting down
        }
        System.exit(code);
    }

    /** Runs the demo; never exits the JVM. Returns the exit code. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return run(List.of(args), env, out, err, new StopSignal());
    }

    /**
     * Runs the demo; {@code stop} ends it early (Ctrl-C) and ends {@code --keep-running}.
     *
     * @return the exit code ({@link DemoOptions#EXIT_OK} when every job succeeded and was downloaded)
     */
    public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err,
            StopSignal stop) {
        if (DemoCommandLine.wantsHelp(args)) {
            out.println(DemoCommandLine.USAGE);
            return DemoOptions.EXIT_OK;
        }
        DemoOptions options;
        try {
            options = DemoCommandLine.parse(args);
        } catch (DemoCommandLine.UsageException e) {
            err.println("sdfleet demo: " + e.getMessage());
            err.println("(sdfleet demo --help lists the options)");
            return DemoOptions.EXIT_USAGE;
        }
        return new FleetDemo(options, env, out, err, stop).run();
    }

    private int run() {
        long began = System.nanoTime();
        ModelLocator.Location model;
        try {
            model = ModelLocator.locate(options.modelDir(), env, workingDir);
        } catch (DemoStartException e) {
            err.println("sdfleet demo: " + e.getMessage());
            return DemoOptions.EXIT_START;
        }
        out.printf("sdfleet demo: %d job(s) of %dx%d pixels, %d steps each, guidance %s, on the model in %s%n%n",
                options.count(), options.width(), options.height(), options.steps(),
                BigDecimal.valueOf(options.guidanceFor(model)).stripTrailingZeros().toPlainString(),
                report.shown(model.folder()));
        LocalStack stack = null;
        InProcessWorker worker = null;
        SdfleetProducer producer = null;
        int code;
        String verdict;
        try {
            FleetEndpoints fleet;
            Optional<FleetEndpoints> external = FleetEndpoints.fromEnvironment(env);
            if (external.isPresent()) {
                fleet = external.get();
                out.printf("  using Kafka %s and S3 %s from the environment (topics %s / %s)%n",
                        fleet.bootstrapServers(), fleet.s3Endpoint(), fleet.requestsTopic(), fleet.completionsTopic());
                createDemoTopics(fleet);
            } else {
                out.print("  starting Kafka and an S3 server in this process ... ");
                out.flush();
                stack = LocalStack.start();
                fleet = FleetEndpoints.embedded(stack.bootstrapServers(), stack.options().requestsTopic(),
                        stack.options().completionsTopic(), stack.options().dlqTopic(), stack.s3Endpoint().toString(),
                        stack.accessKey(), stack.secretKey(), stack.bucket());
                out.printf("ready in %s (Kafka %s, S3 %s)%n", DemoReport.seconds(stack.startupTime()),
                        stack.bootstrapServers(), stack.s3Endpoint());
            }
            out.print("  starting a worker (loading the model, one warm-up image) ... ");
            out.flush();
            long workerBegan = System.nanoTime();
            worker = InProcessWorker.start(fleet.workerEnv(workerId(), model.folder()),
                    PipelineFactory.STABLE_DIFFUSION);
            out.printf("ready in %s (%s on %s; metrics on http://127.0.0.1:%d/metrics)%n",
                    DemoReport.seconds(since(workerBegan)), worker.modelName(), worker.runtimeName(), worker.httpPort());
            producer = SdfleetProducer.builder().env(fleet.clientEnv()).build();
            Result result = submitAndCollect(producer, worker, fleet, model);
            code = result.code();
            verdict = result.verdict();
            if (options.keepRunning() && !stop.isTriggered()) {
                keepRunning(fleet, worker);
            }
        } catch (EmbeddedStackException | DemoStartException e) {
            err.println();
            err.println("sdfleet demo: " + e.getMessage());
            code = DemoOptions.EXIT_START;
            verdict = "The demo could not start (see above).";
        } catch (ConfigException | KafkaUnavailableException e) {
            err.println();
            err.println("sdfleet demo: " + e.getMessage());
            code = DemoOptions.EXIT_START;
            verdict = "The demo could not reach Kafka (see above).";
        } finally {
            closeQuietly(producer);
        }
        code = shutDown(worker, stack, code);
        out.printf("%s Total %s.%n", verdict, DemoReport.seconds(since(began)));
        out.flush();
        return code;
    }

    /** What submitting and waiting ended with. */
    private record Result(int code, String verdict) {
    }

    private Result submitAndCollect(SdfleetProducer producer, InProcessWorker worker, FleetEndpoints fleet,
            ModelLocator.Location model) {
        long began = System.nanoTime();
        List<SubmitResult> submitted = producer.submitAll(DemoJobs.requests(options, options.guidanceFor(model)));
        List<JobRequest> sent = new ArrayList<>();
        for (SubmitResult s : submitted) {
            if (s.isSent()) {
                sent.add(s.request());
            } else {
                err.printf("  job %d was not submitted: %s%n", s.index(), s.failure().getMessage());
            }
        }
        out.printf("  submitted %d job(s) to topic %s; waiting for their completions on %s%n", sent.size(),
                fleet.requestsTopic(), fleet.completionsTopic());
        AtomicInteger arrived = new AtomicInteger();
        CompletionCollector.Outcome outcome = CompletionCollector.collect(producer,
                sent.stream().map(JobRequest::jobId).toList(), options.timeout(), worker::isRunning, stop,
                c -> report.arrived(c, arrived.incrementAndGet(), sent.size()));
        Duration jobsTook = since(began);
        List<DemoReport.JobOutcome> jobs = download(sent, outcome);
        out.println();
        jobs.forEach(report::job);
        if (outcome.stopReason() != null) {
            err.println("sdfleet demo: " + outcome.stopReason());
        }
        writeContactSheet(jobs);
        printModelNote(fleet, model);
        long succeeded = jobs.stream().filter(DemoReport.JobOutcome::succeeded).count();
        String timing = "Jobs took " + DemoReport.seconds(jobsTook) + " from submit to last completion.";
        if (succeeded == submitted.size() && outcome.stopReason() == null) {
            return new Result(DemoOptions.EXIT_OK, "All " + succeeded + " job(s) SUCCEEDED; images in "
                    + report.shown(options.outDir()) + ". " + timing);
        }
        int code = stop.isTriggered() ? DemoOptions.EXIT_INTERRUPTED : DemoOptions.EXIT_JOBS_FAILED;
        return new Result(code, succeeded + " of " + submitted.size() + " job(s) succeeded. " + timing);
    }

    /** Saves every image of every succeeded job; a failed download is recorded, not thrown. */
    private List<DemoReport.JobOutcome> download(List<JobRequest> sent, CompletionCollector.Outcome outcome) {
        ImageDownloader downloader = new ImageDownloader(options.outDir());
        List<DemoReport.JobOutcome> jobs = new ArrayList<>();
        for (JobRequest request : sent) {
            Completion c = outcome.completions().get(request.jobId());
            List<DemoReport.SavedImage> images = new ArrayList<>();
            if (c != null) {
                for (int i = 0; i < c.images().size(); i++) {
                    images.add(save(downloader, c.jobId(), i, c.images().get(i)));
                }
            }
            jobs.add(new DemoReport.JobOutcome(c == null ? request : c.request(), c, images));
        }
        return jobs;
    }

    private DemoReport.SavedImage save(ImageDownloader downloader, String jobId, int index, ImageRef ref) {
        if (stop.isTriggered()) {
            return new DemoReport.SavedImage(ref, null, "stopped before the download");
        }
        try {
            return new DemoReport.SavedImage(ref, downloader.download(jobId, index, ref), null);
        } catch (ImageDownloader.DownloadException e) {
            return new DemoReport.SavedImage(ref, null, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DemoReport.SavedImage(ref, null, "interrupted");
        }
    }

    /**
     * Every saved picture on one sheet with its prompt, {@value ContactSheet#FILE_NAME} in the output folder. A picture
     * that cannot be read back, or a sheet that cannot be written, is reported and does not fail the demo: the
     * pictures themselves are saved and checked already.
     */
    private void writeContactSheet(List<DemoReport.JobOutcome> jobs) {
        List<ContactSheet.Entry> entries = new ArrayList<>();
        for (DemoReport.JobOutcome job : jobs) {
            for (DemoReport.SavedImage image : job.images()) {
                if (image.file() == null) {
                    continue;
                }
                try {
                    BufferedImage picture = ImageIO.read(image.file().toFile());
                    if (picture == null) {
                        err.println("  warning: cannot read " + image.file() + " back for the contact sheet: not a"
                                + " picture this JVM decodes");
                        continue;
                    }
                    entries.add(new ContactSheet.Entry(picture, job.request().prompt(),
                            job.request().scheduler().wireName() + ", seed " + image.ref().seed()));
                } catch (IOException e) {
                    err.println("  warning: cannot read " + image.file() + " back for the contact sheet: "
                            + e.getMessage());
                }
            }
        }
        if (entries.isEmpty()) {
            return;
        }
        Path file = options.outDir().resolve(ContactSheet.FILE_NAME);
        try {
            ContactSheet.Result sheet = ContactSheet.write(entries, file);
            out.printf("Contact sheet (every picture with its prompt): %s%s%n", report.shown(sheet.file()),
                    sheet.captioned() ? "" : " (without captions: this JVM has no font to draw them with)");
        } catch (IOException e) {
            err.println("  warning: could not write the contact sheet " + file + ": " + e.getMessage());
        }
    }

    private void printModelNote(FleetEndpoints fleet, ModelLocator.Location model) {
        if (fleet.embedded()) {
            out.println("The URLs work while the demo's S3 server runs: add --keep-running to keep it up.");
        }
        String realThing = "For the real thing set SDFLEET_BOOTSTRAP_SERVERS, SDFLEET_S3_ENDPOINT (+ "
                + "SDFLEET_S3_ACCESS_KEY, SDFLEET_S3_SECRET_KEY) and SDFLEET_MODEL_DIR (a diffusers ONNX export) and "
                + "run the demo again with --size 512x512 and prompts of your own.";
        if (model.trainedToy()) {
            out.println("Note: these pictures come from " + report.shown(model.folder()) + ", a tiny latent diffusion "
                    + "model trained on 64x64 pictures of coloured circles, squares and triangles (see its "
                    + ModelLocator.TRAINING_REPORT + "): it draws prompts like the ones above and nothing else. "
                    + realThing);
        } else if (model.randomWeights()) {
            out.println("Note: these pictures come from a tiny model with random weights (" + ModelLocator.RANDOM_MODEL
                    + "), so they look like noise, not like Stable Diffusion output. " + realThing);
        }
        out.println();
    }

    /** The demo's own topics on an external Kafka; topics named by the environment are expected to exist. */
    private void createDemoTopics(FleetEndpoints fleet) {
        if (!fleet.requestsTopic().equals(FleetEndpoints.DEMO_TOPIC_REQUESTS)) {
            return;
        }
        try {
            KafkaTopics.createAndAwait(fleet.bootstrapServers(), List.of(new TopicSpec(fleet.requestsTopic(), 1),
                    new TopicSpec(fleet.completionsTopic(), 1), new TopicSpec(fleet.dlqTopic(), 1)), TOPIC_TIMEOUT);
        } catch (EmbeddedStackException e) {
            err.println("  warning: could not create the demo topics (" + e.getMessage() + "); going on in case "
                    + "they exist");
        }
    }

    /** Prints how to reach the stack and the worker, then waits for Ctrl-C. */
    private void keepRunning(FleetEndpoints fleet, InProcessWorker worker) {
        out.println("The fleet keeps running. In another terminal:");
        // The embedded stack's keys are throw-away; a real S3's keys are the user's own and stay unprinted.
        fleet.coordinates(fleet.embedded()).forEach((name, value) ->
                out.println("  export " + name + "=" + LocalStackMain.shellQuote(value)));
        out.println("  ./sdfleet submit --wait \"a watercolor of a harbour\"");
        out.printf("Worker metrics: http://127.0.0.1:%d/metrics . Ctrl-C stops everything.%n", worker.httpPort());
        out.flush();
        try {
            while (!stop.await(Duration.ofSeconds(1))) {
                if (!worker.isRunning()) {
                    err.println("sdfleet demo: the worker stopped");
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Drains the worker, closes the stack; returns the exit code, made non-zero if the worker had failed. */
    private int shutDown(InProcessWorker worker, LocalStack stack, int code) {
        if (worker == null && stack == null) {
            return code;
        }
        long began = System.nanoTime();
        out.print("  stopping the worker (drain, commit, leave the group)" + (stack == null ? "" : " and the stack")
                + " ... ");
        out.flush();
        int result = code;
        try {
            if (worker != null) {
                Optional<WorkerFatalException> failure = worker.stop();
                if (failure.isPresent()) {
                    err.println();
                    err.println("sdfleet demo: the worker had failed: " + failure.get().getMessage());
                    result = code == DemoOptions.EXIT_OK ? DemoOptions.EXIT_JOBS_FAILED : code;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
        out.printf("done in %s%n%n", DemoReport.seconds(since(began)));
        return result;
    }

    /** SDFLEET_WORKER_ID if set, else one per demo process (its transactional id must not clash with a pod's). */
    private String workerId() {
        String configured = env.get("SDFLEET_WORKER_ID");
        return configured != null && !configured.isBlank() ? configured.strip()
                : "sdfleet-demo-" + ProcessHandle.current().pid();
    }

    private static Duration since(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // the producer's close waits for nothing we still need; the demo is ending
        }
    }
}
