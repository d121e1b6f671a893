package io.sdfleet.local.it;

import io.sdfleet.producer.cli.SdfleetCli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One in-process run of the {@code sdfleet} command line, with what it printed. Shared by the producer and
 * replay integration tests, which drive the same CLI against the embedded broker: the CLI reads its settings
 * from the given environment map only, so runs of concurrent tests do not see each other's topics.
 */
public record CliRun(int exitCode, String out, String err) {

    /** Runs the CLI on the calling thread and captures its standard output and error as UTF-8. */
    public static CliRun execute(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = SdfleetCli.run(args, o, e, env);
        }
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
    }
}
