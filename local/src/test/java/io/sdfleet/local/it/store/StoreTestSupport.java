package io.sdfleet.local.it.store;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import io.sdfleet.common.config.ConfigReader;
import io.sdfleet.common.config.StoreSettings;
import java.net.URI;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/** Settings, names and an independent S3 client for the store tests. */
final class StoreTestSupport {

    private StoreTestSupport() {
    }

    /** Store settings read the way the worker reads them, from an environment map. */
    static StoreSettings settings(URI endpoint, String accessKey, String secretKey, String bucket,
            Map<String, String> more) {
        Map<String, String> env = new HashMap<>();
        env.put(StoreSettings.ENDPOINT.name(), endpoint.toString());
        env.put(StoreSettings.ACCESS_KEY.name(), accessKey);
        env.put(StoreSettings.SECRET_KEY.name(), secretKey);
        env.put(StoreSettings.BUCKET.name(), bucket);
        env.put(StoreSettings.PREFIX.name(), "it-store/" + unique("run"));
        env.putAll(more);
        ConfigReader reader = new ConfigReader(env);
        StoreSettings settings = StoreSettings.read(reader);
        reader.throwIfInvalid();
        return settings;
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Bytes that start like a PNG; the store does not look inside. */
    static byte[] pngLike(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        System.arraycopy(signature, 0, bytes, 0, Math.min(signature.length, size));
        return bytes;
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** A MinIO client of its own, to check what the store did without going through it. */
    static MinioClient minio(URI endpoint, String accessKey, String secretKey) {
        return MinioClient.builder().endpoint(endpoint.toString()).region("us-east-1")
                .credentials(accessKey, secretKey).build();
    }

    /** Keys under {@code prefix}, recursively. */
    static List<String> keys(MinioClient minio, String bucket, String prefix) throws Exception {
        List<String> keys = new ArrayList<>();
        for (Result<Item> result : minio.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix)
                .recursive(true).build())) {
            Item item = result.get();
            if (!item.isDir() && !item.objectName().endsWith("/")) {
                keys.add(item.objectName());
            }
        }
        return keys;
    }

    /** The threads alive now: a snapshot to tell a store's threads from those other tests left behind. */
    static Set<Thread> liveThreads() {
        return Set.copyOf(Thread.getAllStackTraces().keySet());
    }

    /**
     * Threads started after {@code before} and still alive that belong to a store's HTTP client: the store's
     * own dispatcher threads ({@code sdfleet-s3-*}) and non-daemon OkHttp threads (what a client falling back
     * to OkHttp's default dispatcher would start). Threads that existed before — other tests' MinIO clients,
     * whose OkHttp dispatcher threads linger a minute — are not counted.
     */
    static List<String> httpThreadsStartedSince(Set<Thread> before) {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            boolean store = t.getName().startsWith("sdfleet-s3-");
            boolean okhttp = t.getName().contains("OkHttp") && !t.isDaemon();
            if (t.isAlive() && !before.contains(t) && (store || okhttp)) {
                names.add(t.getName() + (t.isDaemon() ? " (daemon)" : ""));
            }
        }
        return names;
    }
}
