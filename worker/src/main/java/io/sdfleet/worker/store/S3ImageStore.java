package io.sdfleet.worker.store;

import io.sdfleet.common.ObjectReference;
import io.sdfleet.common.config.StoreSettings;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.http.Method;
import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.SocketFactory;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ImageStore} on any S3 API (MinIO, AWS S3, the local stack's S3 server) through the MinIO Java client.
 *
 * <p><b>Threads and resources.</b> The MinIO client runs every call on OkHttp's dispatcher threads and makes
 * the caller wait. OkHttp's own dispatcher threads are not daemons and outlive the client by a minute; this
 * class therefore gives OkHttp a dispatcher whose executor makes daemon threads named {@code sdfleet-s3-N},
 * and {@link #close()} shuts that executor down and evicts the connection pool. Thread-safe: one instance is
 * shared by the store pool.
 *
 * <p><b>Latency.</b> The client's sockets have TCP_NODELAY set ({@link NoDelaySocketFactory}): with OkHttp's
 * default (Nagle's algorithm on) a put of a few KB waits about 40 ms for the server's delayed ACK.
 *
 * <p><b>Failures</b> are turned into the {@link StoreException} subclass that says what to do
 * ({@link StoreErrors}); this class never retries (wrap it in a {@link Retrier}). Every call is bounded by
 * {@link StoreSettings#requestTimeout()}. When the calling thread is interrupted while it waits, the call
 * fails with {@link StoreUnavailableException} and the interrupt flag is set again, so a {@link Retrier} stops
 * with InterruptedException (shutdown).
 */
public final class S3ImageStore implements ImageStore {

    private static final Logger LOG = LoggerFactory.getLogger(S3ImageStore.class);

    /** Content type of every object put. */
    public static final String PNG_CONTENT_TYPE = "image/png";

    /** Most calls in flight at once; above the store pool's size, so OkHttp never queues our calls. */
    private static final int MAX_CONCURRENT_CALLS = 64;
    private static final int MAX_IDLE_CONNECTIONS = 16;

    private final StoreSettings settings;
    private final OkHttpClient http;
    private final ExecutorService dispatcherThreads;
    private final MinioClient client;
    private final Object closeLock = new Object();
    private boolean closed;

    private S3ImageStore(StoreSettings settings, OkHttpClient http, ExecutorService dispatcherThreads,
            MinioClient client) {
        this.settings = settings;
        this.http = http;
        this.dispatcherThreads = dispatcherThreads;
        this.client = client;
    }

    /**
     * A store for these settings. Makes no request: call {@link #ensureBucket()} to check the connection,
     * the credentials and the bucket.
     */
    public static S3ImageStore create(StoreSettings settings) {
        Objects.requireNonNull(settings, "settings");
        AtomicInteger threads = new AtomicInteger();
        ExecutorService dispatcherThreads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "sdfleet-s3-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        Dispatcher dispatcher = new Dispatcher(dispatcherThreads);
        dispatcher.setMaxRequests(MAX_CONCURRENT_CALLS);
        dispatcher.setMaxRequestsPerHost(MAX_CONCURRENT_CALLS);
        long connectMs = settings.connectTimeout().toMillis();
        long requestMs = settings.requestTimeout().toMillis();
        OkHttpClient http = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(MAX_IDLE_CONNECTIONS, 1, TimeUnit.MINUTES))
                .protocols(List.of(Protocol.HTTP_1_1)) // as the MinIO client's own default client
                // TCP_NODELAY: OkHttp leaves Nagle's algorithm on, which stalls every put of over 8 KiB about
                // 40 ms on the server's delayed ACK (see NoDelaySocketFactory for why).
                .socketFactory(new NoDelaySocketFactory())
                .connectTimeout(connectMs, TimeUnit.MILLISECONDS)
                .readTimeout(requestMs, TimeUnit.MILLISECONDS)
                .writeTimeout(requestMs, TimeUnit.MILLISECONDS)
                .callTimeout(requestMs, TimeUnit.MILLISECONDS)
                .build();
        MinioClient client = MinioClient.builder()
                .endpoint(settings.endpoint())
                .region(settings.region()) // no region lookup request; S3Proxy and MinIO accept us-east-1
                .credentials(settings.accessKey(), settings.secretKey())
                .httpClient(http)
                .build();
        return new S3ImageStore(settings, http, dispatcherThreads, client);
    }

    @Override
    public String bucket() {
        return settings.bucket();
    }

    /** The settings this store was made with (prefix for {@link ObjectKeys}). */
    public StoreSettings settings() {
        return settings;
    }

    @Override
    public void ensureBucket() throws StoreException {
        String bucket = settings.bucket();
        String operation = "check bucket '" + bucket + "'";
        boolean exists;
        try {
            // HEAD bucket. Retry: unreachable, timeout, 5xx. Stop: 403 (credentials, permission), 400 region.
            exists = client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
        } catch (Exception e) {
            throw StoreErrors.classify(operation, bucket, null, e);
        }
        if (exists) {
            return;
        }
        if (!settings.createBucket()) {
            throw new StoreConfigurationException("bucket '" + bucket + "' does not exist at " + settings.endpoint()
                    + " and " + StoreSettings.CREATE_BUCKET.name() + "=false forbids creating it: create it, or set "
                    + StoreSettings.BUCKET.name() + " to an existing bucket", null);
        }
        try {
            // PUT bucket. Retry: unreachable, 5xx. Success: another worker created it a moment ago
            // (BucketAlreadyOwnedByYou). Stop: owned by another account (BucketAlreadyExists), 403.
            client.makeBucket(MakeBucketArgs.builder().bucket(bucket).region(settings.region()).build());
            LOG.info("created bucket '{}' at {}", bucket, settings.endpoint());
        } catch (Exception e) {
            if (!StoreErrors.isAlreadyOwnedByUs(e)) {
                throw StoreErrors.classify("create bucket '" + bucket + "'", bucket, null, e);
            }
        }
    }

    @Override
    public StoredObject put(String key, byte[] png, Map<String, String> userMetadata) throws StoreException {
        requireKey(key);
        Objects.requireNonNull(png, "png");
        Objects.requireNonNull(userMetadata, "userMetadata");
        String sha256 = ObjectReference.sha256Hex(png);
        String given = userMetadata.get(ObjectMetadata.SHA256_KEY);
        if (given != null && !given.equalsIgnoreCase(sha256)) {
            throw new IllegalArgumentException("metadata " + ObjectMetadata.SHA256_KEY + "=" + given
                    + " does not match the bytes (" + sha256 + ")");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(ObjectMetadata.SHA256_KEY, sha256);
        userMetadata.forEach((k, v) -> {
            if (!k.equals(ObjectMetadata.SHA256_KEY)) {
                metadata.put(k, v);
            }
        });
        Map<String, String> wire = ObjectMetadata.encode(metadata);
        try {
            // PUT object (single part: images are far below the 5 MiB part size). Overwrites the key, so a
            // redelivered job leaves one object. Retry: unreachable, timeout, 5xx, SlowDown. Stop: 403,
            // NoSuchBucket (bucket deleted under us). Fail the job: other 4xx (e.g. EntityTooLarge).
            client.putObject(PutObjectArgs.builder().bucket(settings.bucket()).object(key)
                    .stream(new ByteArrayInputStream(png), png.length, -1)
                    .contentType(PNG_CONTENT_TYPE)
                    .userMetadata(wire)
                    .build());
        } catch (Exception e) {
            throw StoreErrors.classify("put '" + key + "'", settings.bucket(), key, e);
        }
        return new StoredObject(settings.bucket(), key, png.length, sha256, PNG_CONTENT_TYPE,
                ObjectMetadata.decode(wire));
    }

    @Override
    public String presignedGetUrl(String key) throws StoreException {
        requireKey(key);
        try {
            // Computed locally (region is set): no request. Failures here are a broken JVM crypto setup or bad
            // arguments: stop.
            return client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Method.GET)
                    .bucket(settings.bucket()).object(key)
                    .expiry((int) settings.presignExpiry().toSeconds(), TimeUnit.SECONDS).build());
        } catch (Exception e) {
            throw StoreErrors.classify("presign '" + key + "'", settings.bucket(), key, e);
        }
    }

    @Override
    public StoredObject stat(String key) throws StoreException {
        requireKey(key);
        StatObjectResponse response;
        try {
            // HEAD object. Retry: unreachable, 5xx. Not found: 404. Stop: 403.
            response = client.statObject(StatObjectArgs.builder().bucket(settings.bucket()).object(key).build());
        } catch (Exception e) {
            throw StoreErrors.classify("stat '" + key + "'", settings.bucket(), key, e);
        }
        Map<String, String> metadata = ObjectMetadata.decode(response.userMetadata());
        return new StoredObject(settings.bucket(), key, response.size(), metadata.get(ObjectMetadata.SHA256_KEY),
                response.contentType(), metadata);
    }

    @Override
    public byte[] get(String key) throws StoreException {
        requireKey(key);
        // GET object, body read to the end. Retry: unreachable, 5xx, connection lost while reading. Not found: 404.
        try (GetObjectResponse response = client.getObject(
                GetObjectArgs.builder().bucket(settings.bucket()).object(key).build())) {
            return response.readAllBytes();
        } catch (Exception e) {
            throw StoreErrors.classify("get '" + key + "'", settings.bucket(), key, e);
        }
    }

    @Override
    public byte[] get(String key, int maxBytes) throws StoreException {
        requireKey(key);
        if (maxBytes < 0 || maxBytes == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxBytes out of range: " + maxBytes);
        }
        // Reads no further than one byte past the bound; closing the response drops the rest of the body.
        try (GetObjectResponse response = client.getObject(
                GetObjectArgs.builder().bucket(settings.bucket()).object(key).build())) {
            return response.readNBytes(maxBytes + 1);
        } catch (Exception e) {
            throw StoreErrors.classify("get '" + key + "'", settings.bucket(), key, e);
        }
    }

    /** The socket factory of the store's HTTP client (for tests: its sockets must have TCP_NODELAY). */
    SocketFactory socketFactory() {
        return http.socketFactory();
    }

    /** Shuts down OkHttp's dispatcher threads and evicts its pooled connections; idempotent. */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        http.dispatcher().cancelAll();
        dispatcherThreads.shutdown();
        http.connectionPool().evictAll();
        try {
            if (!dispatcherThreads.awaitTermination(1, TimeUnit.SECONDS)) {
                dispatcherThreads.shutdownNow();
            }
        } catch (InterruptedException e) {
            dispatcherThreads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "S3ImageStore[" + settings.endpoint() + "/" + settings.bucket() + "]";
    }

    private static void requireKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty() || key.startsWith("/")) {
            throw new IllegalArgumentException("object key must not be empty or start with '/': '" + key + "'");
        }
    }

}
