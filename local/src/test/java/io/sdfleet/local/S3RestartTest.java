package io.sdfleet.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import io.minio.MinioClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An S3 outage can be simulated: after {@link EmbeddedS3#stop()} a put fails with an I/O error (what the
 * worker's writer must treat as transient); after {@link EmbeddedS3#start()} the same endpoint works again
 * and the objects stored before the outage are still there. Runs for every kind of store.
 */
@Tag("integration")
class S3RestartTest {

    private static final String BUCKET = "restart";

    @ParameterizedTest
    @EnumSource(EmbeddedS3.Store.class)
    void stopFailsPutsAndStartServesEarlierObjects(EmbeddedS3.Store store, @TempDir Path folder) throws Exception {
        EmbeddedS3.Settings settings = store == EmbeddedS3.Store.FILESYSTEM
                ? EmbeddedS3.Settings.defaults().withFilesystem(folder.resolve("blobs"))
                : EmbeddedS3.Settings.defaults();
        try (EmbeddedS3 s3 = EmbeddedS3.start(settings)) {
            s3.createBucket(BUCKET);
            int port = s3.port();
            byte[] before = S3ObjectStoreTest.randomBytes(4000);
            try (MinioClient minio = TestClients.minio(s3)) {
                S3ObjectStoreTest.put(minio, BUCKET, "before/0.png", before, java.util.Map.of());

                s3.stop();
                assertFalse(s3.isRunning());
                assertThrows(IOException.class, () -> S3ObjectStoreTest.put(minio, BUCKET, "during/0.png",
                        S3ObjectStoreTest.randomBytes(10), java.util.Map.of()));

                s3.start();
                assertTrue(s3.isRunning());
                assertEquals(port, s3.port(), "same port after restart");
                assertArrayEquals(before, S3ObjectStoreTest.get(minio, BUCKET, "before/0.png"));
                byte[] after = S3ObjectStoreTest.randomBytes(4000);
                S3ObjectStoreTest.put(minio, BUCKET, "after/0.png", after, java.util.Map.of());
                assertArrayEquals(after, S3ObjectStoreTest.get(minio, BUCKET, "after/0.png"));
            }
        }
    }
}
