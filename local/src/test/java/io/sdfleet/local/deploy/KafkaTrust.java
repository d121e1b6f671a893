package io.sdfleet.local.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Wherever a Kubernetes object speaks Kafka over TLS it must trust Strimzi's cluster CA, which signs the
 * brokers' listener certificates; the JVM's and Go's default roots do not contain it, so without it every
 * connection fails the TLS handshake. Three clients:
 * <ul>
 *   <li>the worker: {@code SDFLEET_KAFKA_SECURITY_PROTOCOL} SSL or SASL_SSL needs
 *       {@code SDFLEET_KAFKA_SSL_TRUSTSTORE_TYPE=PEM} and {@code SDFLEET_KAFKA_SSL_TRUSTSTORE_LOCATION} naming a file
 *       the container mounts from key {@code ca.crt} of Secret {@code <cluster>-cluster-ca-cert};</li>
 *   <li>the topic Job: the same in its {@code --command-config} properties (read from the Secret it mounts);</li>
 *   <li>KEDA's kafka scaler: {@code tls: enable} needs its {@code ca} parameter from that Secret's key.</li>
 * </ul>
 * Returns problems; asserts nothing.
 */
final class KafkaTrust {
    private static final Pattern COMMAND_CONFIG = Pattern.compile("--command-config\\s+([^\\s\"']+)");

    private KafkaTrust() {
    }

    static List<String> problems(Manifests k, JsonNode workerContainer, Map<String, String> workerEnv,
            StrimziCluster strimzi) {
        List<String> problems = new ArrayList<>();
        ObjectNode workload = k.get(KubernetesChecks.WORKLOAD_KIND, KubernetesChecks.WORKLOAD);
        if (tls(workerEnv.get("SDFLEET_KAFKA_SECURITY_PROTOCOL"))) {
            problems.addAll(trustStore("k8s worker (SDFLEET_KAFKA_SSL_TRUSTSTORE_*)",
                    workerEnv.get("SDFLEET_KAFKA_SSL_TRUSTSTORE_TYPE"), workerEnv.get("SDFLEET_KAFKA_SSL_TRUSTSTORE_LOCATION"),
                    workerContainer, KubernetesChecks.pod(workload), strimzi));
        }
        for (ObjectNode job : k.all("Job")) {
            JsonNode pod = KubernetesChecks.pod(job);
            for (JsonNode c : pod.path("containers")) {
                Matcher m = COMMAND_CONFIG.matcher(String.join("\n", ComposeChecks.texts(c.path("command")))
                        + "\n" + String.join("\n", ComposeChecks.texts(c.path("args"))));
                if (!m.find()) {
                    continue;
                }
                String where = "Job " + job.path("metadata").path("name").asText() + " " + m.group(1);
                String text = mountedSecretText(k, c, pod, m.group(1));
                if (text == null) {
                    problems.add(where + ": not a file of a Secret among these objects that the container mounts");
                    continue;
                }
                Properties props = properties(text);
                if (tls(props.getProperty("security.protocol"))) {
                    problems.addAll(trustStore(where, props.getProperty("ssl.truststore.type"),
                            props.getProperty("ssl.truststore.location"), c, pod, strimzi));
                }
            }
        }
        for (ObjectNode so : k.all("ScaledObject")) {
            for (JsonNode t : so.path("spec").path("triggers")) {
                if (!"kafka".equals(t.path("type").asText())) {
                    continue;
                }
                List<String> ignored = new ArrayList<>();
                Map<String, String> auth = KubernetesChecks.triggerAuthParams(k, t, ignored, strimzi);
                String tlsMode = t.path("metadata").has("tls") ? t.path("metadata").path("tls").asText() : auth.get("tls");
                if ("enable".equals(tlsMode)) {
                    problems.addAll(kedaCa(k, t, strimzi));
                }
            }
        }
        return problems;
    }

    static boolean tls(String securityProtocol) {
        String p = securityProtocol == null ? "" : securityProtocol.strip().toUpperCase(Locale.ROOT);
        return p.equals("SSL") || p.equals("SASL_SSL");
    }

