package io.sdfleet.local.it.store;

import static io.sdfleet.local.it.store.StoreTestSupport.keys;
import static io.sdfleet.local.it.store.StoreTestSupport.pngLike;
import static io.sdfleet.local.it.store.StoreTestSupport.sha256;
import static io.sdfleet.local.it.store.StoreTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import io.sdfleet.worker.store.ObjectKeys;
import io.sdfleet.worker.store.ObjectMetadata;
import io.sdfleet.worker.store.ObjectNotFoundException;
import io.sdfleet.worker.store.S3ImageStore;
import io.sdfleet.worker.store.StoreConfigurationException;
import io.sdfleet.common.config.StoreSettings;
import io.sdfleet.worker.store.StoredObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link S3ImageStore} against the shared embedded S3 server: what the worker relies on (content type,
 * metadata, overwrite on redelivery, presigned URLs) and how bad configuration is reported.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class S3ImageStoreTest {

    private static StoreSettings settings(LocalStack stack) {
        return StoreTestSupport.settings(stack.s3Endpoint(), stack.accessKey(), stack.secretKey(), stack.bucket(),
                Map.of());
    }

    private static Map<String, String> metadata(String jobId, String prompt) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("job-id", jobId);
        metadata.put("prompt", prompt);
        metadata.put("seed", "42");
        metadata.put("params", "{\"steps\":20,\"guidanceScale\":7.5,\"scheduler\":\"euler\"}");
        return metadata;
    }

    @Test
    void putStatGetRoundTripKeepsContentTypeAndNonAsciiMetadata(LocalStack stack) throws Exception {
        StoreSettings settings = settings(stack);
        String jobId = unique("job");
        String key = ObjectKeys.imageKey(settings.prefix(), jobId, 0);
        byte[] png = pngLike(1, 20_000);
        String prompt = "富士山の夕焼け, Öl auf Leinwand, 🐱 ";
        try (S3ImageStore store = S3ImageStore.create(settings)) {
            store.ensureBucket();
            StoredObject put = store.put(key, png, metadata(jobId, prompt));
            assertEquals(sha256(png), put.sha256());
            assertEquals(png.length, put.size());

            StoredObject stat = store.stat(key);
            assertEquals(settings.bucket(), stat.bucket());
            assertEquals(key, stat.key());
            assertEquals(png.length, stat.size());
            assertEquals("image/png", stat.contentType());
            assertEquals(sha256(png), stat.sha256());
            assertEquals(prompt, stat.userMetadata().get("prompt"));
            assertEquals(jobId, stat.userMetadata().get("job-id"));
            assertEquals(put.userMetadata(), stat.userMetadata());

            assertArrayEquals(png, store.get(key));
        }
    }

    @Test
    void oversizedParametersAreTruncatedNotRefused(LocalStack stack) throws Exception {
        StoreSettings settings = settings(stack);
        String jobId = unique("job");
        String key = ObjectKeys.imageKey(settings.prefix(), jobId, 0);
        String prompt = "a photograph of an astronaut riding a horse, ".repeat(100) + "ünïcödé";
        try (S3ImageStore store = S3ImageStore.create(settings)) {
            store.put(key, pngLike(2, 1000), metadata(jobId, prompt));
            String stored = store.stat(key).userMetadata().get("prompt");
            assertTrue(stored.endsWith(ObjectMetadata.TRUNCATION_MARKER), stored);
            String kept = stored.substring(0, stored.length() - ObjectMetadata.TRUNCATION_MARKER.length());
            assertTrue(prompt.startsWith(kept) && !kept.isEmpty(), kept);
        }
    }

    @Test
    void presignedUrlServesTheBytesAndATamperedOneIsRefused(LocalStack stack) throws Exception {
        StoreSettings settings = settings(stack);
        String key = ObjectKeys.imageKey(settings.prefix(), unique("job"), 3);
        byte[] png = pngLike(3, 5000);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (S3ImageStore store = S3ImageStore.create(settings)) {
            store.put(key, png, Map.of());
            String url = store.presignedGetUrl(key);
            assertTrue(url.contains("X-Amz-Expires=" + settings.presignExpiry().toSeconds()), url);

            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
            assertArrayEquals(png, response.body());
            assertEquals("image/png", response.headers().firstValue("Content-Type").orElseThrow());

            int at = url.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length();
            char flipped = url.charAt(at) == '0' ? '1' : '0';
            String tampered = url.substring(0, at) + flipped + url.substring(at + 1);
            HttpResponse<byte[]> refused = http.send(HttpRequest.newBuilder(URI.create(tampered))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(403, refused.statusCode());
        }
    }

    @Test
    void redeliveryOverwritesTheSameObject(LocalStack stack) throws Exception {
        StoreSettings settings = settings(stack);
        String jobId = unique("job");
        String key = ObjectKeys.imageKey(settings.prefix(), jobId, 0);
        byte[] first = pngLike(4, 3000);
        byte[] second = pngLike(5, 4000);
        try (S3ImageStore store = S3ImageStore.create(settings);
                MinioClient minio = StoreTestSupport.minio(stack.s3Endpoint(), stack.accessKey(), stack.secretKey())) {
            store.put(key, first, metadata(jobId, "first"));
            store.put(key, second, metadata(jobId, "second"));
            assertEquals(List.of(key), keys(minio, settings.bucket(), settings.prefix() + "/" + jobId + "/"));
            assertArrayEquals(second, store.get(key));
            StoredObject stat = store.stat(key);
            assertEquals(sha256(second), stat.sha256());
            assertEquals("second", stat.userMetadata().get("prompt"));
        }
    }

    @Test
    void missingKeyIsNotFound(LocalStack stack) throws Exception {
        StoreSettings settings = settings(stack);
        String key = ObjectKeys.imageKey(settings.prefix(), unique("never"), 0);
        try (S3ImageStore store = S3ImageStore.create(settings)) {
            assertEquals(key, assertThrows(ObjectNotFoundException.class, () -> store.stat(key)).key());
            assertThrows(ObjectNotFoundException.class, () -> store.get(key));
        }
    }

    @Test
    void missingBucketIsCreatedWhenAllowed(LocalStack stack) throws Exception {
        String bucket = unique("sdfleet-it");
        StoreSettings settings = settings(stack).withBucket(bucket);
        assertTrue(settings.createBucket());
        try (S3ImageStore store = S3ImageStore.create(settings);
                MinioClient minio = StoreTestSupport.minio(stack.s3Endpoint(), stack.accessKey(), stack.secretKey())) {
            assertFalse(minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
            store.ensureBucket();
            assertTrue(minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
            store.ensureBucket(); // a second worker starting finds it
            String key = ObjectKeys.imageKey(settings.prefix(), unique("job"), 0);
            store.put(key, pngLike(6, 100), Map.of());
            assertEquals(100, store.stat(key).size());
        }
    }

    @Test
    void missingBucketStopsTheWorkerWhenCreationIsForbidden(LocalStack stack) throws Exception {
        String bucket = unique("sdfleet-it");
        StoreSettings settings = StoreTestSupport.settings(stack.s3Endpoint(), stack.accessKey(), stack.secretKey(),
                bucket, Map.of(StoreSettings.CREATE_BUCKET.name(), "false"));
        try (S3ImageStore store = S3ImageStore.create(settings);
                MinioClient minio = StoreTestSupport.minio(stack.s3Endpoint(), stack.accessKey(), stack.secretKey())) {
            StoreConfigurationException e = assertThrows(StoreConfigurationException.class, store::ensureBucket);
            assertTrue(e.getMessage().contains("'" + bucket + "'"), e.getMessage());
            assertTrue(e.getMessage().contains(StoreSettings.CREATE_BUCKET.name()), e.getMessage());
            assertFalse(minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
        }
    }

    @Test
    void wrongSecretIsAConfigurationError(LocalStack stack) throws Exception {
        String wrongSecret = "not-the-" + stack.secretKey();
        StoreSettings settings = StoreTestSupport.settings(stack.s3Endpoint(), stack.accessKey(), wrongSecret,
                stack.bucket(), Map.of());
        try (S3ImageStore store = S3ImageStore.create(settings)) {
            StoreConfigurationException atStart = assertThrows(StoreConfigurationException.class, store::ensureBucket);
            assertFalse(atStart.getMessage().contains(wrongSecret), atStart.getMessage());
            StoreConfigurationException onPut = assertThrows(StoreConfigurationException.class,
                    () -> store.put(ObjectKeys.imageKey(settings.prefix(), unique("job"), 0), pngLike(7, 10),
                            Map.of()));
            assertTrue(onPut.getMessage().contains(StoreSettings.SECRET_KEY.name()), onPut.getMessage());
        }
    }

    @Test
    void unknownAccessKeyIsAConfigurationError(LocalStack stack) throws Exception {
        StoreSettings settings = StoreTestSupport.settings(stack.s3Endpoint(), unique("nobody"), stack.secretKey(),
                stack.bucket(), Map.of());
        try (S3ImageStore store = S3ImageStore.create(settings)) {
            assertThrows(StoreConfigurationException.class, store::ensureBucket);
            assertThrows(StoreConfigurationException.class,
                    () -> store.put(ObjectKeys.imageKey(settings.prefix(), unique("job"), 0), pngLike(8, 10),
                            Map.of()));
        }
    }
}
