package io.sdfleet.producer.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sdfleet.common.InvalidRequestException;
import io.sdfleet.common.JobCodec;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.common.config.KafkaSettings;
import io.sdfleet.producer.JobIdGenerator;
import io.sdfleet.producer.ProducerSettings;
import io.sdfleet.producer.SdfleetProducer;
import io.sdfleet.producer.replay.InvalidReplaySpecException;
import io.sdfleet.producer.replay.PartitionRange;
import io.sdfleet.producer.replay.RangeBound;
import io.sdfleet.producer.replay.ReplayFilter;
import io.sdfleet.producer.replay.ReplayOverrides;
import io.sdfleet.producer.replay.ReplayReport;
import io.sdfleet.producer.replay.ReplaySource;
import io.sdfleet.producer.replay.ReplaySpec;
import io.sdfleet.producer.replay.Replayer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code sdfleet replay}: republishes requests read from the requests topic (or the DLQ) between two
 * offsets or times, optionally filtered and with overrides, as new jobs whose {@code regenerationOf} is the
 * original job id ({@link io.sdfleet.producer.replay.Replayer}); {@code replay reset-offsets} moves the
 * worker group instead ({@link ReplayResetOffsetsCommand}).
 *
 * <p>Order of work: parse and check every argument and override (exit 2, nothing read), resolve the range,
 * read, then send. Output: one line per job on stdout (the new job id, or with {@code --dry-run} what would
 * be sent; JSON lines with {@code --json}); skipped records, unsent jobs and a summary on stderr.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Republish requests read from the requests topic (or the DLQ) between two offsets or times as new jobs:"
                + " new jobId, same seed, regenerationOf = the original jobId. Without overrides the workers make"
                + " byte-identical images.",
            "Offsets are inclusive at both ends; times are [--from, --to). Without --to/--to-offset the range ends"
                + " at the end of each partition as it is when the replay starts. Undecodable records are skipped"
                + " and listed on stderr. The deadline is cleared unless --deadline sets one.",
            "For a full reprocess by the workers themselves (same job ids), see 'replay reset-offsets'."},
        subcommands = ReplayResetOffsetsCommand.class,
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:ok: every record of the range that matched was replayed (or printed, with --dry-run)",
            "1:some records of the range were skipped (listed on stderr), some jobs not sent, or the replay stopped"
                + " early (Kafka went away after some were sent)",
            "2:usage error, invalid override (e.g. --size 500x500), unknown topic/partition or bad configuration;"
                + " nothing sent",
            "3:Kafka broker unreachable within the bound; nothing sent"})
