package io.sdfleet.local.it.store;

import static io.sdfleet.local.it.store.StoreTestSupport.pngLike;
import static io.sdfleet.local.it.store.StoreTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.local.EmbeddedS3;
import io.sdfleet.worker.store.Backoff;
import io.sdfleet.worker.store.ObjectKeys;
import io.sdfleet.worker.store.Retrier;
import io.sdfleet.worker.store.S3ImageStore;
import io.sdfleet.worker.store.StoreRetriesExhaustedException;
import io.sdfleet.common.config.StoreSettings;
import io.sdfleet.worker.store.StoreUnavailableException;
import io.sdfleet.worker.store.StoredObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The store going away and coming back, on a private {@link EmbeddedS3} (so the shared stack's S3 is never
 * stopped under other tests): a stopped or silent server is "unavailable" within the request timeout, a
 * {@link Retrier} rides out an outage and gives up at its deadline or on interruption, and closing the store
 * leaves no thread behind.
 */
@Tag("integration")
@Tag("slow")
class S3ImageStoreOutageTest {

    private static final String BUCKET = "outage";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /** Scheduling slack on a loaded 2-core machine. */
    private static final Duration SLACK = Duration.ofSeconds(3);

    private static EmbeddedS3 s3;

    @BeforeAll
    static void startS3() {
        s3 = EmbeddedS3.start(EmbeddedS3.Settings.defaults());
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void closeS3() {
        if (s3 != null) {
            s3.close();
        }
    }

    private static StoreSettings settings(URI endpoint) {
        return StoreTestSupport.settings(endpoint, s3.accessKey(), s3.secretKey(), BUCKET,
                Map.of(StoreSettings.REQUEST_TIMEOUT.name(), REQUEST_TIMEOUT.toMillis() + "ms",
                        StoreSettings.CONNECT_TIMEOUT.name(), "1s"));
    }

    private static Retrier retrier(Duration deadline, List<Integer> retries) {
        return new Retrier(new Backoff(Duration.ofMillis(50), Duration.ofMillis(400), new Random(1)), deadline,
                Retrier.Sleeper.SYSTEM, System::nanoTime, (op, attempt, failure, delay) -> retries.add(attempt));
    }

    @Test
    void stoppedServerIsUnavailableAndARetrierRidesOutTheOutage() throws Exception {
        StoreSettings settings = settings(s3.endpoint());
        String key = ObjectKeys.imageKey(settings.prefix(), unique("job"), 0);
        byte[] before = pngLike(10, 2000);
        byte[] during = pngLike(11, 3000);
        try (S3ImageStore store = S3ImageStore.create(settings)) {
            store.ensureBucket();
            store.put(key, before, Map.of());
            s3.stop();
            try {
                long began = System.nanoTime();
                assertThrows(StoreUnavailableException.class, () -> store.put(key, during, Map.of()));
                Duration took = Duration.ofNanos(System.nanoTime() - began);
                assertTrue(took.compareTo(REQUEST_TIMEOUT.plus(SLACK)) < 0, "failed after " + took);

                List<Integer> retries = new CopyOnWriteArrayList<>();
                CompletableFuture<StoredObject> put = CompletableFuture.supplyAsync(() -> {
                    try {
                        return retrier(Duration.ofSeconds(60), retries).call("put " + key,
                                () -> store.put(key, during, Map.of("job-id", "outage")));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                awaitRetries(retries, 2);
                assertTrue(!put.isDone(), "no success while the store is down");
                s3.start();
                StoredObject stored = put.get(30, TimeUnit.SECONDS);
                assertEquals(during.length, stored.size());
                assertArrayEquals(during, store.get(key));
                assertTrue(retries.size() >= 2, "retried: " + retries);
            } finally {
                s3.start();
            }
        }
    }

    @Test
    void retrierGivesUpAtItsDeadlineWhileTheStoreStaysDown() throws Exception {
        StoreSettings settings = settings(s3.endpoint());
        String key = ObjectKeys.imageKey(settings.prefix(), unique("job"), 0);
        try (S3ImageStore store = S3ImageStore.create(settings)) {
            s3.stop();
            try {
                List<Integer> retries = new ArrayList<>();
                Duration deadline = Duration.ofSeconds(1);
                long began = System.nanoTime();
                StoreRetriesExhaustedException e = assertThrows(StoreRetriesExhaustedException.class,
                        () -> retrier(deadline, retries).call("put", () -> store.put(key, pngLike(12, 10), Map.of())));
                Duration took = Duration.ofNanos(System.nanoTime() - began);
                assertTrue(took.compareTo(deadline.plus(REQUEST_TIMEOUT).plus(SLACK)) < 0, "gave up after " + took);
                assertEquals(retries.size() + 1, e.attempts());
                assertInstanceOf(StoreUnavailableException.class, e.getCause());
            } finally {
                s3.start();
            }
        }
    }

    @Test
    void interruptionStopsARetrierPromptly() throws Exception {
        StoreSettings settings = settings(s3.endpoint());
        String key = ObjectKeys.imageKey(settings.prefix(), unique("job"), 0);
        try (S3ImageStore store = S3ImageStore.create(settings)) {
            s3.stop();
            try {
                List<Integer> retries = new CopyOnWriteArrayList<>();
                CompletableFuture<Throwable> outcome = new CompletableFuture<>();
                Thread storeThread = new Thread(() -> {
                    try {
                        retrier(Duration.ofMinutes(5), retries).call("put", () -> store.put(key, pngLike(13, 10),
                                Map.of()));
                        outcome.complete(null);
                    } catch (Throwable t) {
                        outcome.complete(t);
                    }
                }, "store-test");
                storeThread.start();
                awaitRetries(retries, 1);
                storeThread.interrupt();
                Throwable thrown = outcome.get(REQUEST_TIMEOUT.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
                assertInstanceOf(InterruptedException.class, thrown);
                storeThread.join(TimeUnit.SECONDS.toMillis(5));
            } finally {
                s3.start();
            }
        }
    }

    @Test
    void silentServerIsUnavailableWithinTheRequestTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // accept, read nothing, answer nothing
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            }, "silent-s3");
            acceptor.setDaemon(true);
            acceptor.start();
            StoreSettings settings = settings(URI.create("http://127.0.0.1:" + silent.getLocalPort()));
            try (S3ImageStore store = S3ImageStore.create(settings)) {
                long began = System.nanoTime();
                assertThrows(StoreUnavailableException.class,
                        () -> store.put(ObjectKeys.imageKey(settings.prefix(), "job-1", 0), pngLike(14, 100), Map.of()));
                Duration took = Duration.ofNanos(System.nanoTime() - began);
                assertTrue(took.compareTo(REQUEST_TIMEOUT.minus(Duration.ofMillis(100))) >= 0, "gave up early: " + took);
                assertTrue(took.compareTo(REQUEST_TIMEOUT.plus(SLACK)) < 0, "timed out after " + took);
            } finally {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    @Test
    void closeLeavesNoHttpThreadBehind() throws Exception {
        Set<Thread> before = StoreTestSupport.liveThreads();
        StoreSettings settings = settings(s3.endpoint());
        S3ImageStore store = S3ImageStore.create(settings);
        for (int i = 0; i < 4; i++) {
            store.put(ObjectKeys.imageKey(settings.prefix(), "job-" + i, 0), pngLike(20 + i, 500), Map.of());
        }
        List<String> started = StoreTestSupport.httpThreadsStartedSince(before);
        assertTrue(started.stream().anyMatch(n -> n.startsWith("sdfleet-s3-")),
                "calls run on the store's own threads: " + started);
        store.close();
        store.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!StoreTestSupport.httpThreadsStartedSince(before).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(List.of(), StoreTestSupport.httpThreadsStartedSince(before));
    }

    private static void awaitRetries(List<Integer> retries, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (retries.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + count + " retries: " + retries);
            }
            Thread.sleep(20);
        }
    }

}
