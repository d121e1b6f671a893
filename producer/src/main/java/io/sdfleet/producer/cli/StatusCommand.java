package io.sdfleet.producer.cli;

import io.sdfleet.common.Completion;
import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.fleet.FleetCodec;
import io.sdfleet.common.fleet.ProgressEvent;
import io.sdfleet.producer.CompletionTimeoutException;
import io.sdfleet.producer.ProgressListener;
import io.sdfleet.producer.SdfleetProducer;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sdfleet status JOBID}: the job's completion if there is one, else its latest progress event, read from
 * the job's submit time (inside a UUIDv7 id; else from the beginning of the topics) for at most {@code --wait}.
 */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Print a job's completion, or while it runs its latest progress (queued, started, step k/n,"
                + " decoding, storing)."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:completed SUCCEEDED, or in progress",
            "1:completed FAILED or EXPIRED", "2:usage error or bad configuration",
            "3:Kafka broker unreachable within the bound", "4:nothing known of the job within --wait"})
final class StatusCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "JOBID", description = "The job id.")
    String jobId;

    @Option(names = "--wait", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "3s",
            description = "How long to read for its records (default ${DEFAULT-VALUE}).")
    Duration wait;

    @Option(names = "--json", description = "Print the completion event, or the progress event, as JSON.")
    boolean json;

    @Mixin
    ConnectionOptions connection;

    private final CliContext context;

    StatusCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        ProgressEvent[] latest = new ProgressEvent[1];
        ProgressListener keepLatest = e -> latest[0] = e;
        try (SdfleetProducer producer = context.kafkaTarget(connection.bootstrapServers).openProducer(false)) {
            Completion c = producer.awaitCompletion(jobId, wait, keepLatest);
            new CompletionPrinter(context.out(), json).printDetail(c);
            return c.status() == CompletionStatus.SUCCEEDED ? ExitCodes.OK : ExitCodes.SOME_FAILED;
        } catch (CompletionTimeoutException e) {
            if (latest[0] == null) {
                context.err().println("sdfleet status: no completion and no progress of job " + jobId + " within "
                        + wait.toMillis() + " ms of reading (not submitted, older than the topics keep, or not"
                        + " taken by a worker yet)");
                return ExitCodes.WAIT_TIMED_OUT;
            }
            ProgressEvent p = latest[0];
            if (json) {
                context.out().println(new String(FleetCodec.encode(p), java.nio.charset.StandardCharsets.UTF_8));
            } else {
                context.out().println(jobId + " " + p.phase().name().toLowerCase(java.util.Locale.ROOT)
                        + (p.totalSteps() > 0 ? " " + p.step() + "/" + p.totalSteps() : "")
                        + " on " + p.workerId() + " at " + p.at());
            }
            return ExitCodes.OK;
        }
    }
}
