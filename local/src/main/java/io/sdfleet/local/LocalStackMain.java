package io.sdfleet.local;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the embedded stack until Ctrl-C: starts it, prints the environment a worker or a producer needs as
 * {@code export NAME=value} lines on standard output (informational lines, starting with '#', go to
 * standard error), and waits. A shutdown hook closes the stack, so the temporary folders are removed.
 *
 * <p>Exit status: the JVM's for a signal after Ctrl-C or SIGTERM (130 / 143), 2 for a bad command line,
 * 1 when the stack does not start.
 */
public final class LocalStackMain {

    /** Names of the printed environment variables, read by the worker and producer configuration. */
    static final String BOOTSTRAP_SERVERS_ENV = "SDFLEET_BOOTSTRAP_SERVERS";
    static final String S3_ENDPOINT_ENV = "SDFLEET_S3_ENDPOINT";
    static final String S3_ACCESS_KEY_ENV = "SDFLEET_S3_ACCESS_KEY";
    static final String S3_SECRET_KEY_ENV = "SDFLEET_S3_SECRET_KEY";
    static final String S3_BUCKET_ENV = "SDFLEET_S3_BUCKET";

    /**
     * slf4j provider to use when none is chosen: s3proxy brings logback-classic along with our
     * slf4j-simple, and an unconfigured logback would print Kafka's DEBUG output.
     */
    static final String SLF4J_PROVIDER_PROPERTY = "slf4j.provider";
    static final String SIMPLE_PROVIDER = "org.slf4j.simple.SimpleServiceProvider";

    private LocalStackMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty(SLF4J_PROVIDER_PROPERTY) == null) {
            System.setProperty(SLF4J_PROVIDER_PROPERTY, SIMPLE_PROVIDER);
        }
        List<String> arguments = List.of(args);
        if (LocalStackCommandLine.wantsHelp(arguments)) {
            System.out.println(LocalStackCommandLine.USAGE);
            return;
        }
        LocalStack.Options options;
        try {
            options = LocalStackCommandLine.parse(arguments, System.getenv());
        } catch (LocalStackCommandLine.UsageException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(LocalStackCommandLine.USAGE);
            System.exit(2);
            return;
        }
        LocalStack stack;
        try {
            stack = LocalStack.start(options);
        } catch (EmbeddedStackException e) {
            System.err.println("error: the local stack did not start: " + e.getMessage());
            e.printStackTrace(System.err);
            System.exit(1);
            return;
        }
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("# stopping the sdfleet local stack");
            try {
                stack.close();
            } finally {
                closed.countDown();
            }
        }, "sdfleet-local-shutdown"));
        printEnvironment(stack, System.out);
        System.err.printf("# sdfleet local stack ready in %d ms: topics %s, %s, %s (%d partitions each); "
                        + "Ctrl-C stops it%n", stack.startupTime().toMillis(), options.requestsTopic(),
                options.completionsTopic(), options.dlqTopic(), options.partitions());
        closed.await();
    }

    /** Prints the stack's coordinates as shell {@code export} lines. */
    static void printEnvironment(LocalStack stack, PrintStream out) {
        for (Map.Entry<String, String> variable : environment(stack).entrySet()) {
            out.println("export " + variable.getKey() + "=" + shellQuote(variable.getValue()));
        }
        out.flush();
    }

    /** The variables in printing order. */
    static Map<String, String> environment(LocalStack stack) {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put(BOOTSTRAP_SERVERS_ENV, stack.bootstrapServers());
        variables.put(S3_ENDPOINT_ENV, stack.s3Endpoint().toString());
        variables.put(S3_ACCESS_KEY_ENV, stack.accessKey());
        variables.put(S3_SECRET_KEY_ENV, stack.secretKey());
        variables.put(S3_BUCKET_ENV, stack.bucket());
        return variables;
    }

    /** Leaves shell-safe values as they are; single-quotes anything else. */
    static String shellQuote(String value) {
        if (value.matches("[A-Za-z0-9_./:@,+=-]+")) {
            return value;
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
