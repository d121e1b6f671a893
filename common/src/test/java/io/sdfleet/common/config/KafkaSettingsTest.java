package io.sdfleet.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KafkaSettingsTest {

    private static List<String> keys(ConfigException e) {
        return e.problems().stream().map(ConfigProblem::key).toList();
    }

    @Test
    void defaultsWhenNothingIsSet() {
        KafkaSettings s = KafkaSettings.fromEnv(Map.of("PATH", "/bin", "HOME", "/root"));
        assertEquals(KafkaSettings.DEFAULT_BOOTSTRAP_SERVERS, s.bootstrapServers());
        assertEquals(KafkaSettings.DEFAULT_TOPIC_REQUESTS, s.topicRequests());
        assertEquals(KafkaSettings.DEFAULT_TOPIC_COMPLETIONS, s.topicCompletions());
        assertEquals(KafkaSettings.DEFAULT_TOPIC_DLQ, s.topicDlq());
        assertEquals(KafkaSettings.DEFAULT_WORKER_GROUP, s.workerGroup());
        assertEquals(KafkaSettings.DEFAULT_TOPIC_PARTITIONS, s.topicPartitions());
        assertEquals(KafkaSettings.DEFAULT_TOPIC_REPLICATION_FACTOR, s.topicReplicationFactor());
        assertEquals(Map.of(), s.clientOverrides());
        assertEquals(Map.of("bootstrap.servers", KafkaSettings.DEFAULT_BOOTSTRAP_SERVERS), s.producerConfig());
    }

    @Test
    void valuesAreReadAndStripped() {
        KafkaSettings s = KafkaSettings.fromEnv(Map.of(
                "SDFLEET_BOOTSTRAP_SERVERS", " kafka-0:9092,kafka-1:9093,[::1]:9094\n",
                "SDFLEET_TOPIC_REQUESTS", "prod.requests",
                "SDFLEET_WORKER_GROUP", "gpu-a100",
                "SDFLEET_TOPIC_PARTITIONS", "48",
                "SDFLEET_TOPIC_REPLICATION_FACTOR", "3"));
        assertEquals("kafka-0:9092,kafka-1:9093,[::1]:9094", s.bootstrapServers());
        assertEquals("prod.requests", s.topicRequests());
        assertEquals("gpu-a100", s.workerGroup());
        assertEquals(48, s.topicPartitions());
        assertEquals(3, s.topicReplicationFactor());
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("SDFLEET_BOOTSTRAP_SERVERS", "", "must not be empty"),
                Arguments.of("SDFLEET_BOOTSTRAP_SERVERS", "kafka", "'kafka' is not host:port"),
                Arguments.of("SDFLEET_BOOTSTRAP_SERVERS", "kafka:9092,", "'' is not host:port"),
                Arguments.of("SDFLEET_BOOTSTRAP_SERVERS", "kafka:70000", "out of range 1 .. 65535"),
                Arguments.of("SDFLEET_TOPIC_REQUESTS", "sd/requests", "a-z A-Z 0-9 . _ -"),
                Arguments.of("SDFLEET_TOPIC_DLQ", "..", "not allowed"),
                Arguments.of("SDFLEET_TOPIC_COMPLETIONS", "", "must not be empty"),
                Arguments.of("SDFLEET_WORKER_GROUP", "  ", "must not be empty"),
                Arguments.of("SDFLEET_TOPIC_PARTITIONS", "0", "out of range 1 .. 10000"),
                Arguments.of("SDFLEET_TOPIC_PARTITIONS", "six", "not a whole number"),
                Arguments.of("SDFLEET_TOPIC_PARTITIONS", "99999999999999999999", "not a whole number"),
                Arguments.of("SDFLEET_TOPIC_REPLICATION_FACTOR", "-1", "out of range 1 .. 32767"),
                Arguments.of("SDFLEET_KAFKA_", "x", "not a Kafka property name"),
                Arguments.of("SDFLEET_KAFKA_SECURITY_PROTOCL", "SASL_SSL", "'security.protocl' is not a Kafka"),
                Arguments.of("SDFLEET_KAFKA_BOOTSTRAP_SERVERS", "x:1", "set SDFLEET_BOOTSTRAP_SERVERS instead"),
                Arguments.of("SDFLEET_KAFKA_GROUP_ID", "g", "set SDFLEET_WORKER_GROUP instead"),
                Arguments.of("SDFLEET_KAFKA_VALUE_SERIALIZER", "x", "sdfleet chooses"),
                Arguments.of("SDFLEET_KAFKA_ACKS", " ", "empty value"));
    }

    @ParameterizedTest(name = "{0}=''{1}''")
    @MethodSource("badValues")
    void eachBadValueIsReportedWithKeyValueAndWhatIsAllowed(String key, String value, String fragment) {
        ConfigException e = assertThrows(ConfigException.class, () -> KafkaSettings.fromEnv(Map.of(key, value)));
        assertEquals(List.of(key), keys(e));
        ConfigProblem p = e.problems().get(0);
        assertEquals(value, p.value());
        assertTrue(p.message().contains(fragment), p.message());
        assertTrue(e.getMessage().contains(key + "='" + value + "'"), e.getMessage());
    }

    @Test
    void severalBadValuesAreReportedTogether() {
        ConfigException e = assertThrows(ConfigException.class, () -> KafkaSettings.fromEnv(Map.of(
                "SDFLEET_BOOTSTRAP_SERVERS", "",
                "SDFLEET_TOPIC_PARTITIONS", "0",
                "SDFLEET_TOPIC_REPLICATION_FACTOR", "three",
                "SDFLEET_WORKER_GROUP", "",
                "SDFLEET_KAFKA_SASL_MECHANISMS", "PLAIN")));
        assertEquals(5, e.problems().size(), e.getMessage());
        assertTrue(keys(e).containsAll(List.of("SDFLEET_BOOTSTRAP_SERVERS", "SDFLEET_TOPIC_PARTITIONS",
                "SDFLEET_TOPIC_REPLICATION_FACTOR", "SDFLEET_WORKER_GROUP", "SDFLEET_KAFKA_SASL_MECHANISMS")));
        assertTrue(e.getMessage().startsWith("invalid configuration (5 problems):"), e.getMessage());
    }

    @Test
    void topicsMustDiffer() {
        ConfigException e = assertThrows(ConfigException.class, () -> KafkaSettings.fromEnv(Map.of(
                "SDFLEET_TOPIC_COMPLETIONS", "sd.requests", "SDFLEET_TOPIC_DLQ", "sd.requests")));
        assertEquals(List.of("SDFLEET_TOPIC_COMPLETIONS", "SDFLEET_TOPIC_DLQ"), keys(e));
    }

    @Test
    void prefixedVariablesPassThroughToTheClientsThatKnowThem() {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";";
        KafkaSettings s = KafkaSettings.fromEnv(Map.of(
                "SDFLEET_BOOTSTRAP_SERVERS", "broker:9093",
                "SDFLEET_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "SDFLEET_KAFKA_SASL_MECHANISM", "PLAIN",
                "SDFLEET_KAFKA_SASL_JAAS_CONFIG", jaas,
                "SDFLEET_KAFKA_LINGER_MS", "20",
                "SDFLEET_KAFKA_MAX_POLL_RECORDS", "50"));
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN", "sasl.jaas.config", jaas,
                "linger.ms", "20", "max.poll.records", "50"), s.clientOverrides());

        Map<String, Object> producer = s.producerConfig();
        assertEquals("broker:9093", producer.get("bootstrap.servers"));
        assertEquals("SASL_SSL", producer.get("security.protocol"));
        assertEquals(jaas, producer.get("sasl.jaas.config"));
        assertEquals("20", producer.get("linger.ms"));
        assertFalse(producer.containsKey("max.poll.records"), "consumer-only property kept from the producer");

        Properties consumer = s.consumerProperties(s.workerGroup());
        assertEquals(KafkaSettings.DEFAULT_WORKER_GROUP, consumer.get("group.id"));
        assertEquals("50", consumer.get("max.poll.records"));
        assertEquals("SASL_SSL", consumer.get("security.protocol"));
        assertFalse(consumer.containsKey("linger.ms"));

        assertEquals("SASL_SSL", s.adminConfig().get("security.protocol"));
        assertFalse(s.toString().contains("password"), s.toString());
    }

    @Test
    void aSecretSettingsValueIsNeverShown() {
        Setting<Integer> secretNumber = Setting.integer("SDFLEET_TEST_PIN", 1, 0, 9, "A secret digit.").secret();
        ConfigReader reader = new ConfigReader(Map.of("SDFLEET_TEST_PIN", "12345"));
        assertEquals(1, reader.get(secretNumber));
        ConfigException e = assertThrows(ConfigException.class, reader::throwIfInvalid);
        assertEquals(ConfigProblem.HIDDEN, e.problems().get(0).value());
        assertFalse(e.getMessage().contains("12345"), e.getMessage());
    }
}
