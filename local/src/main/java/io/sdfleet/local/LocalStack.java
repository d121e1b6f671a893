package io.sdfleet.local;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The whole embedded development stack: a Kafka broker with the sdfleet topics and an S3 server with the
 * sdfleet bucket, ready to use when {@link #start(Options)} returns.
 *
 * <p>It prints nothing (its parts log at DEBUG only); {@link LocalStackMain} is the command-line face.
 * It does not use the {@code common} module's topic constants on purpose: the names are plain options
 * here, so the stack can serve any layout.
 *
 * <p>Threads: start and close from one thread; the getters are safe from any thread. {@link #s3()} gives
 * access to the S3 server's {@link EmbeddedS3#stop() stop}/{@link EmbeddedS3#start() start} for fault
 * injection.
 *
 * <p>Failure: a part that does not start stops what was already started and raises
 * {@link EmbeddedStackException}; start-up returns only after both parts have finished starting or
 * failing, so nothing is left running behind a failed start.
 */
public final class LocalStack implements AutoCloseable {

    /** How long topic creation may take before start-up is declared failed. */
    static final Duration TOPIC_READY_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What to set up.
     *
     * @param requestsTopic    topic of job requests
     * @param completionsTopic topic of completion events
     * @param dlqTopic         dead-letter topic of rejected requests
     * @param partitions       partitions of each of the three topics (≥ 1)
     * @param bucket           bucket for the images (S3 naming rules: 3–63 of a-z 0-9 . -)
     * @param kafkaPort        broker client port on 127.0.0.1; 0 picks a free one
     * @param s3Port           S3 port on 127.0.0.1; 0 picks a free one
     * @param s3Directory      folder for the objects; {@code null} keeps them in memory
     * @param accessKey        S3 access key
     * @param secretKey        S3 secret key
     */
    public record Options(String requestsTopic, String completionsTopic, String dlqTopic, int partitions,
                          String bucket, int kafkaPort, int s3Port, Path s3Directory,
                          String accessKey, String secretKey) {

        public static final String DEFAULT_REQUESTS_TOPIC = "sd.requests";
        public static final String DEFAULT_COMPLETIONS_TOPIC = "sd.completions";
        public static final String DEFAULT_DLQ_TOPIC = "sd.requests.dlq";
        public static final int DEFAULT_PARTITIONS = 4;
        public static final String DEFAULT_BUCKET = "sdfleet";

        /** Checks every option and reports all bad ones at once. */
        public Options {
            List<String> problems = new ArrayList<>();
            for (String topic : new String[] {requestsTopic, completionsTopic, dlqTopic}) {
                if (topic == null) {
                    problems.add("a topic name is missing");
                    continue;
                }
                try {
                    new TopicSpec(topic, Math.max(1, partitions));
                } catch (RuntimeException e) {
                    problems.add(e.getMessage());
                }
            }
            if (requestsTopic != null && completionsTopic != null && dlqTopic != null
                    && new LinkedHashSet<>(List.of(requestsTopic, completionsTopic, dlqTopic)).size() < 3) {
                problems.add("the three topic names must differ: " + requestsTopic + ", " + completionsTopic
                        + ", " + dlqTopic);
            }
            if (partitions < 1) {
                problems.add("partitions must be >= 1, was " + partitions);
            }
            if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                problems.add("not a valid S3 bucket name: '" + bucket + "'");
            }
            for (int port : new int[] {kafkaPort, s3Port}) {
                if (port < 0 || port > 65535) {
                    problems.add("port must be 0..65535, was " + port);
                }
            }
            if (kafkaPort > 0 && kafkaPort == s3Port) {
                problems.add("kafkaPort and s3Port must differ, both are " + kafkaPort);
            }
            if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
                problems.add("S3 access key and secret key must not be blank");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid local stack options: " + String.join("; ", problems));
            }
        }

        /** sd.requests / sd.completions / sd.requests.dlq with 4 partitions, bucket sdfleet, free ports. */
        public static Options defaults() {
            return new Options(DEFAULT_REQUESTS_TOPIC, DEFAULT_COMPLETIONS_TOPIC, DEFAULT_DLQ_TOPIC,
                    DEFAULT_PARTITIONS, DEFAULT_BUCKET, 0, 0, null,
                    EmbeddedS3.DEFAULT_ACCESS_KEY, EmbeddedS3.DEFAULT_SECRET_KEY);
        }

        public Options withTopics(String requests, String completions, String dlq) {
            return new Options(requests, completions, dlq, partitions, bucket, kafkaPort, s3Port, s3Directory,
                    accessKey, secretKey);
        }

        public Options withPartitions(int count) {
            return new Options(requestsTopic, completionsTopic, dlqTopic, count, bucket, kafkaPort, s3Port,
                    s3Directory, accessKey, secretKey);
        }

        public Options withBucket(String name) {
            return new Options(requestsTopic, completionsTopic, dlqTopic, partitions, name, kafkaPort, s3Port,
                    s3Directory, accessKey, secretKey);
        }

        public Options withPorts(int kafka, int s3) {
            return new Options(requestsTopic, completionsTopic, dlqTopic, partitions, bucket, kafka, s3,
                    s3Directory, accessKey, secretKey);
        }

        public Options withS3Directory(Path folder) {
            return new Options(requestsTopic, completionsTopic, dlqTopic, partitions, bucket, kafkaPort, s3Port,
                    folder, accessKey, secretKey);
        }

        public Options withKeys(String access, String secret) {
            return new Options(requestsTopic, completionsTopic, dlqTopic, partitions, bucket, kafkaPort, s3Port,
                    s3Directory, access, secret);
        }

        /** The three topics, each with {@link #partitions()} partitions. */
        public List<TopicSpec> topics() {
            return List.of(new TopicSpec(requestsTopic, partitions), new TopicSpec(completionsTopic, partitions),
                    new TopicSpec(dlqTopic, partitions));
        }

        EmbeddedS3.Settings s3Settings() {
            EmbeddedS3.Settings settings = EmbeddedS3.Settings.defaults().withPort(s3Port)
                    .withKeys(accessKey, secretKey);
            return s3Directory == null ? settings : settings.withFilesystem(s3Directory);
        }
    }

    private final Options options;
    private final EmbeddedKafka kafka;
    private final EmbeddedS3 s3;
    private final Duration startupTime;

    private LocalStack(Options options, EmbeddedKafka kafka, EmbeddedS3 s3, Duration startupTime) {
        this.options = options;
        this.kafka = kafka;
        this.s3 = s3;
        this.startupTime = startupTime;
    }

    /** Starts the default stack (see {@link Options#defaults()}). */
    public static LocalStack start() {
        return start(Options.defaults());
    }

    /**
     * Starts the broker and the S3 server, creates the topics and the bucket.
     *
     * @throws EmbeddedStackException when any part does not start or cannot be set up
     */
    public static LocalStack start(Options options) {
        Objects.requireNonNull(options, "options");
        long began = System.nanoTime();
        // The S3 side (mostly jclouds' Guice wiring) starts on its own thread while this thread starts the
        // broker: the two are independent and each is a few seconds of mostly class loading.
        FutureTask<EmbeddedS3> s3Start = new FutureTask<>(() -> {
            EmbeddedS3 started = EmbeddedS3.start(options.s3Settings());
            try {
                started.createBucket(options.bucket());
                return started;
            } catch (RuntimeException e) {
                started.close();
                throw e;
            }
        });
        Thread s3Thread = new Thread(s3Start, "sdfleet-local-s3-start");
        s3Thread.setDaemon(true);
        s3Thread.start();
        EmbeddedKafka kafka = null;
        try {
            kafka = EmbeddedKafka.start(options.kafkaPort());
            KafkaTopics.createAndAwait(kafka.bootstrapServers(), options.topics(), TOPIC_READY_TIMEOUT);
        } catch (RuntimeException e) {
            closeQuietly(kafka, e);
            closeQuietly(awaitQuietly(s3Start, e), e);
            throw e;
        }
        EmbeddedS3 s3;
        try {
            s3 = await(s3Start);
        } catch (RuntimeException e) {
            closeQuietly(kafka, e);
            throw e;
        }
        return new LocalStack(options, kafka, s3, Duration.ofNanos(System.nanoTime() - began));
    }

    /** The started S3 server, or the exception that stopped it from starting. */
    private static EmbeddedS3 await(FutureTask<EmbeddedS3> s3Start) {
        try {
            return s3Start.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            EmbeddedStackException interrupted = new EmbeddedStackException("interrupted while starting S3", e);
            closeQuietly(awaitQuietly(s3Start, interrupted), interrupted);
            throw interrupted;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EmbeddedStackException stackFailure) {
                throw stackFailure;
            }
            throw new EmbeddedStackException("S3 server did not start", e.getCause());
        }
    }

    /** Waits for the S3 start to finish (so that nothing is left running) and returns it if it succeeded. */
    private static EmbeddedS3 awaitQuietly(FutureTask<EmbeddedS3> s3Start, RuntimeException failure) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return s3Start.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    failure.addSuppressed(e.getCause());
                    return null;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public URI s3Endpoint() {
        return s3.endpoint();
    }

    public String accessKey() {
        return s3.accessKey();
    }

    public String secretKey() {
        return s3.secretKey();
    }

    public String bucket() {
        return options.bucket();
    }

    public Options options() {
        return options;
    }

    /** The broker (for its port and lifetime). */
    public EmbeddedKafka kafka() {
        return kafka;
    }

    /** The S3 server: stop and start it to simulate an object-store outage. */
    public EmbeddedS3 s3() {
        return s3;
    }

    /** Wall-clock time {@link #start(Options)} took, until topics and bucket were ready. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Stops the broker and the S3 server and deletes their temporary folders. Idempotent. */
    @Override
    public void close() {
        try {
            kafka.close();
        } finally {
            s3.close();
        }
    }

    private static void closeQuietly(AutoCloseable part, RuntimeException failure) {
        if (part == null) {
            return;
        }
        try {
            part.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "LocalStack[kafka=" + bootstrapServers() + ", s3=" + s3Endpoint() + ", bucket=" + bucket() + "]";
    }
}
