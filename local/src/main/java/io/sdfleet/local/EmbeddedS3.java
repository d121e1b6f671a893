package io.sdfleet.local;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.apis.ApiMetadata;
import org.jclouds.blobstore.TransientApiMetadata;
import org.jclouds.filesystem.FilesystemApiMetadata;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;
import org.jclouds.logging.slf4j.config.SLF4JLoggingModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An S3-compatible server inside this JVM: S3Proxy in front of a jclouds blob store, on loopback, with
 * AWS signature V2 or V4 authentication against one access key / secret key pair.
 *
 * <p>Invariant: the blob store and the port outlive {@link #stop()}. The HTTP server can be stopped and
 * started again ({@link #stop()}, {@link #start()}) on the same port and with the same objects, so that
 * a test can take "S3" away for a while (a fault) and give it back. Only {@link #close()} releases the
 * store; for an in-memory store that is when the objects are gone.
 *
 * <p>Threads: S3Proxy serves requests on its own Jetty threads; the lifecycle methods are synchronized
 * and may be called from any thread.
 *
 * <p>Failure: a server that cannot bind or start raises {@link EmbeddedStackException}.
 */
public final class EmbeddedS3 implements AutoCloseable {

    /** Where the objects live. */
    public enum Store {
        /** In memory (jclouds {@code transient}); gone on {@link #close()}. The default. */
        TRANSIENT,
        /**
         * Files under a folder (jclouds {@code filesystem}). Note: its recursive listings also show
         * zero-byte "folder/" placeholders for every key prefix that contains a '/'.
         */
        FILESYSTEM
    }

    /** Default access key of the embedded server (not a secret: the server only listens on loopback). */
    public static final String DEFAULT_ACCESS_KEY = "sdfleet-local";
    /** Default secret key of the embedded server. */
    public static final String DEFAULT_SECRET_KEY = "sdfleet-local-secret";

    /**
     * How to run the server.
     *
     * @param port      loopback port; 0 picks a free one at the first start (and keeps it for restarts)
     *                  from below the ephemeral range, so that no outgoing connection can take it while
     *                  the server is stopped
     * @param store     where the objects live
     * @param directory for {@link Store#FILESYSTEM}: the folder (kept on close); {@code null} means a
     *                  temporary folder deleted on close. Must be {@code null} for {@link Store#TRANSIENT}.
     * @param accessKey the access key clients sign with
     * @param secretKey the secret key clients sign with
     */
    public record Settings(int port, Store store, Path directory, String accessKey, String secretKey) {

        public Settings {
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(accessKey, "accessKey");
            Objects.requireNonNull(secretKey, "secretKey");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("S3 port must be 0..65535, was " + port);
            }
            if (store == Store.TRANSIENT && directory != null) {
                throw new IllegalArgumentException("a TRANSIENT store takes no directory, got " + directory);
            }
            if (accessKey.isBlank() || secretKey.isBlank()) {
                throw new IllegalArgumentException("access key and secret key must not be blank");
            }
        }

        /** In memory, free port, default keys. */
        public static Settings defaults() {
            return new Settings(0, Store.TRANSIENT, null, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY);
        }

        public Settings withPort(int newPort) {
            return new Settings(newPort, store, directory, accessKey, secretKey);
        }

        /** Files under {@code folder}, or under a temporary folder when {@code folder} is null. */
        public Settings withFilesystem(Path folder) {
            return new Settings(port, Store.FILESYSTEM, folder, accessKey, secretKey);
        }

        public Settings withKeys(String newAccessKey, String newSecretKey) {
            return new Settings(port, store, directory, newAccessKey, newSecretKey);
        }
    }

    /** Attempts to start when the port is chosen here (each attempt takes a fresh port). */
    static final int START_ATTEMPTS_WITH_FREE_PORT = 3;

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3.class);

    private final Settings settings;
    private final BlobStoreContext context;
    private final Path temporaryFolder;
    private int port;
    private S3Proxy proxy;
    private boolean closed;

    private EmbeddedS3(Settings settings, BlobStoreContext context, Path temporaryFolder) {
        this.settings = settings;
        this.context = context;
        this.temporaryFolder = temporaryFolder;
        this.port = settings.port();
    }

    /** Creates the blob store and starts the server. */
    public static EmbeddedS3 start(Settings settings) {
        long began = System.nanoTime();
        Path temporaryFolder = null;
        Path folder = settings.directory();
        if (settings.store() == Store.FILESYSTEM && folder == null) {
            temporaryFolder = TempDirectories.create("sdfleet-s3-");
            folder = temporaryFolder;
        }
        BlobStoreContext context;
        try {
            context = openStore(settings, folder);
        } catch (RuntimeException e) {
            TempDirectories.deleteQuietly(temporaryFolder);
            throw e;
        }
        EmbeddedS3 s3 = new EmbeddedS3(settings, context, temporaryFolder);
        LOG.debug("jclouds {} blob store opened in {} ms", settings.store(),
                Duration.ofNanos(System.nanoTime() - began).toMillis());
        // A port chosen here may be taken by another process before Jetty binds it: then try another.
        int attempts = settings.port() == 0 ? START_ATTEMPTS_WITH_FREE_PORT : 1;
        EmbeddedStackException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                s3.bindTo(LoopbackPorts.orFree(settings.port()));
                s3.start();
                return s3;
            } catch (EmbeddedStackException e) {
                last = e;
                LOG.debug("S3 start attempt {} of {} failed", attempt, attempts, e);
            }
        }
        s3.close();
        throw last;
    }

    private synchronized void bindTo(int newPort) {
        this.port = newPort;
    }

    private static BlobStoreContext openStore(Settings settings, Path folder) {
        Properties overrides = new Properties();
        // The API metadata is given as an object rather than a provider name: naming it would make jclouds
        // scan every provider on the class path first (s3proxy brings them all), a second of start-up.
        ApiMetadata api = new TransientApiMetadata();
        if (settings.store() == Store.FILESYSTEM) {
            api = new FilesystemApiMetadata();
            try {
                Files.createDirectories(folder);
            } catch (java.io.IOException e) {
                throw new EmbeddedStackException("cannot create the S3 store folder " + folder, e);
            }
            overrides.setProperty(FilesystemConstants.PROPERTY_BASEDIR, folder.toAbsolutePath().toString());
        }
        try {
            return ContextBuilder.newBuilder(api)
                    .credentials(settings.accessKey(), settings.secretKey())
                    .overrides(overrides)
                    .modules(List.of(new SLF4JLoggingModule()))
                    .build(BlobStoreContext.class);
        } catch (RuntimeException e) {
            throw new EmbeddedStackException("cannot open the jclouds " + api.getId() + " blob store", e);
        }
    }

    /**
     * Starts the HTTP server if it is not running: on the configured port at the first start, on the same
     * port afterwards. The objects stored before a {@link #stop()} are served again.
     *
     * @throws EmbeddedStackException when the server cannot start (port taken, closed instance)
     */
    public synchronized void start() {
        if (closed) {
            throw new EmbeddedStackException("EmbeddedS3 is closed");
        }
        if (proxy != null) {
            return;
        }
        long began = System.nanoTime();
        S3Proxy candidate = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://" + LoopbackPorts.LOOPBACK_HOST + ":" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, settings.accessKey(), settings.secretKey())
                .build();
        try {
            candidate.start();
        } catch (Exception e) {
            stopQuietly(candidate);
            throw new EmbeddedStackException("S3 server did not start on " + LoopbackPorts.LOOPBACK_HOST + ":"
                    + port, e);
        }
        port = candidate.getPort();
        proxy = candidate;
        LOG.debug("S3 server ({}) ready on port {} in {} ms", settings.store(), port,
                Duration.ofNanos(System.nanoTime() - began).toMillis());
    }

    /**
     * Stops the HTTP server and frees its port; requests fail (connection refused) until {@link #start()}.
     * Stored objects are kept. No-op when already stopped.
     */
    public synchronized void stop() {
        if (proxy == null) {
            return;
        }
        S3Proxy stopping = proxy;
        proxy = null;
        try {
            stopping.stop();
        } catch (Exception e) {
            throw new EmbeddedStackException("S3 server on port " + port + " did not stop", e);
        }
        LOG.debug("S3 server on port {} stopped", port);
    }

    /** Whether the HTTP server is currently serving. */
    public synchronized boolean isRunning() {
        return proxy != null;
    }

    /** Creates a bucket if it does not exist yet (directly in the store, not over HTTP). */
    public void createBucket(String bucket) {
        Objects.requireNonNull(bucket, "bucket");
        BlobStore store = context.getBlobStore();
        try {
            store.createContainerInLocation(null, bucket);
        } catch (RuntimeException e) {
            throw new EmbeddedStackException("cannot create bucket " + bucket, e);
        }
        if (!store.containerExists(bucket)) {
            throw new EmbeddedStackException("bucket " + bucket + " does not exist after its creation");
        }
    }

    /** {@code http://127.0.0.1:<port>}: path-style S3 endpoint. */
    public synchronized URI endpoint() {
        return URI.create("http://" + LoopbackPorts.LOOPBACK_HOST + ":" + port);
    }

    /** The port, the same across {@link #stop()} and {@link #start()}. */
    public synchronized int port() {
        return port;
    }

    public String accessKey() {
        return settings.accessKey();
    }

    public String secretKey() {
        return settings.secretKey();
    }

    public Store store() {
        return settings.store();
    }

    /** Stops the server, closes the store and deletes a temporary store folder. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            stop();
        } finally {
            closed = true;
            context.close();
            TempDirectories.deleteQuietly(temporaryFolder);
        }
    }

    private static void stopQuietly(S3Proxy proxy) {
        try {
            proxy.stop();
        } catch (Exception e) {
            LOG.debug("S3 server did not stop cleanly after a failed start", e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedS3[" + settings.store() + " " + endpoint() + "]";
    }
}