final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dlq", description = "Read the DLQ topic (SDFLEET_TOPIC_DLQ) instead of the requests topic.")
    boolean dlq;

    @Option(names = "--from", paramLabel = "TIME",
            description = "First record: an instant like 2026-03-01T10:00:00Z, 'now', or before now: -30m, -2h, -1d.")
    String fromTime;

    @Option(names = "--from-offset", paramLabel = "OFFSETS",
            description = "First offset replayed: N on every partition, or P:N[,P:N...] (those partitions only).")
    String fromOffset;

    @Option(names = "--to", paramLabel = "TIME", description = "End time, exclusive (default: the end at the start).")
    String toTime;

    @Option(names = "--to-offset", paramLabel = "OFFSETS",
            description = "Last offset replayed, inclusive: N or P:N[,P:N...] (default: the end at the start).")
    String toOffset;

    @Option(names = "--job", paramLabel = "ID", arity = "1..*", description = "Only these original job ids (repeatable).")
    List<String> jobIds = new ArrayList<>();

    @Option(names = "--meta", paramLabel = "KEY=VALUE", description = "Only requests with this metadata entry (repeatable; all must match).")
    Map<String, String> metadata = new LinkedHashMap<>();

    @Option(names = "--steps", paramLabel = "N", description = "Override: denoising steps, 1..150.")
    Integer steps;

    @Option(names = "--scheduler", paramLabel = "NAME", converter = SchedulerConverter.class,
            description = "Override: one of pndm, ddim, euler, euler-a, dpmpp-2m, dpmpp-2m-karras, lms, unipc.")
    SchedulerName scheduler;

    @Option(names = "--size", paramLabel = "WxH", converter = Size.Converter.class,
            description = "Override: image size, multiples of 8 in 64..2048.")
    Size size;

    @Option(names = "--guidance", paramLabel = "G", description = "Override: guidance scale, 0..30.")
    Double guidanceScale;

    @Option(names = "--model", paramLabel = "NAME", description = "The model to replay: read its requests topic"
            + " (with SDFLEET_DEFAULT_MODEL set, its own; default: SDFLEET_TOPIC_REQUESTS) and set it as the replayed"
            + " requests' model, so they go back to it. With --dlq (shared by all models) it only sets the model.")
    String model;

    @Option(names = "--deadline", paramLabel = "TIME", converter = DeadlineConverter.class,
            description = "Deadline of the replayed jobs: 2026-12-01T10:00:00Z or +10m (default: none).")
    Instant deadline;

    @Option(names = "--dry-run", description = "Print what would be sent, one line per request; send nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print JSON lines: {dryRun, jobId, regenerationOf, source, request}.")
    boolean json;

    @Mixin
    ConnectionOptions connection;

    final CliContext context;

    ReplayCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        ReplaySpec replay = parseSpec();
        try {
            replay.overrides().requireValid();
        } catch (InvalidRequestException e) {
            context.err().println("sdfleet replay: invalid override:");
            e.violations().forEach(v -> context.err().println("  " + v.field() + ": " + v.message()));
            return ExitCodes.USAGE;
        }
        if (model != null && !io.sdfleet.common.ModelNames.isValid(model)) {
            context.err().println("sdfleet replay: --model: '" + model + "' is not a model name; allowed: "
                    + io.sdfleet.common.ModelNames.ALLOWED);
            return ExitCodes.USAGE;
        }
        KafkaSettings settings = settings(context, connection);
        ReplayReport report;
        try {
            if (dryRun) {
                report = new Replayer(settings, null, new JobIdGenerator(context.clock())).replay(replay);
            } else {
                try (SdfleetProducer producer = context.kafkaTarget(connection.bootstrapServers).openProducer()) {
                    report = new Replayer(settings, producer::submitAll, new JobIdGenerator(context.clock()))
                            .replay(replay);
                }
            }
        } catch (InvalidReplaySpecException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        print(report);
        if (report.aborted().isPresent() && report.sent().isEmpty() && !report.dryRun()) {
            return ExitCodes.KAFKA_UNAVAILABLE;
        }
        return report.complete() ? ExitCodes.OK : ExitCodes.SOME_FAILED;
    }

    /** The settings from the environment with {@code --bootstrap-servers} on top. */
    static KafkaSettings settings(CliContext context, ConnectionOptions connection) {
        KafkaSettings env = ProducerSettings.fromEnv(context.env()).kafka();
        if (connection.bootstrapServers == null) {
            return env;
        }
        return env.withBootstrapServers(connection.bootstrapServers);
    }

    /** The spec from the options; every mistake is a usage error before anything is opened. */
    ReplaySpec parseSpec() {
        if (fromTime != null && fromOffset != null) {
            throw new ParameterException(spec.commandLine(), "give --from or --from-offset, not both");
        }
        if (toTime != null && toOffset != null) {
            throw new ParameterException(spec.commandLine(), "give --to or --to-offset, not both");
        }
        try {
            RangeBound from = fromTime != null ? RangeBound.parseTime(fromTime, context.clock())
                    : fromOffset != null ? RangeBound.parseOffsets(fromOffset) : null;
            RangeBound to = toTime != null ? RangeBound.parseTime(toTime, context.clock())
                    : toOffset != null ? RangeBound.parseOffsets(toOffset) : null;
            ReplayOverrides overrides = new ReplayOverrides(steps, scheduler, size == null ? null : size.width(),
                    size == null ? null : size.height(), guidanceScale, model, deadline);
            return new ReplaySpec(dlq ? ReplaySource.DLQ : ReplaySource.REQUESTS, from, to,
                    new ReplayFilter(new java.util.LinkedHashSet<>(jobIds), metadata), overrides, dryRun);
        } catch (InvalidReplaySpecException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private void print(ReplayReport report) throws IOException {
        PrintStream out = context.out();
        PrintStream err = context.err();
        for (ReplayReport.SkippedRecord s : report.skipped()) {
            err.println("sdfleet replay: skipped " + report.topic() + "-" + s.partition() + "@" + s.offset()
                    + (s.key() == null ? "" : " (key " + s.key() + ")") + ": " + s.reason());
        }
        List<String> unsentIds = report.unsent().stream().map(u -> u.job().newJobId()).toList();
        for (ReplayReport.UnsentJob u : report.unsent()) {
            err.println("sdfleet replay: not sent " + u.job().newJobId() + " (replay of " + u.job().originalJobId()
                    + "): " + u.failure().getMessage());
        }
        for (ReplayReport.ReplayedJob job : report.jobs()) {
            if (!unsentIds.contains(job.newJobId())) {
                out.println(json ? jsonLine(report, job) : textLine(report, job));
            }
        }
        report.aborted().ifPresent(reason -> err.println("sdfleet replay: stopped early: " + reason));
        err.println("sdfleet replay: read " + report.read() + " record(s) of " + report.topic() + " "
                + describe(report.ranges()) + "; " + report.matched() + " matched, "
                + (report.dryRun() ? report.jobs().size() + " would be sent (dry run)" : report.sent().size() + " sent")
                + ", " + report.skipped().size() + " skipped, " + report.unsent().size() + " not sent");
    }

    private String textLine(ReplayReport report, ReplayReport.ReplayedJob job) {
        if (!report.dryRun()) {
            return job.newJobId() + "  regenerationOf=" + job.originalJobId();
        }
        JobRequest r = job.request();
        return "would send " + job.newJobId() + " regenerationOf=" + job.originalJobId() + " from "
                + report.topic() + "-" + job.partition() + "@" + job.offset() + ": prompt=\"" + shorten(r.prompt())
                + "\" size=" + r.width() + "x" + r.height() + " steps=" + r.steps() + " scheduler="
                + r.scheduler().wireName() + " guidance=" + r.guidanceScale() + " seed=" + r.seed()
                + " images=" + r.numImages() + (r.model() == null ? "" : " model=" + r.model());
    }

    private String jsonLine(ReplayReport report, ReplayReport.ReplayedJob job) throws IOException {
        ObjectNode line = JsonText.mapper().createObjectNode();
        line.put("dryRun", report.dryRun());
        line.put("jobId", job.newJobId());
        line.put("regenerationOf", job.originalJobId());
        ObjectNode source = line.putObject("source");
        source.put("topic", report.topic());
        source.put("partition", job.partition());
        source.put("offset", job.offset());
        line.set("request", JsonText.mapper().readTree(JobCodec.shared().encode(job.request())));
        return JsonText.mapper().writeValueAsString(line);
    }

    private static String describe(List<PartitionRange> ranges) {
        return ranges.stream()
                .map(r -> r.partition() + ":" + (r.isEmpty() ? "empty" : r.start() + ".." + (r.endExclusive() - 1)))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static String shorten(String prompt) {
        String oneLine = prompt.replace('\n', ' ').replace("\"", "\\\"");
        return oneLine.length() <= 60 ? oneLine : oneLine.substring(0, 57) + "...";
    }
}
