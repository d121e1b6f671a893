package io.sdfleet.producer.cli;

import io.sdfleet.common.Completion;
import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.InvalidRequestException;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.producer.CompletionTimeoutException;
import io.sdfleet.producer.KafkaUnavailableException;
import io.sdfleet.common.ObjectReference;
import io.sdfleet.producer.PictureUploadException;
import io.sdfleet.producer.SdfleetProducer;
import io.sdfleet.producer.SubmitResult;
import io.sdfleet.producer.TraceIds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code sdfleet submit}: one prompt from the arguments, or many requests from a JSON-lines file.
 *
 * <p>Order of work, so that a mistake never reaches Kafka: parse arguments, build and validate every
 * request (exit 2 for a single bad request; bad file lines are reported with their line numbers and
 * skipped), only then connect and send, then optionally wait for completions.
 */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Submit image jobs to the requests topic and print their job ids.",
            "With --wait, also wait for the completion events and print them."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:ok", "1:some input lines invalid, some jobs not sent, or some jobs FAILED/EXPIRED",
            "2:usage error, invalid request or bad configuration (nothing sent)",
            "3:Kafka broker unreachable or not acknowledging within the bound",
            "4:--wait ran out before the completions arrived"})
final class SubmitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PROMPT", description = "The prompt (or use --file).")
    String prompt;

    @Option(names = "--file", paramLabel = "FILE",
            description = "JSON lines, one request a line (wire format; jobId, seed, schema optional); - for stdin.")
    String file;

    @Option(names = "--negative", paramLabel = "TEXT", description = "Negative prompt.")
    String negativePrompt;

    @Option(names = "--steps", paramLabel = "N", description = "Denoising steps, 1..150 (default 30).")
    Integer steps;

    @Option(names = "--size", paramLabel = "WxH", converter = Size.Converter.class,
            description = "Image size, multiples of 8 in 64..2048 (default 512x512).")
    Size size;

    @Option(names = "--seed", paramLabel = "N", description = "Seed in 0..4294967295 (default: random, recorded).")
    Long seed;

    @Option(names = "--scheduler", paramLabel = "NAME", converter = SchedulerConverter.class,
            description = "One of: pndm, ddim, euler, euler-a, dpmpp-2m, dpmpp-2m-karras, lms, unipc (default pndm).")
    SchedulerName scheduler;

    @Option(names = "--n", paramLabel = "N", description = "Images per job, 1..8 (default 1).")
    Integer numImages;

    @Option(names = "--guidance", paramLabel = "G", description = "Guidance scale, 0..30 (default 7.5).")
    Double guidanceScale;

    @Option(names = "--model", paramLabel = "NAME", description = "Model name (default: the worker's).")
    String model;

    @Option(names = "--priority", paramLabel = "P", description = "Priority 0..9, higher first (default 0).")
    Integer priority;

    @Option(names = "--deadline", paramLabel = "TIME", converter = DeadlineConverter.class,
            description = "Expire the job if not started by then: 2026-12-01T10:00:00Z or +10m.")
    Instant deadline;

    @Option(names = "--init-image", paramLabel = "FILE",
            description = "img2img: a PNG or JPEG to start from, uploaded to the fleet's object store (needs SDFLEET_S3_*).")
    Path initImage;

    @Option(names = "--mask", paramLabel = "FILE",
            description = "Inpainting: a mask of --init-image's size, white repaints, black keeps.")
    Path maskImage;

    @Option(names = "--strength", paramLabel = "S",
            description = "How far --init-image is re-drawn, 0..1 (default 0.8); runs int(steps x S) steps.")
    Double strength;

    @Option(names = "--meta", paramLabel = "KEY=VALUE", description = "Metadata passed through (repeatable).")
    Map<String, String> metadata = new LinkedHashMap<>();

    @Option(names = "--job-id", paramLabel = "ID", description = "Job id (default: a generated UUIDv7).")
    String jobId;

    @Option(names = "--trace-id", paramLabel = "ID", description = "Trace id header (default: generated).")
    String traceId;

    @Option(names = "--no-model-check", description = "Send even when no live worker in the fleet catalog serves the"
            + " model (a fleet that scales from zero).")
    boolean noModelCheck;

    @Option(names = "--wait", description = "Wait for the completion event(s) and print them.")
    boolean await;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "5m",
            description = "Longest --wait, e.g. 30s, 5m, PT1H (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--json", description = "Print JSON lines: {\"jobId\",\"seed\"} per job, or with --wait the completion events.")
    boolean json;

    @Mixin
    ConnectionOptions connection;

    private final CliContext context;

    SubmitCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        if (traceId != null) {
            try {
                TraceIds.requireValid(traceId);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        if (file != null) {
            if (prompt != null || hasRequestOptions()) {
                throw new ParameterException(spec.commandLine(),
                        "--file takes every request field from the file; give no PROMPT or request options with it");
            }
            return submitFile();
        }
        if (prompt == null) {
            throw new ParameterException(spec.commandLine(), "give a PROMPT or --file FILE");
        }
        return submitOne();
    }

    private boolean hasRequestOptions() {
        return negativePrompt != null || steps != null || size != null || seed != null || scheduler != null
                || numImages != null || guidanceScale != null || model != null || priority != null
                || deadline != null || !metadata.isEmpty() || jobId != null || initImage != null || maskImage != null
                || strength != null;
    }

    private int submitOne() {
        if ((maskImage != null || strength != null) && initImage == null) {
            throw new ParameterException(spec.commandLine(), "--mask and --strength need --init-image");
        }
        for (Path picture : new Path[] {initImage, maskImage}) {
            if (picture != null && !Files.isReadable(picture)) {
                throw new ParameterException(spec.commandLine(), "cannot read " + picture);
            }
        }
        try (SdfleetProducer producer = openProducer()) {
            JobRequest request;
            try {
                // uploadPictures checks the request first (fields, route, model check): a refused one uploads nothing
                request = context.normalizer().prepare(producer.uploadPictures(buildRequest()));
            } catch (InvalidRequestException e) {
                context.err().println("sdfleet submit: invalid request:");
                e.violations().forEach(v -> context.err().println("  " + v.field() + ": " + v.message()));
                return ExitCodes.USAGE;
            } catch (PictureUploadException e) {
                context.err().println("sdfleet submit: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            String id = traceId == null ? producer.submit(request) : producer.submit(request, traceId);
            if (!await) {
                printSubmitted(request);
                return ExitCodes.OK;
            }
            if (!json) {
                context.out().println(id);
            }
            Completion completion = producer.awaitCompletion(id, timeout, renderer(List.of(id)));
            new CompletionPrinter(context.out(), json).printDetail(completion);
            return completion.status() == CompletionStatus.SUCCEEDED ? ExitCodes.OK : ExitCodes.SOME_FAILED;
        }
    }

    /**
     * Progress on standard error (standard output keeps the job ids and completions): bars on a terminal, plain
     * lines when it is not one or with --json.
     */
    private ProgressRenderer renderer(List<String> ids) {
        Terminal terminal = json ? Terminal.plain() : context.terminal();
        return new ProgressRenderer(context.err(), terminal, System::nanoTime, ids);
    }

    private SdfleetProducer openProducer() {
        KafkaTarget target = context.kafkaTarget(connection.bootstrapServers);
        return target.openProducer(target.modelCheck() && !noModelCheck);
    }

    /** The request the options describe, its pictures as local files for the producer to upload. */
    private JobRequest buildRequest() {
        JobRequest.Builder b = JobRequest.builder(prompt)
                .jobId(jobId).seed(seed).negativePrompt(negativePrompt).scheduler(scheduler).model(model)
                .deadline(deadline).metadata(metadata).strength(strength);
        if (initImage != null) {
            b.initImage(ObjectReference.localFile(initImage));
        }
        if (maskImage != null) {
            b.maskImage(ObjectReference.localFile(maskImage));
        }
        if (steps != null) {
            b.steps(steps);
        }
        if (size != null) {
            b.size(size.width(), size.height());
        }
        if (numImages != null) {
            b.numImages(numImages);
        }
        if (guidanceScale != null) {
            b.guidanceScale(guidanceScale);
        }
        if (priority != null) {
            b.priority(priority);
        }
        return b.build();
    }

    private int submitFile() throws IOException {
        List<JsonlRequestReader.Line> lines;
        try (BufferedReader reader = open(file)) {
            lines = new JsonlRequestReader(context.normalizer()).read(reader);
        } catch (NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), "no such file: " + file);
        }
        boolean anyBad = false;
        List<JobRequest> good = new ArrayList<>();
        List<Integer> goodLineNumbers = new ArrayList<>();
        for (JsonlRequestReader.Line line : lines) {
            if (line.valid()) {
                good.add(line.request());
                goodLineNumbers.add(line.number());
            } else {
                anyBad = true;
                context.err().println(file + ":" + line.number() + ": " + line.error().getMessage());
            }
        }
        if (good.isEmpty()) {
            context.err().println("sdfleet submit: " + file + ": no valid request to send");
            return anyBad ? ExitCodes.SOME_FAILED : ExitCodes.OK;
        }
        try (SdfleetProducer producer = openProducer()) {
            List<SubmitResult> results = producer.submitAll(good);
            List<String> sentIds = new ArrayList<>();
            RuntimeException unavailable = null;
            for (SubmitResult r : results) {
                if (r.isSent()) {
                    sentIds.add(r.jobId());
                    if (!await || !json) {
                        printSubmitted(r.request());
                    }
                } else {
                    anyBad = true;
                    context.err().println(file + ":" + goodLineNumbers.get(r.index()) + ": not sent: "
                            + r.failure().getMessage());
                    if (r.failure() instanceof KafkaUnavailableException k) {
                        unavailable = k;
                    }
                }
            }
            if (unavailable != null && sentIds.isEmpty()) {
                return ExitCodes.KAFKA_UNAVAILABLE;
            }
            if (await && !sentIds.isEmpty()) {
                return awaitAll(producer, sentIds, anyBad);
            }
            return anyBad ? ExitCodes.SOME_FAILED : ExitCodes.OK;
        }
    }

    private int awaitAll(SdfleetProducer producer, List<String> ids, boolean anyBad) {
        CompletionPrinter printer = new CompletionPrinter(context.out(), json);
        Map<String, Completion> completions;
        try {
            completions = producer.awaitCompletions(ids, timeout, renderer(ids));
        } catch (CompletionTimeoutException e) {
            e.received().values().forEach(printer::printDetail);
            context.err().println("sdfleet submit: " + e.getMessage());
            return ExitCodes.WAIT_TIMED_OUT;
        }
        completions.values().forEach(printer::printDetail);
        boolean allSucceeded = completions.values().stream().allMatch(c -> c.status() == CompletionStatus.SUCCEEDED);
        return anyBad || !allSucceeded ? ExitCodes.SOME_FAILED : ExitCodes.OK;
    }

    private void printSubmitted(JobRequest sent) {
        if (json) {
            // jobId is [A-Za-z0-9._:-] only (validated), so it needs no JSON escaping.
            context.out().println("{\"jobId\":\"" + sent.jobId() + "\",\"seed\":" + sent.seed() + "}");
        } else {
            context.out().println(sent.jobId());
        }
    }

    /** Strict UTF-8: a file with broken bytes fails as a whole instead of being silently altered. */
    private static BufferedReader open(String file) throws IOException {
        InputStream in = "-".equals(file) ? System.in : Files.newInputStream(Path.of(file));
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)));
    }
}
