package io.sdfleet.producer.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sdfleet.common.config.KafkaSettings;
import io.sdfleet.common.fleet.FleetCatalog;
import io.sdfleet.common.fleet.WorkerAnnouncement;
import io.sdfleet.producer.kafka.ClientProperties;
import io.sdfleet.producer.kafka.FleetReader;
import io.sdfleet.producer.kafka.GroupLag;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sdfleet models}: the models the fleet serves now, from the catalog topic (live workers only: a worker not
 * heard from for three heartbeats is gone), each with its workers, digest, sizes, schedulers, modes, and its lag
 * (jobs waiting on its requests topic for its group). One line per model, or one JSON object per model with
 * {@code --json}; exit 0 also when nothing is served (an empty list is an answer).
 */
@Command(name = "models", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"List the models live workers serve (fleet catalog SDFLEET_TOPIC_FLEET), with their workers,"
                + " sizes and lag (jobs waiting)."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:ok", "2:bad configuration",
            "3:Kafka broker unreachable within the bound"})
final class ModelsCommand implements Callable<Integer> {

    private static final AtomicInteger READERS = new AtomicInteger();

    @Option(names = "--json", description = "One JSON object per model: model, digests, topic, group, workers,"
            + " sizes, schedulers, modes, runtimes, maxBatchImages, lag.")
    boolean json;

    @Mixin
    ConnectionOptions connection;

    private final CliContext context;

    ModelsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        KafkaTarget target = context.kafkaTarget(connection.bootstrapServers);
        KafkaSettings kafka = target.kafka();
        Duration timeout = ClientProperties.maxBlock(ClientProperties.producer(kafka.bootstrapServers(),
                kafka.clientOverrides(), "unused"));
        Map<String, Object> readerProperties = FleetReader.consumerProperties(ClientProperties.completionReader(
                kafka.bootstrapServers(), kafka.clientOverrides(), "sdfleet-models-" + READERS.incrementAndGet()));
        FleetCatalog catalog = new FleetReader(() -> new KafkaConsumer<>(readerProperties), kafka.topicFleet(),
                kafka.bootstrapServers()).read(timeout);
        Map<String, List<WorkerAnnouncement>> byModel = catalog.liveByModel(context.clock().instant());
        Map<String, Object> adminProperties = new HashMap<>(kafka.adminConfig());
        adminProperties.put(AdminClientConfig.CLIENT_ID_CONFIG, "sdfleet-models");
        adminProperties.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        adminProperties.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = byModel.isEmpty() ? null : Admin.create(adminProperties)) {
            if (byModel.isEmpty() && !json) {
                context.out().println("no live worker announces itself on " + kafka.topicFleet());
            }
            for (Map.Entry<String, List<WorkerAnnouncement>> e : byModel.entrySet()) {
                List<WorkerAnnouncement> workers = e.getValue();
                WorkerAnnouncement first = workers.get(0);
                long lag = GroupLag.of(admin, first.workerGroup(), first.requestsTopic(), timeout);
                if (json) {
                    context.out().println(JsonText.mapper().writeValueAsString(jsonOf(e.getKey(), workers, lag)));
                } else {
                    context.out().println(line(e.getKey(), workers, lag));
                }
            }
        }
        return ExitCodes.OK;
    }

    private static String line(String model, List<WorkerAnnouncement> workers, long lag) {
        WorkerAnnouncement first = workers.get(0);
        return model + "  workers=" + workers.size() + " " + join(workers, WorkerAnnouncement::workerId)
                + "  lag=" + lag + "  topic=" + first.requestsTopic() + "  sizes=" + join(workers,
                        a -> a.sizes() == null ? "?" : a.sizes().describe())
                + "  modes=" + join(workers, a -> String.join("+", a.modes()))
                + "  schedulers=" + join(workers, a -> String.join(",", a.schedulers()))
                + "  digest=" + join(workers, a -> a.modelDigest() == null ? "?" : shortDigest(a.modelDigest()));
    }

    private static ObjectNode jsonOf(String model, List<WorkerAnnouncement> workers, long lag) {
        ObjectNode node = JsonText.mapper().createObjectNode();
        WorkerAnnouncement first = workers.get(0);
        node.put("model", model);
        node.put("topic", first.requestsTopic());
        node.put("group", first.workerGroup());
        node.put("lag", lag);
        ArrayNode digests = node.putArray("digests");
        distinct(workers, WorkerAnnouncement::modelDigest).forEach(digests::add);
        ArrayNode list = node.putArray("workers");
        for (WorkerAnnouncement a : workers) {
            ObjectNode w = list.addObject();
            w.put("workerId", a.workerId());
            w.put("state", a.state());
            w.put("runtime", a.runtime());
            w.put("version", a.version());
            w.put("maxBatchImages", a.maxBatchImages());
            w.put("at", a.at().toString());
        }
        node.set("sizes", JsonText.mapper().valueToTree(first.sizes()));
        ArrayNode schedulers = node.putArray("schedulers");
        first.schedulers().forEach(schedulers::add);
        ArrayNode modes = node.putArray("modes");
        first.modes().forEach(modes::add);
        return node;
    }

    private static String shortDigest(String digest) {
        return digest.length() > 19 ? digest.substring(0, 19) : digest;
    }

    private static String join(List<WorkerAnnouncement> workers, java.util.function.Function<WorkerAnnouncement,
            String> field) {
        return String.join("|", distinct(workers, field));
    }

    private static Set<String> distinct(List<WorkerAnnouncement> workers,
            java.util.function.Function<WorkerAnnouncement, String> field) {
        Set<String> out = new LinkedHashSet<>();
        workers.forEach(a -> {
            String v = field.apply(a);
            if (v != null) {
                out.add(v);
            }
        });
        return out;
    }
}
