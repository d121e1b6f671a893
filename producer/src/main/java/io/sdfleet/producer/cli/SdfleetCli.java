package io.sdfleet.producer.cli;

import io.sdfleet.common.config.ConfigException;
import io.sdfleet.common.config.ConfigProblem;
import io.sdfleet.common.InvalidRequestException;
import io.sdfleet.producer.CompletionTimeoutException;
import io.sdfleet.producer.KafkaUnavailableException;
import io.sdfleet.producer.RequestNormalizer;
import io.sdfleet.producer.SubmitFailedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.ParseResult;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * The {@code sdfleet} command line: one class per subcommand ({@link SubmitCommand}, {@link WatchCommand},
 * {@link TokenizeCommand}, {@link ReplayCommand}), wired here.
 *
 * <p>{@link #run(String[], PrintStream, PrintStream, Map)} runs a command in-process with injected
 * streams and environment (tests call it; nothing reads {@code System.getenv} or calls {@code System.exit}
 * below {@link #main}). Failures become the exit codes of {@link ExitCodes} by exception type, with the
 * exception's message on stderr and no stack trace, except for an unexpected exception.
 */
@Command(name = "sdfleet", mixinStandardHelpOptions = true, version = "sdfleet 0.1.0",
        usageHelpAutoWidth = true,
        description = {"Submit Stable Diffusion jobs to an sdfleet Kafka cluster and follow their completions.",
            "Configuration from the environment (SDFLEET_BOOTSTRAP_SERVERS, SDFLEET_TOPIC_*, SDFLEET_KAFKA_*"
                + " client properties); --bootstrap-servers overrides."},
        subcommands = {SubmitCommand.class, WatchCommand.class, ReplayCommand.class, TokenizeCommand.class,
            ModelsCommand.class, StatusCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok", "1:some input lines invalid, some jobs not sent, or some jobs FAILED/EXPIRED",
            "2:usage error, invalid request or bad configuration (nothing sent)",
            "3:Kafka broker unreachable or not acknowledging within the bound",
            "4:--wait / --timeout ran out before the completions arrived"})
public final class SdfleetCli implements Runnable {

    /** slf4j-simple's default level; {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=info} to see more. */
    static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits the JVM with its exit code. */
    public static void main(String[] args) {
        // Kafka's client INFO logs would drown the command's output; slf4j-simple logs to stderr.
        if (System.getProperty(LOG_LEVEL_PROPERTY) == null) {
            System.setProperty(LOG_LEVEL_PROPERTY, "warn");
        }
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    /**
     * Runs one command in-process.
     *
     * @return the exit code (see {@link ExitCodes})
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        return run(args, out, err, env, Clock.systemUTC(), new RequestNormalizer());
    }

    /** Like {@link #run(String[], PrintStream, PrintStream, Map)} with the clock and normalizer injected. */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, Clock clock,
            RequestNormalizer normalizer) {
        return run(args, out, err, env, clock, normalizer, Terminal.detect(env));
    }

    /** Like {@link #run(String[], PrintStream, PrintStream, Map, Clock, RequestNormalizer)} on a given terminal. */
    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, Clock clock,
            RequestNormalizer normalizer, Terminal terminal) {
        CliContext context = new CliContext(out, err, env, clock, normalizer, terminal);
        CommandLine commandLine = new CommandLine(new SdfleetCli(), new ContextFactory(context));
        commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        commandLine.setExecutionExceptionHandler(new ExitCodeMapper(err));
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** {@code sdfleet} alone prints the usage and counts as a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** Creates commands and converters, handing the context to those that take it. */
    private record ContextFactory(CliContext context) implements IFactory {
        @Override
        @SuppressWarnings("unchecked")
        public <K> K create(Class<K> type) throws Exception {
            if (type == SubmitCommand.class) {
                return (K) new SubmitCommand(context);
            }
            if (type == WatchCommand.class) {
                return (K) new WatchCommand(context);
            }
            if (type == ReplayCommand.class) {
                return (K) new ReplayCommand(context);
            }
            if (type == StatusCommand.class) {
                return (K) new StatusCommand(context);
            }
            if (type == ModelsCommand.class) {
                return (K) new ModelsCommand(context);
            }
            if (type == TokenizeCommand.class) {
                return (K) new TokenizeCommand(context);
            }
            if (type == DeadlineConverter.class) {
                return (K) new DeadlineConverter(context.clock());
            }
            return CommandLine.defaultFactory().create(type);
        }
    }

    /** Exceptions from a command → message on stderr and the exit code their type calls for. */
    private record ExitCodeMapper(PrintStream err) implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parseResult) {
            String command = commandLine.getCommandSpec().qualifiedName();
            if (e instanceof KafkaUnavailableException) {
                err.println(command + ": " + e.getMessage());
                return ExitCodes.KAFKA_UNAVAILABLE;
            }
            if (e instanceof CompletionTimeoutException) {
                err.println(command + ": " + e.getMessage());
                return ExitCodes.WAIT_TIMED_OUT;
            }
            if (e instanceof ConfigException c) {
                err.println(command + ": invalid configuration:");
                for (ConfigProblem p : c.problems()) {
                    err.println("  " + p);
                }
                return ExitCodes.USAGE;
            }
            if (e instanceof InvalidRequestException) {
                err.println(command + ": invalid request: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            if (e instanceof io.sdfleet.producer.ModelNotServedException) {
                err.println(command + ": " + e.getMessage());
                return ExitCodes.USAGE;
            }
            if (e instanceof SubmitFailedException) {
                err.println(command + ": " + e.getMessage());
                return ExitCodes.SOME_FAILED;
            }
            if (e instanceof UncheckedIOException || e instanceof java.io.IOException) {
                err.println(command + ": " + e.getMessage());
                return ExitCodes.USAGE;
            }
            err.println(command + ": unexpected error:");
            e.printStackTrace(err);
            return ExitCodes.SOME_FAILED;
        }
    }
}
