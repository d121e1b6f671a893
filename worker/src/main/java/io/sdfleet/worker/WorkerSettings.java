package io.sdfleet.worker;

import io.sdfleet.common.ModelNames;
import io.sdfleet.common.config.ConfigException;
import io.sdfleet.common.config.ConfigReader;
import io.sdfleet.common.config.KafkaSettings;
import io.sdfleet.common.config.Setting;
import io.sdfleet.worker.device.DeviceSettings;
import io.sdfleet.worker.fleet.FleetSettings;
import io.sdfleet.worker.observe.ObserveSettings;
import io.sdfleet.worker.pipeline.PipelineSettings;
import io.sdfleet.worker.runtime.RuntimeSettings;
import io.sdfleet.worker.input.InputSettings;
import io.sdfleet.worker.store.StoreRetrySettings;
import io.sdfleet.common.config.StoreSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Every setting of a worker process, read from the environment and validated before anything connects:
 * Kafka ({@link KafkaSettings}), the object store ({@link StoreSettings}, {@link StoreRetrySettings}),
 * health and metrics ({@link ObserveSettings}), the worker's own ({@link #OWN_SETTINGS}), the device stage
 * ({@link DeviceSettings}), the model runtimes ({@link RuntimeSettings}) and the pipeline ({@link PipelineSettings}). One {@link ConfigException} lists every
 * bad value at once; rules linking two settings are in {@link #checkRules} (and, for settings of one group, in
 * that group's own rule method, e.g. {@code RuntimeSettings.checkRules}). {@link #ALL_SETTINGS} is the README
 * table.
 *
 * <p>Kafka client properties the worker relies on are set here: the consumer joins its group as a static
 * member named by the worker id ({@code group.instance.id}, unless {@code SDFLEET_STATIC_MEMBERSHIP=false}),
 * with the group protocol {@code SDFLEET_GROUP_PROTOCOL} (classic: the cooperative-sticky assignor), never
 * auto-commits, reads requests read_committed and takes at most {@code SDFLEET_MAX_PENDING_JOBS} records per
 * poll; the producer is idempotent with acks=all, and with
 * transactions has {@code transactional.id = "sdfleet-worker-" + workerId} and a short transaction
 * timeout. {@code SDFLEET_KAFKA_*} pass-through properties override the defaults, except those the
 * worker's correctness depends on (auto-commit, transactional id), which are refused. Immutable.
 *
 * @param kafka              brokers, topics, group and pass-through client properties
 * @param store              object store endpoint, bucket, prefix
 * @param storeRetry         object-store retry backoff and deadline
 * @param input              bounds and threads of the input stage (pictures of img2img and inpainting jobs)
 * @param observe            health and metrics HTTP server
 * @param workerId           this worker instance's stable id (transactional id, completions, logs)
 * @param modelDir           model folder
 * @param modelName          the name of the model this worker serves ({@code SDFLEET_MODEL_NAME}, default the folder's
 *                           name): its requests topic and consumer group, completions, the catalog
 * @param fleet              catalog heartbeat and progress events
 * @param runtimeSettings    model runtimes: UNet runtime, execution provider, device, threads, TensorRT engines
 * @param pipeline           pipeline settings; its maxBatchImages is the device's {@code batchMaxImages}, or the
 *                           pipeline's default when that is 0
 * @param device             the device stage: batching mode, batch limits, decode pacing, the fault limit
 * @param maxPendingJobs     jobs taken and not finished at which the partitions are paused
 * @param transactions       exactly-once completions (Kafka transactions) or at-least-once
 * @param transactionTimeout the producer's transaction.timeout.ms
 * @param shutdownGrace      time to finish in-flight work after SIGTERM
 * @param pollTimeout        longest block of one poll
 * @param revokeTimeout      longest wait for a revoked partition's in-flight jobs
 * @param storeThreads       threads that encode and upload
 * @param commitMaxDelay     longest a finished job waits for others to share its commit
 * @param staticMembership   join the group as a static member named by the worker id
 * @param groupProtocol      Kafka's consumer group protocol
 * @param unknownKeys        SDFLEET_* variables that no setting read (probably misspelt; logged as warnings)
 */
public record WorkerSettings(KafkaSettings kafka, StoreSettings store, StoreRetrySettings storeRetry,
                             InputSettings input, ObserveSettings observe, String workerId, Path modelDir,
                             String modelName, FleetSettings fleet,
                             RuntimeSettings runtimeSettings, PipelineSettings pipeline, DeviceSettings device,
                             int maxPendingJobs, boolean transactions,
                             Duration transactionTimeout, Duration shutdownGrace, Duration pollTimeout,
                             Duration revokeTimeout, int storeThreads, Duration commitMaxDelay,
                             boolean staticMembership,
                             GroupProtocol groupProtocol, List<String> unknownKeys) {

    public static final String DEFAULT_MODEL_DIR = "models/tiny-sd";
    public static final int DEFAULT_MAX_PENDING_JOBS = 64;
    public static final boolean DEFAULT_TRANSACTIONS = true;
    public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(100);
    public static final Duration DEFAULT_REVOKE_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_STORE_THREADS = 2;
    public static final Duration DEFAULT_COMMIT_MAX_DELAY = Duration.ofMillis(20);
    public static final boolean DEFAULT_STATIC_MEMBERSHIP = true;
    public static final GroupProtocol DEFAULT_GROUP_PROTOCOL = GroupProtocol.CLASSIC;
    /** Prefix of the transactional id; the worker id follows. */
    public static final String TRANSACTIONAL_ID_PREFIX = "sdfleet-worker-";
    /** Kafka's default max.poll.interval.ms, used to check the revoke timeout when it is not overridden. */
    static final Duration KAFKA_DEFAULT_MAX_POLL_INTERVAL = Duration.ofMinutes(5);

    private static final Pattern WORKER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    public static final Setting<String> WORKER_ID_SETTING = Setting.of("SDFLEET_WORKER_ID", String.class, null,
            "(host name)", "1..200 of A-Z a-z 0-9 . _ -, starting with a letter or digit",
            "Id of this worker instance, unique in the fleet; the transactional id is derived from it. Keep it"
                    + " the same across restarts where you can (a StatefulSet pod name): a restarted worker then"
                    + " aborts its predecessor's open transaction at once; a new id (a Deployment pod name) lets"
                    + " that transaction block read_committed readers for up to SDFLEET_TRANSACTION_TIMEOUT.",
            WorkerSettings::parseWorkerId);
    public static final Setting<String> MODEL_DIR = Setting.nonBlank("SDFLEET_MODEL_DIR", DEFAULT_MODEL_DIR,
            "Folder of the model in diffusers' ONNX layout.");
    public static final Setting<String> MODEL_NAME = Setting.of("SDFLEET_MODEL_NAME", String.class, null,
            "(the model folder's name)", ModelNames.ALLOWED,
            "Name of the model this worker serves: requests naming another model are refused (MODEL_NOT_SERVED), and"
                    + " with SDFLEET_DEFAULT_MODEL set it chooses the worker's requests topic and consumer group.",
            ModelNames::require);
    public static final Setting<Integer> MAX_PENDING_JOBS = Setting.integer("SDFLEET_MAX_PENDING_JOBS",
            DEFAULT_MAX_PENDING_JOBS, 1, 100_000,
            "Jobs taken and not yet committed at which the worker pauses its partitions (it keeps polling).");
    public static final Setting<Boolean> TRANSACTIONS = Setting.bool("SDFLEET_TRANSACTIONS", DEFAULT_TRANSACTIONS,
            "Write completions, DLQ records and offsets in one Kafka transaction (exactly-once for read_committed"
                    + " readers); false: at-least-once.");
    public static final Setting<Duration> TRANSACTION_TIMEOUT = Setting.duration("SDFLEET_TRANSACTION_TIMEOUT",
            DEFAULT_TRANSACTION_TIMEOUT, Duration.ofSeconds(1), Duration.ofMinutes(15),
            "Kafka transaction timeout: how long a dead worker's open transaction can block readers.");
    public static final Setting<Duration> SHUTDOWN_GRACE = Setting.duration("SDFLEET_SHUTDOWN_GRACE",
            DEFAULT_SHUTDOWN_GRACE, Duration.ofSeconds(1), Duration.ofHours(1),
            "Time after SIGTERM to finish, store and commit the batch in flight; set the pod's"
                    + " terminationGracePeriodSeconds above it.");
    public static final Setting<Duration> POLL_TIMEOUT = Setting.duration("SDFLEET_POLL_TIMEOUT",
            DEFAULT_POLL_TIMEOUT, Duration.ofMillis(10), Duration.ofSeconds(10),
            "Longest block of one Kafka poll; finished jobs are committed at least this often.");
    public static final Setting<Duration> REVOKE_TIMEOUT = Setting.duration("SDFLEET_REVOKE_TIMEOUT",
            DEFAULT_REVOKE_TIMEOUT, Duration.ZERO, Duration.ofMinutes(10),
            "Longest wait, when partitions are revoked, for their jobs in flight before handing them over.");
    public static final Setting<Integer> STORE_THREADS = Setting.integer("SDFLEET_STORE_THREADS",
            DEFAULT_STORE_THREADS, 1, 64, "Threads that PNG-encode and upload images beside the device.");

    public static final Setting<Duration> COMMIT_MAX_DELAY = Setting.duration("SDFLEET_COMMIT_MAX_DELAY",
            DEFAULT_COMMIT_MAX_DELAY, Duration.ZERO, Duration.ofSeconds(5),
            "Longest a finished job's completion waits for others to share its commit (one Kafka transaction for"
                    + " several jobs); it adds at most this to the time until a read_committed reader sees it.");
    public static final Setting<Boolean> STATIC_MEMBERSHIP = Setting.bool("SDFLEET_STATIC_MEMBERSHIP",
            DEFAULT_STATIC_MEMBERSHIP, "Join the consumer group as a static member named by SDFLEET_WORKER_ID"
                    + " (group.instance.id): a worker that restarts with the same id within the session timeout"
                    + " gets its partitions back without a rebalance of the group, so a crash-looping worker cannot"
                    + " stall the others; a clean stop leaves the group at once. Keep worker ids stable across"
                    + " restarts (a StatefulSet pod name).");
    public static final Setting<GroupProtocol> GROUP_PROTOCOL = Setting.oneOf("SDFLEET_GROUP_PROTOCOL",
            GroupProtocol.class, DEFAULT_GROUP_PROTOCOL, "Kafka consumer group protocol: classic (the"
                    + " cooperative-sticky assignor; session timeout from SDFLEET_KAFKA_SESSION_TIMEOUT_MS, Kafka's"
                    + " default 45 s) or consumer (KIP-848, brokers 4.0+; the session timeout is the broker's"
                    + " group.consumer.session.timeout.ms).");

    /** The worker's own settings, in table order. */
    public static final List<Setting<?>> OWN_SETTINGS = List.of(WORKER_ID_SETTING, MODEL_DIR, MODEL_NAME, MAX_PENDING_JOBS, TRANSACTIONS, TRANSACTION_TIMEOUT, SHUTDOWN_GRACE,
            POLL_TIMEOUT, REVOKE_TIMEOUT, STORE_THREADS, COMMIT_MAX_DELAY, STATIC_MEMBERSHIP, GROUP_PROTOCOL);

    /** Every setting a worker reads, in README table order. */
    public static final List<Setting<?>> ALL_SETTINGS = concat(KafkaSettings.SETTINGS, StoreSettings.SETTINGS,
            StoreRetrySettings.SETTINGS, InputSettings.SETTINGS, ObserveSettings.SETTINGS, OWN_SETTINGS,
            DeviceSettings.SETTINGS, RuntimeSettings.SETTINGS, PipelineSettings.SETTINGS, FleetSettings.SETTINGS);

    public WorkerSettings {
        unknownKeys = List.copyOf(unknownKeys);
    }

    /** The settings of the process environment; the worker id defaults to the host name. */
    public static WorkerSettings fromEnv() {
        return fromEnv(System.getenv(), HostName::get);
    }

    /**
     * The settings from an environment map.
     *
     * @param hostName the default worker id (called only when SDFLEET_WORKER_ID is unset)
     * @throws ConfigException listing every bad variable
     */
    public static WorkerSettings fromEnv(Map<String, String> env, Supplier<String> hostName) {
        ConfigReader reader = new ConfigReader(env);
        KafkaSettings kafka = KafkaSettings.read(reader);
        StoreSettings store = StoreSettings.read(reader);
        StoreRetrySettings retry = StoreRetrySettings.read(reader);
        InputSettings input = InputSettings.read(reader);
        ObserveSettings observe = ObserveSettings.read(reader);
        String workerId = reader.get(WORKER_ID_SETTING);
        if (workerId == null) {
            workerId = hostName.get();
            try {
                parseWorkerId(workerId);
            } catch (IllegalArgumentException e) {
                reader.problem(WORKER_ID_SETTING, "unset, and the host name '" + workerId
                        + "' is not a usable default (" + e.getMessage() + "); set it");
            }
        }
        Path modelDir = Path.of(reader.get(MODEL_DIR));
        String modelName = reader.get(MODEL_NAME);
        if (modelName == null) {
            Path folderName = modelDir.toAbsolutePath().normalize().getFileName();
            modelName = folderName == null ? "" : folderName.toString();
            if (!ModelNames.isValid(modelName)) {
                reader.problem(MODEL_NAME, "unset, and the model folder's name '" + modelName + "' is not a usable"
                        + " default (allowed: " + ModelNames.ALLOWED + "); set it");
            }
        }
        if (ModelNames.isValid(modelName)) {
            kafka.routingProblem(modelName).ifPresent(p -> reader.problem(MODEL_NAME, p));
        }
        FleetSettings fleet = FleetSettings.read(reader);
        DeviceSettings device = DeviceSettings.read(reader);
        RuntimeSettings runtime = RuntimeSettings.read(reader);
        PipelineSettings pipeline = PipelineSettings.read(reader);
        if (device.batchMaxImages() > 0) {
            pipeline = pipeline.withMaxBatchImages(device.batchMaxImages());
        }
        WorkerSettings settings = new WorkerSettings(kafka, store, retry, input, observe, workerId, modelDir,
                modelName, fleet, runtime,
                pipeline, device, reader.get(MAX_PENDING_JOBS), reader.get(TRANSACTIONS),
                reader.get(TRANSACTION_TIMEOUT), reader.get(SHUTDOWN_GRACE), reader.get(POLL_TIMEOUT),
                reader.get(REVOKE_TIMEOUT), reader.get(STORE_THREADS), reader.get(COMMIT_MAX_DELAY),
                reader.get(STATIC_MEMBERSHIP),
                reader.get(GROUP_PROTOCOL), List.of());
        checkRules(reader, settings);
        reader.throwIfInvalid();
        return new WorkerSettings(kafka, store, retry, input, observe, settings.workerId, settings.modelDir,
                settings.modelName, settings.fleet,
                settings.runtimeSettings, settings.pipeline, settings.device, settings.maxPendingJobs,
                settings.transactions, settings.transactionTimeout, settings.shutdownGrace, settings.pollTimeout,
                settings.revokeTimeout, settings.storeThreads, settings.commitMaxDelay, settings.staticMembership,
                settings.groupProtocol,
                reader.unreadKeys("SDFLEET_"));
    }

    /** Every rule that links settings, in one place. */
    static void checkRules(ConfigReader reader, WorkerSettings s) {
        Map<String, Object> overrides = s.kafka.clientOverrides();
        if (overrides.containsKey(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)) {
            reader.problem(KafkaSettings.CLIENT_PREFIX + "ENABLE_AUTO_COMMIT",
                    "the worker commits offsets itself, only after a job's completion is written; unset it");
        }
        if (overrides.containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG)) {
            reader.problem(KafkaSettings.CLIENT_PREFIX + "TRANSACTIONAL_ID",
                    "derived from " + WORKER_ID_SETTING.name() + "; unset it");
        }
        if (overrides.containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)) {
            reader.problem(KafkaSettings.CLIENT_PREFIX + "GROUP_INSTANCE_ID", "derived from "
                    + WORKER_ID_SETTING.name() + "; set " + STATIC_MEMBERSHIP.name() + "=false for dynamic membership");
        }
        if (overrides.containsKey(ConsumerConfig.GROUP_PROTOCOL_CONFIG)) {
            reader.problem(KafkaSettings.CLIENT_PREFIX + "GROUP_PROTOCOL", "set " + GROUP_PROTOCOL.name() + " instead");
        }
        if (s.groupProtocol == GroupProtocol.CONSUMER) {
            for (String classicOnly : GroupProtocol.CLASSIC_ONLY_PROPERTIES) {
                if (overrides.containsKey(classicOnly)) {
                    reader.problem(KafkaSettings.CLIENT_PREFIX + classicOnly.toUpperCase(java.util.Locale.ROOT)
                            .replace('.', '_'), "'" + classicOnly + "' is a classic-protocol property; with "
                            + GROUP_PROTOCOL.name() + "=consumer the broker's group configuration decides it");
                }
            }
        }
        if (overrides.containsKey(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)) {
            reader.problem(KafkaSettings.CLIENT_PREFIX + "TRANSACTION_TIMEOUT_MS",
                    "set " + TRANSACTION_TIMEOUT.name() + " instead");
        }
        Duration maxPollInterval = millisOverride(overrides, ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                KAFKA_DEFAULT_MAX_POLL_INTERVAL);
        if (s.revokeTimeout.compareTo(maxPollInterval) >= 0) {
            reader.problem(REVOKE_TIMEOUT, "must be shorter than max.poll.interval.ms (" + maxPollInterval.toMillis()
                    + " ms): the revoke callback runs inside poll()");
        }
        if (s.commitMaxDelay.compareTo(s.transactionTimeout) >= 0) {
            reader.problem(COMMIT_MAX_DELAY, "must be shorter than " + TRANSACTION_TIMEOUT.name());
        }
        if (s.pollTimeout.compareTo(s.shutdownGrace) >= 0) {
            reader.problem(POLL_TIMEOUT, "must be shorter than " + SHUTDOWN_GRACE.name());
        }
    }

    private static Duration millisOverride(Map<String, Object> overrides, String property, Duration fallback) {
        Object v = overrides.get(property);
        if (v == null) {
            return fallback;
        }
        try {
            return Duration.ofMillis(Long.parseLong(v.toString().strip()));
        } catch (NumberFormatException e) {
            return fallback; // Kafka itself reports the bad value when the client is made
        }
    }

    /** The topic this worker reads: its model's ({@link KafkaSettings#requestsTopicFor}). */
    public String requestsTopic() {
        return kafka.requestsTopicFor(modelName);
    }

    /** The consumer group this worker is in: its model's ({@link KafkaSettings#workerGroupFor}). */
    public String workerGroup() {
        return kafka.workerGroupFor(modelName);
    }

    /** The consumer's static member name ({@code group.instance.id}): stable per worker instance. */
    public String groupInstanceId() {
        return TRANSACTIONAL_ID_PREFIX + workerId;
    }

    /** The producer's transactional id: stable per worker instance. */
    public String transactionalId() {
        return TRANSACTIONAL_ID_PREFIX + workerId;
    }

    /** Consumer properties: the worker's defaults, then pass-through overrides, then what it relies on. */
    public Map<String, Object> consumerConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, TRANSACTIONAL_ID_PREFIX + workerId);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, groupProtocol.kafkaName());
        if (groupProtocol == GroupProtocol.CLASSIC) {
            config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        }
        if (staticMembership) {
            config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupInstanceId());
        }
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.min(500, maxPendingJobs));
        config.putAll(kafka.consumerConfig(workerGroup()));
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return config;
    }

    /** Producer properties; transactional when {@link #transactions()}. */
    public Map<String, Object> producerConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, TRANSACTIONAL_ID_PREFIX + workerId);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.putAll(kafka.producerConfig());
        if (transactions) {
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId());
            config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) transactionTimeout.toMillis());
        }
        return config;
    }


    /**
     * Properties of the worker's plain producer for best-effort records (catalog announcements, progress events):
     * not transactional, acks=1, and a short {@code max.block.ms} so that a missing fleet or progress topic never
     * holds a thread for long.
     */
    public Map<String, Object> plainProducerConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "sdfleet-fleet-" + workerId);
        config.put(ProducerConfig.ACKS_CONFIG, "1");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.putAll(kafka.producerConfig());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) PLAIN_PRODUCER_MAX_BLOCK.toMillis());
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return config;
    }

    /** Longest a best-effort send may block its thread (metadata of a missing topic). */
    public static final Duration PLAIN_PRODUCER_MAX_BLOCK = Duration.ofSeconds(5);

    private static String parseWorkerId(String raw) {
        String v = raw.strip();
        if (!WORKER_ID.matcher(v).matches()) {
            throw new IllegalArgumentException("not allowed; 1..200 of A-Z a-z 0-9 . _ -, starting with a letter"
                    + " or digit");
        }
        return v;
    }

    @SafeVarargs
    private static List<Setting<?>> concat(List<Setting<?>>... lists) {
        List<Setting<?>> all = new ArrayList<>();
        for (List<Setting<?>> l : lists) {
            all.addAll(l);
        }
        return List.copyOf(all);
    }
}
