package io.sdfleet.local.bench;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.sdfleet.local.EmbeddedS3;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import io.sdfleet.common.config.ConfigReader;
import io.sdfleet.worker.store.NoDelaySocketFactory;
import io.sdfleet.worker.store.S3ImageStore;
import io.sdfleet.common.config.StoreSettings;
import java.util.Map;
import okhttp3.OkHttpClient;

/**
 * One object-store put, by body size, with the MinIO client's default OkHttp (Nagle's algorithm on), with
 * TCP_NODELAY (the store's {@link NoDelaySocketFactory}), and through the worker's own {@link S3ImageStore}
 * (which uses that factory; its put also hashes the body and sends metadata), all in one run against the
 * embedded S3 server on loopback. Why it exists: {@link FleetBench} shows
 * ~50 ms per upload of a 64x64 PNG (about 9-12 KB), far more than the work; this isolates the cause (a
 * body written in two socket writes waits for the server's delayed ACK, ~40 ms on Linux).
 *
 * <p>Run: {@code tools/bench.sh upload [puts per cell = 40]}; each cell first makes a quarter as many
 * uncounted warm-up puts. Prints a Markdown table of medians and 90th percentiles.
 */
public final class UploadBench {

    private static final int[] SIZES = {2 * 1024, 9 * 1024, 12 * 1024, 64 * 1024};
    private static final String BUCKET = "uploadbench";

    private UploadBench() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
        int puts = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        StringBuilder out = new StringBuilder("| body bytes | Nagle on (default): p50 ms | p90 ms"
                + " | TCP_NODELAY: p50 ms | p90 ms | S3ImageStore.put: p50 ms | p90 ms |\n"
                + "|---:|---:|---:|---:|---:|---:|---:|\n");
        try (EmbeddedS3 s3 = EmbeddedS3.start(EmbeddedS3.Settings.defaults());
             S3ImageStore store = S3ImageStore.create(storeSettings(s3))) {
            s3.createBucket(BUCKET);
            MinioClient nagle = client(s3, new OkHttpClient.Builder().build());
            MinioClient noDelay = client(s3, new OkHttpClient.Builder().socketFactory(new NoDelaySocketFactory())
                    .build());
            for (int size : SIZES) {
                List<Double> a = times(minioPut(nagle, size), size, puts);
                List<Double> b = times(minioPut(noDelay, size), size, puts);
                List<Double> c = times((key, body) -> store.put(key, body, Map.of()), size, puts);
                out.append(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n", size,
                        Stats.median(a, Double::doubleValue), Stats.percentile(a, Double::doubleValue, 90),
                        Stats.median(b, Double::doubleValue), Stats.percentile(b, Double::doubleValue, 90),
                        Stats.median(c, Double::doubleValue), Stats.percentile(c, Double::doubleValue, 90)));
            }
        }
        System.out.print(out);
        System.out.flush();
        System.exit(0); // OkHttp's non-daemon threads would keep the JVM alive for a minute
    }

    private static MinioClient client(EmbeddedS3 s3, OkHttpClient http) {
        return MinioClient.builder().endpoint(s3.endpoint().toString()).region("us-east-1")
                .credentials(s3.accessKey(), s3.secretKey()).httpClient(http).build();
    }

    private static StoreSettings storeSettings(EmbeddedS3 s3) {
        ConfigReader reader = new ConfigReader(Map.of(StoreSettings.ENDPOINT.name(), s3.endpoint().toString(),
                StoreSettings.ACCESS_KEY.name(), s3.accessKey(), StoreSettings.SECRET_KEY.name(), s3.secretKey(),
                StoreSettings.BUCKET.name(), BUCKET));
        StoreSettings settings = StoreSettings.read(reader);
        reader.throwIfInvalid();
        return settings;
    }

    /** One put of a body under a key. */
    private interface Put {
        void put(String key, byte[] body) throws Exception;
    }

    private static Put minioPut(MinioClient client, int size) {
        return (key, body) -> client.putObject(PutObjectArgs.builder().bucket(BUCKET).object(key)
                .stream(new ByteArrayInputStream(body), size, -1).contentType("image/png").build());
    }

    /** Milliseconds per put of a random body of {@code size} bytes, warm-up puts dropped. */
    private static List<Double> times(Put put, int size, int puts) throws Exception {
        byte[] body = new byte[size];
        new Random(size).nextBytes(body);
        List<Double> out = new ArrayList<>();
        int warmUp = puts / 4;
        for (int i = 0; i < puts + warmUp; i++) {
            long t0 = System.nanoTime();
            put.put("put/" + size + "/" + i, body);
            if (i >= warmUp) {
                out.add((System.nanoTime() - t0) / 1e6);
            }
        }
        return out;
    }
}
