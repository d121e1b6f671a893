package io.sdfleet.local.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Strimzi Kafka cluster the Kubernetes files assume, derived from the {@code strimzi.io/cluster} label of
 * the KafkaTopics in k8s/strimzi, and the names Strimzi gives that cluster's objects: the bootstrap Service
 * {@code <cluster>-kafka-bootstrap} in the cluster's namespace, and the cluster CA Secret
 * {@code <cluster>-cluster-ca-cert} (key {@code ca.crt}) that signs the brokers' TLS certificates. Every
 * bootstrap address and CA reference under k8s/ must be one of these names: a topic labelled for one cluster
 * while the workers talk to another is never reconciled, and nothing reports it.
 *
 * @param name      the Kafka cluster (the Kafka resource's name)
 * @param namespace the namespace the KafkaTopics (and so the cluster's Topic Operator) live in
 */
record StrimziCluster(String name, String namespace) {
    static final String LABEL = "strimzi.io/cluster";
    /** The key of the CA certificate in Strimzi's cluster CA Secret. */
    static final String CA_KEY = "ca.crt";
    private static final Pattern BOOTSTRAP_SERVICE = Pattern.compile("\\b([a-z0-9]([a-z0-9-]*[a-z0-9])?)-kafka-bootstrap\\b");

    /** The cluster of the repository's k8s/strimzi; fails when its topics disagree on it. */
    static StrimziCluster of(Manifests topics) {
        TreeSet<String> clusters = new TreeSet<>();
        TreeSet<String> namespaces = new TreeSet<>();
        for (ObjectNode t : topics.all("KafkaTopic")) {
            clusters.add(t.path("metadata").path("labels").path(LABEL).asText(""));
            namespaces.add(t.path("metadata").path("namespace").asText(""));
        }
        if (clusters.size() != 1 || clusters.first().isEmpty() || namespaces.size() != 1) {
            throw new AssertionError("the KafkaTopics must name one cluster (" + LABEL + ") in one namespace, name "
                    + clusters + " in " + namespaces);
        }
        return new StrimziCluster(clusters.first(), namespaces.first());
    }

    static StrimziCluster ofRepository() {
        return of(Manifests.render(DeployFiles.root().resolve("k8s/strimzi")));
    }

    String bootstrapService() {
        return name + "-kafka-bootstrap";
    }

    /** The in-cluster host of the bootstrap Service, as clients in another namespace must write it. */
    String bootstrapHost() {
        return bootstrapService() + "." + namespace + ".svc";
    }

    String caSecret() {
        return name + "-cluster-ca-cert";
    }

    /**
     * Problems of bootstrap addresses: every {@code host:port} in {@code servers} that is a Strimzi bootstrap
     * Service must be this cluster's, in this cluster's namespace.
     */
    List<String> bootstrapProblems(String where, String servers) {
        List<String> problems = new ArrayList<>();
        for (String server : servers.split(",")) {
            String host = server.strip().replaceAll(":\\d+$", "");
            Matcher m = BOOTSTRAP_SERVICE.matcher(host);
            if (m.find() && !(host.equals(bootstrapHost()) || host.equals(bootstrapHost() + ".cluster.local"))) {
                problems.add(where + ": bootstrap " + server.strip() + " is not the bootstrap Service of the Strimzi cluster '"
                        + name + "' the topics are labelled for (" + bootstrapHost() + ")");
            }
        }
        return problems;
    }

    /** Problems of every {@code <x>-kafka-bootstrap} name written in the files under a folder (comments too). */
    List<String> bootstrapNamesIn(Path dir) {
        List<String> problems = new ArrayList<>();
        for (Path f : DeployFiles.yamlFiles(dir)) {
            String text = DeployFiles.read(f);
            Matcher m = BOOTSTRAP_SERVICE.matcher(text);
            while (m.find()) {
                if (!m.group().equals(bootstrapService())) {
                    problems.add(dir.relativize(f) + ": names the bootstrap Service " + m.group() + ", but the topics'"
                            + " cluster '" + name + "' has " + bootstrapService());
                }
            }
        }
        return problems;
    }
}