    /** The truststore settings of one client must point at the mounted cluster CA, read as PEM. */
    static List<String> trustStore(String where, String type, String location, JsonNode container, JsonNode pod,
            StrimziCluster strimzi) {
        if (location == null || location.isBlank()) {
            return List.of(where + ": Kafka over TLS with no truststore: the client trusts only the default roots, "
                    + "but Strimzi's listeners present certificates signed by its cluster CA (Secret "
                    + strimzi.caSecret() + ", key " + StrimziCluster.CA_KEY + "): set ssl.truststore.type=PEM and "
                    + "ssl.truststore.location to that key, mounted");
        }
        List<String> problems = new ArrayList<>();
        if (!"PEM".equalsIgnoreCase(type == null ? "" : type.strip())) {
            problems.add(where + ": ssl.truststore.type is '" + type + "', but " + StrimziCluster.CA_KEY
                    + " is a PEM certificate: set PEM");
        }
        String[] mounted = mountedSecretKey(container, pod, location);
        if (mounted == null) {
            problems.add(where + ": ssl.truststore.location " + location + " is in no Secret volume the container mounts");
        } else if (!mounted[0].equals(strimzi.caSecret()) || !mounted[1].equals(StrimziCluster.CA_KEY)) {
            problems.add(where + ": ssl.truststore.location " + location + " is key " + mounted[1] + " of Secret "
                    + mounted[0] + ", not key " + StrimziCluster.CA_KEY + " of Strimzi's cluster CA Secret " + strimzi.caSecret());
        }
        return problems;
    }

    private static List<String> kedaCa(Manifests k, JsonNode trigger, StrimziCluster strimzi) {
        ObjectNode ta = k.get("TriggerAuthentication", trigger.path("authenticationRef").path("name").asText());
        if (ta != null) {
            for (JsonNode ref : ta.path("spec").path("secretTargetRef")) {
                if ("ca".equals(ref.path("parameter").asText())) {
                    if (ref.path("name").asText().equals(strimzi.caSecret())
                            && ref.path("key").asText().equals(StrimziCluster.CA_KEY)) {
                        return List.of();
                    }
                    return List.of("KEDA TriggerAuthentication parameter ca is key " + ref.path("key").asText()
                            + " of Secret " + ref.path("name").asText() + ", not " + StrimziCluster.CA_KEY + " of "
                            + strimzi.caSecret());
                }
            }
        }
        return List.of("KEDA kafka trigger with tls: enable has no ca parameter: its client trusts only the default "
                + "roots; map parameter ca to key " + StrimziCluster.CA_KEY + " of Secret " + strimzi.caSecret()
                + " in its TriggerAuthentication");
    }

    /**
     * {secret name, key} of the file at {@code path} inside the container, when a secret volume provides it:
     * the volumeMount whose mountPath contains the path, its volume's secretName, and the key mapped to the
     * remaining path by {@code items} (or the path itself, without items). Null when no secret volume does.
     */
    static String[] mountedSecretKey(JsonNode container, JsonNode pod, String path) {
        for (JsonNode mount : container.path("volumeMounts")) {
            String dir = mount.path("mountPath").asText().replaceAll("/+$", "");
            if (!path.startsWith(dir + "/")) {
                continue;
            }
            String file = path.substring(dir.length() + 1);
            JsonNode volume = KubernetesChecks.named(pod.path("volumes"), mount.path("name").asText());
            if (volume == null || !volume.has("secret")) {
                return null;
            }
            JsonNode secret = volume.path("secret");
            if (!secret.has("items")) {
                return new String[] {secret.path("secretName").asText(), file};
            }
            for (JsonNode item : secret.path("items")) {
                if (file.equals(item.path("path").asText())) {
                    return new String[] {secret.path("secretName").asText(), item.path("key").asText()};
                }
            }
            return null;
        }
        return null;
    }

    private static String mountedSecretText(Manifests k, JsonNode container, JsonNode pod, String path) {
        String[] key = mountedSecretKey(container, pod, path);
        ObjectNode secret = key == null ? null : k.get("Secret", key[0]);
        return secret == null ? null : DeployFiles.text(secret.path("stringData").get(key[1]));
    }

    static Properties properties(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
