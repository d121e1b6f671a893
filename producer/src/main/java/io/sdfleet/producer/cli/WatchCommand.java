package io.sdfleet.producer.cli;

import io.sdfleet.common.Completion;
import io.sdfleet.producer.kafka.CompletionReader;
import io.sdfleet.producer.kafka.StartPosition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code sdfleet watch}: tails the completion topic (read_committed, no consumer group, nothing
 * committed) and prints each completion, until Ctrl-C, {@code --max} completions or {@code --timeout}.
 *
 * <p>Ctrl-C: a shutdown hook wakes the consumer and waits briefly for the loop to close it, so the
 * broker connection is left cleanly; lines already printed are complete. The hook is removed when the
 * command ends normally (the command also runs in-process in tests).
 */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Print completion events as they arrive, until Ctrl-C, --max or --timeout."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:ok (Ctrl-C, --max reached, or --timeout without --max)",
            "2:usage error or bad configuration",
            "3:Kafka broker unreachable within the bound",
            "4:--timeout ran out before --max completions arrived"})
final class WatchCommand implements Callable<Integer> {

    /** Longest single poll, so that stop requests and the timeout are noticed quickly. */
    private static final Duration POLL_SLICE = Duration.ofMillis(250);
    /** How long Ctrl-C waits for the loop to close the consumer. */
    private static final long SHUTDOWN_WAIT_MS = 3000;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print each completion as its JSON line.")
    boolean json;

    @Option(names = "--from-beginning", description = "Start at the oldest retained completion, not at the end.")
    boolean fromBeginning;

    @Option(names = "--job", paramLabel = "ID", arity = "1..*", description = "Only these job ids (repeatable).")
    List<String> jobIds = new ArrayList<>();

    @Option(names = "--max", paramLabel = "N", description = "Stop after N completions.")
    Integer max;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this long, e.g. 30s (exit 4 if --max was not reached).")
    Duration timeout;

    @Mixin
    ConnectionOptions connection;

    private final CliContext context;

    WatchCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (max != null && max < 1) {
            throw new ParameterException(spec.commandLine(), "--max must be at least 1, got " + max);
        }
        KafkaTarget target = context.kafkaTarget(connection.bootstrapServers);
        Set<String> wanted = Set.copyOf(jobIds);
        CompletionPrinter printer = new CompletionPrinter(context.out(), json);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        int printed = 0;
        try (CompletionReader reader = target.openCompletionReader(
                fromBeginning ? StartPosition.BEGINNING : StartPosition.END)) {
            Thread hook = new Thread(() -> {
                stop.set(true);
                reader.wakeup();
                awaitQuietly(done);
            }, "sdfleet-watch-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                while (!stop.get() && (max == null || printed < max) && System.nanoTime() < deadline) {
                    for (Completion c : reader.poll(POLL_SLICE)) {
                        if ((wanted.isEmpty() || wanted.contains(c.jobId())) && (max == null || printed < max)) {
                            printer.printLine(c);
                            printed++;
                        }
                    }
                    context.out().flush();
                }
            } finally {
                removeHook(hook);
            }
        } finally {
            done.countDown();
        }
        if (max != null && printed < max && !stop.get()) {
            context.err().println("sdfleet watch: " + printed + " of " + max + " completions within " + timeout);
            return ExitCodes.WAIT_TIMED_OUT;
        }
        return ExitCodes.OK;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down (Ctrl-C): the hook is running and waits for us.
        }
    }

    private static void awaitQuietly(CountDownLatch done) {
        try {
            done.await(SHUTDOWN_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
