package io.sdfleet.local.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.config.ConfigReader;
import io.sdfleet.common.config.KafkaSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.network.ConnectionMode;
import org.apache.kafka.common.security.ssl.SslFactory;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes base speaks SASL_SSL to Strimzi's listeners, whose certificates its cluster CA signs: the
 * workers, the topic Job and KEDA each trust that CA (checks in {@link KafkaTrust}), and the workers' truststore
 * settings, passed through the worker's own {@link KafkaSettings} to a Kafka client's SSL factory, load a PEM
 * CA certificate from the mounted path.
 */
class KafkaTrustTest {
    private static final Path ROOT = DeployFiles.root();

    @Test
    void everyTlsKafkaClientOfTheBaseTrustsTheClusterCa() {
        Manifests base = Manifests.render(ROOT.resolve("k8s/base"));
        Map<String, String> env = DeployFiles.stringMap(base.get("ConfigMap", "sdfleet-worker-config").path("data"));
        assertTrue(KafkaTrust.tls(env.get("SDFLEET_KAFKA_SECURITY_PROTOCOL")), "the base speaks TLS to Kafka: " + env);
        assertTrue(base.get("TriggerAuthentication", null) != null, "KEDA authenticates");
        List<String> problems = KafkaTrust.problems(base, KubernetesChecks.named(KubernetesChecks.pod(
                DeploymentFilesTest.workload(base)).path("containers"), KubernetesChecks.CONTAINER), env,
                StrimziCluster.ofRepository());
        DeploymentFilesTest.assertNoProblems(problems);
    }

    @Test
    void theWorkersTruststoreSettingsLoadAPemCaThroughTheWorkersKafkaSettings(@TempDir Path dir) throws Exception {
        Manifests base = Manifests.render(ROOT.resolve("k8s/base"));
        Map<String, String> env = new HashMap<>(DeployFiles.stringMap(base.get("ConfigMap", "sdfleet-worker-config").path("data")));
        env.putAll(DeployFiles.stringMap(base.get("Secret", "sdfleet-credentials").path("stringData")));
        Path ca = caCertificate(dir);
        String mounted = env.put("SDFLEET_KAFKA_SSL_TRUSTSTORE_LOCATION", ca.toString());
        assertEquals("/etc/sdfleet/kafka-ca/ca.crt", mounted);

        ConfigReader reader = new ConfigReader(env);
        KafkaSettings kafka = KafkaSettings.read(reader);
        reader.throwIfInvalid();
        Map<String, Object> consumer = new HashMap<>(kafka.consumerConfig(kafka.workerGroup()));
        assertEquals("PEM", consumer.get("ssl.truststore.type"));
        assertEquals(ca.toString(), consumer.get("ssl.truststore.location"));
        try (SslFactory ssl = sslFactory(consumer)) {
            assertTrue(ssl.createSslEngine("sdfleet-kafka-bootstrap.kafka.svc", 9093) != null);
        }
        // the factory really reads the file: a file that is no certificate is refused
        Path notACertificate = Files.writeString(dir.resolve("ca.crt"), "not a certificate\n");
        consumer.put("ssl.truststore.location", notACertificate.toString());
        assertThrows(KafkaException.class, () -> sslFactory(consumer).close());
    }

    private static SslFactory sslFactory(Map<String, Object> clientConfig) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        SslFactory ssl = new SslFactory(ConnectionMode.CLIENT);
        ssl.configure(new ConsumerConfig(c).values());
        return ssl;
    }

    /** A self-signed CA certificate in PEM, as Strimzi's ca.crt is, made with the JDK's keytool. */
    private static Path caCertificate(Path dir) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path store = dir.resolve("ca.p12");
        run(List.of(keytool.toString(), "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=cluster-ca",
                "-ext", "bc:c", "-validity", "2", "-keystore", store.toString(), "-storepass", "changeit"));
        Path pem = dir.resolve("cluster-ca.crt");
        run(List.of(keytool.toString(), "-exportcert", "-rfc", "-alias", "ca", "-keystore", store.toString(),
                "-storepass", "changeit", "-file", pem.toString()));
        assertTrue(Files.readString(pem).startsWith("-----BEGIN CERTIFICATE-----"), Files.readString(pem));
        return pem;
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, command + ": " + out);
    }
}
