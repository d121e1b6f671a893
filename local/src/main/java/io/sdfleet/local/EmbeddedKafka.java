package io.sdfleet.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, single-node Apache Kafka broker in KRaft mode (combined broker + controller), running inside
 * this JVM on loopback.
 *
 * <p>Start-up formats a fresh log folder with Kafka's own {@code StorageTool} and starts
 * {@link KafkaRaftServer}; {@link #start} returns once the broker is unfenced, that is ready to serve
 * clients. Internal topics are sized for one node (replication 1, few partitions) so transactions and
 * consumer groups (any assignor, including cooperative-sticky) work and are fast to set up.
 *
 * <p>Threads: the broker runs its own (non-daemon) threads; this object is safe to close from any thread,
 * once. {@link #close} shuts the broker down, waits for it, and deletes the log folder: nothing survives.
 *
 * <p>Failure: when the broker cannot start an {@link EmbeddedStackException} is thrown after what was
 * started has been stopped. When the broker port was left to be chosen (0), start-up retries with fresh
 * ports, because a port found free can be taken by another process before Kafka binds it.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** The KRaft node id of the only node; it is both broker and controller. */
    static final int NODE_ID = 1;
    /** Partitions of {@code __consumer_offsets}; Kafka's default 50 costs start-up time on one node. */
    static final int OFFSETS_TOPIC_PARTITIONS = 4;
    /** Partitions of {@code __transaction_state}; created on the first initTransactions(). */
    static final int TRANSACTION_STATE_PARTITIONS = 4;
    /** Attempts to start when the ports are chosen here (each attempt takes fresh ports). */
    static final int START_ATTEMPTS_WITH_FREE_PORTS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final KafkaRaftServer server;
    private final Path root;
    private final int port;
    private boolean closed;

    private EmbeddedKafka(KafkaRaftServer server, Path root, int port) {
        this.server = server;
        this.root = root;
        this.port = port;
    }

    /** Starts a broker on a free loopback port. */
    public static EmbeddedKafka start() {
        return start(0);
    }

    /**
     * Starts a broker whose client listener is {@code 127.0.0.1:brokerPort} ({@code 0}: a free port).
     * The controller listener always takes a free port.
     *
     * @throws EmbeddedStackException when the broker does not start
     */
    public static EmbeddedKafka start(int brokerPort) {
        if (brokerPort < 0 || brokerPort > 65535) {
            throw new IllegalArgumentException("brokerPort must be 0..65535, was " + brokerPort);
        }
        int attempts = brokerPort == 0 ? START_ATTEMPTS_WITH_FREE_PORTS : 1;
        EmbeddedStackException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                return startOnce(LoopbackPorts.orFree(brokerPort), LoopbackPorts.freePort());
            } catch (EmbeddedStackException e) {
                last = e;
                LOG.debug("Kafka start attempt {} of {} failed", attempt, attempts, e);
            }
        }
        throw last;
    }

    private static EmbeddedKafka startOnce(int port, int controllerPort) {
        long began = System.nanoTime();
        Path root = TempDirectories.create("sdfleet-kafka-");
        KafkaRaftServer server = null;
        try {
            Path logDir = Files.createDirectory(root.resolve("logs"));
            Properties properties = brokerProperties(port, controllerPort, logDir);
            Path configFile = root.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(configFile)) {
                properties.store(out, "sdfleet embedded broker");
            }
            format(configFile);
            LOG.debug("Kafka log folder formatted in {} ms", Duration.ofNanos(System.nanoTime() - began).toMillis());
            server = new KafkaRaftServer(KafkaConfig.fromProps(properties), Time.SYSTEM);
            server.startup();
            LOG.debug("Kafka broker ready on 127.0.0.1:{} (controller {}) in {} ms, log dir {}", port,
                    controllerPort, Duration.ofNanos(System.nanoTime() - began).toMillis(), logDir);
            return new EmbeddedKafka(server, root, port);
        } catch (IOException e) {
            stopQuietly(server);
            TempDirectories.deleteQuietly(root);
            throw new EmbeddedStackException("cannot write the Kafka broker's folder " + root, e);
        } catch (RuntimeException e) {
            stopQuietly(server);
            TempDirectories.deleteQuietly(root);
            throw new EmbeddedStackException("Kafka broker did not start on 127.0.0.1:" + port
                    + " (controller port " + controllerPort + ")", e);
        }
    }

    /** The broker settings: single node, loopback, internal topics sized for one replica. */
    static Properties brokerProperties(int port, int controllerPort, Path logDir) {
        Map<String, String> settings = new TreeMap<>();
        String host = LoopbackPorts.LOOPBACK_HOST;
        settings.put("process.roles", "broker,controller");
        settings.put("node.id", Integer.toString(NODE_ID));
        settings.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
        settings.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        settings.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        settings.put("controller.listener.names", "CONTROLLER");
        settings.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        settings.put("inter.broker.listener.name", "PLAINTEXT");
        settings.put("log.dirs", logDir.toString());
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("offsets.topic.num.partitions", Integer.toString(OFFSETS_TOPIC_PARTITIONS));
        settings.put("transaction.state.log.replication.factor", "1");
        settings.put("transaction.state.log.min.isr", "1");
        settings.put("transaction.state.log.num.partitions", Integer.toString(TRANSACTION_STATE_PARTITIONS));
        settings.put("share.coordinator.state.topic.replication.factor", "1");
        settings.put("share.coordinator.state.topic.min.isr", "1");
        // A joining consumer is assigned at once instead of after 3 s: tests and demos start groups often.
        settings.put("group.initial.rebalance.delay.ms", "0");
        Properties properties = new Properties();
        properties.putAll(settings);
        return properties;
    }

    /** Formats the log folder for a new cluster, as {@code kafka-storage.sh format} does. */
    private static void format(Path configFile) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int status;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            String[] args = {"format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString()};
            status = StorageTool.execute(args, out);
        }
        if (status != 0) {
            throw new EmbeddedStackException("kafka storage format failed with status " + status + ": "
                    + captured.toString(StandardCharsets.UTF_8));
        }
    }

    /** {@code host:port} of the broker's client listener. */
    public String bootstrapServers() {
        return LoopbackPorts.LOOPBACK_HOST + ":" + port;
    }

    /** The broker's client port. */
    public int port() {
        return port;
    }

    /** Stops the broker, waits for its threads, and deletes its log folder. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long began = System.nanoTime();
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            TempDirectories.deleteQuietly(root);
        }
        LOG.debug("Kafka broker on port {} stopped in {} ms", port,
                Duration.ofNanos(System.nanoTime() - began).toMillis());
    }

    private static void stopQuietly(KafkaRaftServer server) {
        if (server == null) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException | Error e) {
            LOG.debug("Kafka broker did not stop cleanly after a failed start", e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + "]";
    }
}
