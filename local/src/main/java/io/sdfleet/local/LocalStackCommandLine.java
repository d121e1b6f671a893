package io.sdfleet.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line of {@link LocalStackMain}: options from arguments, falling back to environment
 * variables, falling back to {@link LocalStack.Options#defaults()}.
 *
 * <p>Every setting, its argument, its environment variable:
 * <ul>
 *   <li>{@value #KAFKA_PORT_ARG} / {@value #KAFKA_PORT_ENV}: broker port on 127.0.0.1 (default: a free port)</li>
 *   <li>{@value #S3_PORT_ARG} / {@value #S3_PORT_ENV}: S3 port on 127.0.0.1 (default: a free port)</li>
 *   <li>{@value #S3_DIR_ARG} / {@value #S3_DIR_ENV}: folder for the objects (default: in memory)</li>
 *   <li>{@value #BUCKET_ARG}: bucket name (default {@value LocalStack.Options#DEFAULT_BUCKET})</li>
 *   <li>{@value #PARTITIONS_ARG}: partitions per topic (default {@value LocalStack.Options#DEFAULT_PARTITIONS})</li>
 *   <li>{@value #ACCESS_KEY_ARG}, {@value #SECRET_KEY_ARG}: S3 keys (defaults in {@link EmbeddedS3})</li>
 * </ul>
 * A bad value is reported with its name; all problems are reported at once.
 */
final class LocalStackCommandLine {

    static final String KAFKA_PORT_ARG = "--kafka-port";
    static final String S3_PORT_ARG = "--s3-port";
    static final String S3_DIR_ARG = "--s3-dir";
    static final String BUCKET_ARG = "--bucket";
    static final String PARTITIONS_ARG = "--partitions";
    static final String ACCESS_KEY_ARG = "--access-key";
    static final String SECRET_KEY_ARG = "--secret-key";
    static final String HELP_ARG = "--help";

    static final String KAFKA_PORT_ENV = "SDFLEET_LOCAL_KAFKA_PORT";
    static final String S3_PORT_ENV = "SDFLEET_LOCAL_S3_PORT";
    static final String S3_DIR_ENV = "SDFLEET_LOCAL_S3_DIR";

    static final String USAGE = String.join(System.lineSeparator(),
            "usage: LocalStackMain [--kafka-port N] [--s3-port N] [--s3-dir FOLDER] [--bucket NAME]",
            "                      [--partitions N] [--access-key KEY] [--secret-key KEY]",
            "  ports default to free ones (env " + KAFKA_PORT_ENV + ", " + S3_PORT_ENV + "),",
            "  objects are kept in memory unless --s3-dir (env " + S3_DIR_ENV + ") names a folder.");

    /** The command line did not make sense; the message says which setting and why. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private LocalStackCommandLine() {
    }

    /** Returns true when the arguments ask for the usage text. */
    static boolean wantsHelp(List<String> args) {
        return args.contains(HELP_ARG) || args.contains("-h");
    }

    /**
     * Parses {@code args} with {@code environment} as fallback.
     *
     * @throws UsageException naming every unknown argument or bad value
     */
    static LocalStack.Options parse(List<String> args, Map<String, String> environment) throws UsageException {
        List<String> problems = new ArrayList<>();
        LocalStack.Options options = LocalStack.Options.defaults();
        int kafkaPort = port(KAFKA_PORT_ENV, environment.get(KAFKA_PORT_ENV), problems);
        int s3Port = port(S3_PORT_ENV, environment.get(S3_PORT_ENV), problems);
        String s3Dir = blankToNull(environment.get(S3_DIR_ENV));
        String bucket = options.bucket();
        int partitions = options.partitions();
        String accessKey = options.accessKey();
        String secretKey = options.secretKey();
        for (int i = 0; i < args.size(); i++) {
            String name = args.get(i);
            String value = i + 1 < args.size() ? args.get(i + 1) : null;
            if (!List.of(KAFKA_PORT_ARG, S3_PORT_ARG, S3_DIR_ARG, BUCKET_ARG, PARTITIONS_ARG, ACCESS_KEY_ARG,
                    SECRET_KEY_ARG).contains(name)) {
                problems.add("unknown argument '" + name + "'");
                continue;
            }
            if (value == null) {
                problems.add(name + " needs a value");
                continue;
            }
            i++;
            switch (name) {
                case KAFKA_PORT_ARG -> kafkaPort = port(name, value, problems);
                case S3_PORT_ARG -> s3Port = port(name, value, problems);
                case S3_DIR_ARG -> s3Dir = value;
                case BUCKET_ARG -> bucket = value;
                case PARTITIONS_ARG -> partitions = integer(name, value, problems);
                case ACCESS_KEY_ARG -> accessKey = value;
                case SECRET_KEY_ARG -> secretKey = value;
                default -> throw new IllegalStateException(name);
            }
        }
        if (!problems.isEmpty()) {
            throw new UsageException(String.join("; ", problems));
        }
        try {
            return options.withPorts(kafkaPort, s3Port).withBucket(bucket).withPartitions(partitions)
                    .withKeys(accessKey, secretKey).withS3Directory(s3Dir == null ? null : Path.of(s3Dir));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static int port(String name, String value, List<String> problems) {
        if (blankToNull(value) == null) {
            return 0;
        }
        int port = integer(name, value, problems);
        if (port < 0 || port > 65535) {
            problems.add(name + " must be a port 0..65535, was " + value);
            return 0;
        }
        return port;
    }

    private static int integer(String name, String value, List<String> problems) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            problems.add(name + " must be a whole number, was '" + value + "'");
            return 0;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
