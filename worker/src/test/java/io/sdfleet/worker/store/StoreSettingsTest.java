package io.sdfleet.worker.store;

import io.sdfleet.common.config.StoreSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.config.ConfigException;
import io.sdfleet.common.config.ConfigProblem;
import io.sdfleet.common.config.ConfigReader;
import io.sdfleet.common.config.Setting;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoreSettingsTest {

    private static StoreSettings read(Map<String, String> env) {
        ConfigReader reader = new ConfigReader(env);
        StoreSettings settings = StoreSettings.read(reader);
        reader.throwIfInvalid();
        return settings;
    }

    private static List<ConfigProblem> problems(Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> read(env)).problems();
    }

    @Test
    void defaultsWhenNothingIsSet() {
        StoreSettings s = read(Map.of());
        assertEquals(StoreSettings.DEFAULT_ENDPOINT, s.endpoint());
        assertEquals(StoreSettings.DEFAULT_ACCESS_KEY, s.accessKey());
        assertEquals(StoreSettings.DEFAULT_SECRET_KEY, s.secretKey());
        assertEquals(StoreSettings.DEFAULT_REGION, s.region());
        assertEquals(StoreSettings.DEFAULT_BUCKET, s.bucket());
        assertEquals(StoreSettings.DEFAULT_PREFIX, s.prefix());
        assertEquals(StoreSettings.DEFAULT_CREATE_BUCKET, s.createBucket());
        assertEquals(StoreSettings.DEFAULT_PRESIGN_EXPIRY, s.presignExpiry());
        assertEquals(StoreSettings.DEFAULT_CONNECT_TIMEOUT, s.connectTimeout());
        assertEquals(StoreSettings.DEFAULT_REQUEST_TIMEOUT, s.requestTimeout());
        assertTrue(s.usesDefaultCredentials());
    }

    @Test
    void readsEverySetting() {
        StoreSettings s = read(Map.of("SDFLEET_S3_ENDPOINT", "HTTPS://minio.storage.svc:9443/",
                "SDFLEET_S3_ACCESS_KEY", "worker", "SDFLEET_S3_SECRET_KEY", "s3cr3t\n", "SDFLEET_S3_REGION", "eu-west-1",
                "SDFLEET_S3_BUCKET", "sd-images.prod", "SDFLEET_S3_PREFIX", "fleet-a/images",
                "SDFLEET_S3_CREATE_BUCKET", "false", "SDFLEET_S3_PRESIGN_EXPIRY", "168h",
                "SDFLEET_S3_CONNECT_TIMEOUT", "2s", "SDFLEET_S3_REQUEST_TIMEOUT", "1m"));
        assertEquals(new StoreSettings("https://minio.storage.svc:9443", "worker", "s3cr3t", "eu-west-1",
                "sd-images.prod", "fleet-a/images", false, Duration.ofDays(7), Duration.ofSeconds(2),
                Duration.ofMinutes(1), "inputs"), s);
        assertFalse(s.usesDefaultCredentials());
    }

    @Test
    void emptyPrefixIsAllowed() {
        assertEquals("", read(Map.of("SDFLEET_S3_PREFIX", "")).prefix());
    }

    @Test
    void reportsEveryBadSettingAtOnce() {
        List<ConfigProblem> problems = problems(Map.of(
                "SDFLEET_S3_ENDPOINT", "ftp://host", "SDFLEET_S3_BUCKET", "Bad_Bucket",
                "SDFLEET_S3_PREFIX", "/images/", "SDFLEET_S3_PRESIGN_EXPIRY", "8d",
                "SDFLEET_S3_SECRET_KEY", "   "));
        Set<String> keys = new HashSet<>();
        problems.forEach(p -> keys.add(p.key()));
        assertEquals(Set.of("SDFLEET_S3_ENDPOINT", "SDFLEET_S3_BUCKET", "SDFLEET_S3_PREFIX",
                "SDFLEET_S3_PRESIGN_EXPIRY", "SDFLEET_S3_SECRET_KEY"), keys);
        ConfigProblem secret = problems.stream().filter(p -> p.key().equals("SDFLEET_S3_SECRET_KEY")).findFirst()
                .orElseThrow();
        assertEquals(ConfigProblem.HIDDEN, secret.value());
    }

    @Test
    void presignExpiryIsAtMostSevenDays() {
        assertEquals(StoreSettings.MAX_PRESIGN_EXPIRY, read(Map.of("SDFLEET_S3_PRESIGN_EXPIRY", "P7D")).presignExpiry());
        assertEquals(1, problems(Map.of("SDFLEET_S3_PRESIGN_EXPIRY", "PT168H1S")).size());
    }

    @Test
    void connectTimeoutMustNotExceedRequestTimeout() {
        List<ConfigProblem> problems = problems(Map.of("SDFLEET_S3_CONNECT_TIMEOUT", "10s",
                "SDFLEET_S3_REQUEST_TIMEOUT", "5s"));
        assertEquals(List.of("SDFLEET_S3_CONNECT_TIMEOUT"), problems.stream().map(ConfigProblem::key).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://", "host:9000", "http://user:pw@host:9000", "http://host:9000/path",
            "http://host:9000?x=1", "http://host:99999", "mailto:x@y"})
    void refusesBadEndpoints(String endpoint) {
        assertEquals(List.of("SDFLEET_S3_ENDPOINT"), problems(Map.of("SDFLEET_S3_ENDPOINT", endpoint)).stream()
                .map(ConfigProblem::key).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "UPPER", "-start", "end-", "a..b", "a.-b", "192.168.1.1", "under_score"})
    void refusesBadBuckets(String bucket) {
        assertEquals(1, problems(Map.of("SDFLEET_S3_BUCKET", bucket)).size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a", "a/", "a//b", "..", "a/../b", "./a", "sp ace", "é"})
    void refusesBadPrefixes(String prefix) {
        assertEquals(1, problems(Map.of("SDFLEET_S3_PREFIX", prefix)).size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "a/b/c", "images.v1", "x_y-z/2024", "a/.b", "..a"})
    void acceptsGoodPrefixes(String prefix) {
        assertEquals(prefix, read(Map.of("SDFLEET_S3_PREFIX", prefix)).prefix());
    }

    @Test
    void toStringHidesTheSecret() {
        StoreSettings s = read(Map.of("SDFLEET_S3_SECRET_KEY", "topsecretvalue"));
        assertFalse(s.toString().contains("topsecretvalue"), s.toString());
    }

    @Test
    void everySettingIsDeclaredOnceAndDocumented() {
        Set<String> names = new HashSet<>();
        for (Setting<?> s : StoreSettings.SETTINGS) {
            assertTrue(s.name().startsWith("SDFLEET_S3_"), s.name());
            assertTrue(names.add(s.name()), "twice: " + s.name());
            assertFalse(s.description().isBlank(), s.name());
        }
        for (Setting<?> s : StoreRetrySettings.SETTINGS) {
            assertTrue(s.name().startsWith("SDFLEET_S3_RETRY_"), s.name());
            assertTrue(names.add(s.name()), "twice: " + s.name());
        }
        assertTrue(StoreSettings.SECRET_KEY.isSecret());
    }

    @Test
    void retrySettingsDefaultsAndRule() {
        ConfigReader reader = new ConfigReader(Map.of());
        assertEquals(StoreRetrySettings.defaults(), StoreRetrySettings.read(reader));
        reader.throwIfInvalid();
        ConfigReader bad = new ConfigReader(Map.of("SDFLEET_S3_RETRY_BASE_DELAY", "5s",
                "SDFLEET_S3_RETRY_MAX_DELAY", "1s"));
        StoreRetrySettings.read(bad);
        assertEquals(List.of("SDFLEET_S3_RETRY_MAX_DELAY"), bad.problems().stream().map(ConfigProblem::key).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"images", "images/in", "fleet", ""})
    void inputPrefixMustNotOverlapTheImagePrefixNorBeEmpty(String inputPrefix) {
        // Image prefix fleet/images: "images" alone is disjoint; the others share keys with it or are empty.
        ConfigReader reader = new ConfigReader(Map.of("SDFLEET_S3_PREFIX", inputPrefix.equals("images/in")
                ? "images" : "fleet/images", "SDFLEET_S3_INPUT_PREFIX", inputPrefix));
        StoreSettings.read(reader);
        if (inputPrefix.equals("images")) {
            reader.throwIfInvalid();
            return;
        }
        ConfigException e = assertThrows(ConfigException.class, reader::throwIfInvalid);
        assertTrue(e.getMessage().contains("SDFLEET_S3_INPUT_PREFIX"), e.getMessage());
    }

    @Test
    void inputPrefixDefaultsToInputsBesideAnEmptyImagePrefix() {
        ConfigReader reader = new ConfigReader(Map.of("SDFLEET_S3_PREFIX", ""));
        StoreSettings s = StoreSettings.read(reader);
        reader.throwIfInvalid();
        assertEquals("inputs", s.inputPrefix());
    }
}
