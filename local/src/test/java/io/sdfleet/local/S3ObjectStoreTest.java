package io.sdfleet.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import io.minio.messages.Item;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The embedded S3 server speaks enough S3 for the worker's object-store writer, through the MinIO
 * client: put, stat (content type and user metadata kept), get, list, V4 presigned GET; it checks
 * signatures (tampered URL and wrong secret refused).
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class S3ObjectStoreTest {

    private static final String PNG = "image/png";

    @Test
    void putStatGetList(LocalStack stack) throws Exception {
        String prefix = TestNames.unique("images") + "/job-1/";
        byte[] first = randomBytes(5000);
        byte[] second = randomBytes(70_000);
        try (MinioClient minio = TestClients.minio(stack)) {
            put(minio, stack.bucket(), prefix + "0.png", first, Map.of("seed", "42", "prompt-hash", "abc"));
            put(minio, stack.bucket(), prefix + "1.png", second, Map.of("seed", "43"));

            StatObjectResponse stat = minio.statObject(StatObjectArgs.builder()
                    .bucket(stack.bucket()).object(prefix + "0.png").build());
            assertEquals(first.length, stat.size());
            assertEquals(PNG, stat.contentType());
            assertEquals("42", stat.userMetadata().get("seed"));
            assertEquals("abc", stat.userMetadata().get("prompt-hash"));

            assertArrayEquals(first, get(minio, stack.bucket(), prefix + "0.png"));
            assertArrayEquals(second, get(minio, stack.bucket(), prefix + "1.png"));

            List<String> listed = new ArrayList<>();
            for (Result<Item> result : minio.listObjects(ListObjectsArgs.builder()
                    .bucket(stack.bucket()).prefix(prefix).recursive(true).build())) {
                listed.add(result.get().objectName());
            }
            assertEquals(List.of(prefix + "0.png", prefix + "1.png"), listed);
        }
    }

    @Test
    void presignedGetWorksAndTamperedSignatureIsRefused(LocalStack stack) throws Exception {
        String key = TestNames.unique("presigned") + "/0.png";
        byte[] content = randomBytes(3000);
        HttpClient http = HttpClient.newHttpClient();
        try (MinioClient minio = TestClients.minio(stack)) {
            put(minio, stack.bucket(), key, content, Map.of());
            String url = minio.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                    .method(Method.GET).bucket(stack.bucket()).object(key).expiry(300).build());

            HttpResponse<byte[]> ok = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, ok.statusCode(), url);
            assertArrayEquals(content, ok.body());

            String tampered = tamperSignature(url);
            assertNotEquals(url, tampered);
            HttpResponse<byte[]> refused = http.send(HttpRequest.newBuilder(URI.create(tampered)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(403, refused.statusCode(), tampered);
        }
    }

    @Test
    void wrongSecretKeyIsRefused(LocalStack stack) throws Exception {
        try (MinioClient wrong = MinioClient.builder().endpoint(stack.s3Endpoint().toString()).region("us-east-1")
                .credentials(stack.accessKey(), stack.secretKey() + "-wrong").build()) {
            ErrorResponseException refused = assertThrows(ErrorResponseException.class,
                    () -> put(wrong, stack.bucket(), TestNames.unique("wrong") + ".png", randomBytes(10), Map.of()));
            assertEquals(403, refused.response().code());
        }
    }

    /** Flips the last hex digit of the V4 signature parameter. */
    private static String tamperSignature(String url) {
        Matcher signature = Pattern.compile("(X-Amz-Signature=[0-9a-f]*)([0-9a-f])").matcher(url);
        if (!signature.find()) {
            throw new AssertionError("no V4 signature in " + url);
        }
        char flipped = signature.group(2).charAt(0) == '0' ? '1' : '0';
        return url.substring(0, signature.start(2)) + flipped + url.substring(signature.end(2));
    }

    static void put(MinioClient minio, String bucket, String key, byte[] content, Map<String, String> metadata)
            throws Exception {
        minio.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                .stream(new ByteArrayInputStream(content), content.length, -1)
                .contentType(PNG).userMetadata(metadata).build());
    }

    static byte[] get(MinioClient minio, String bucket, String key) throws Exception {
        try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return in.readAllBytes();
        }
    }

    static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random().nextBytes(bytes);
        return bytes;
    }
}
