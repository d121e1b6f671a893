package io.sdfleet.producer;

import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.ObjectReference;
import io.sdfleet.common.config.StoreSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Uploads the local pictures of img2img and inpainting requests ({@link JobRequest.Builder#initImage(Path)}) to
 * the fleet's input prefix, content-addressed as {@code <inputPrefix>/<sha256>.<png|jpg>}: the same file is
 * stored once however often it is submitted, and a replayed request finds the same bytes under its key. An
 * object already there with the same size is not uploaded again (its name is its content's hash).
 *
 * <p>Only a request with local pictures needs the object store; without {@link StoreSettings} every such
 * request fails here with {@link PictureUploadException}, before anything is sent. Thread-safe.
 */
final class PictureUploads implements AutoCloseable {

    /** PNG's and JPEG's first bytes: the extension is taken from the content, not from the file name. */
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

    private final StoreSettings store;
    private final MinioClient client;

    /** @param store the fleet's object store, or null when none is configured */
    PictureUploads(StoreSettings store) {
        this.store = store;
        this.client = store == null ? null : MinioClient.builder().endpoint(store.endpoint())
                .credentials(store.accessKey(), store.secretKey()).region(store.region()).build();
        if (client != null) {
            long connect = store.connectTimeout().toMillis();
            long request = store.requestTimeout().toMillis();
            client.setTimeout(connect, request, request);
        }
    }

    /** The request with each local picture replaced by the reference of its uploaded copy. */
    JobRequest resolve(JobRequest request) {
        if (!hasLocalPictures(request)) {
            return request;
        }
        return request.toBuilder().schema(null).initImage(upload(request.initImage(), "initImage"))
                .maskImage(upload(request.maskImage(), "maskImage")).build();
    }

    /**
     * The request with each local picture replaced by a stand-in reference of the uploaded one's shape (the
     * input prefix, a sha256's length, an extension), for the checks that need no bytes (every other field, the
     * routing, the model check): they run before anything is uploaded, so a request that would be refused
     * leaves no object in the store.
     */
    JobRequest withStandIns(JobRequest request) {
        if (!hasLocalPictures(request)) {
            return request;
        }
        return request.toBuilder().schema(null).initImage(standIn(request.initImage()))
                .maskImage(standIn(request.maskImage())).build();
    }

    /** Whether the request names a local picture still to be uploaded. */
    static boolean hasLocalPictures(JobRequest request) {
        return request != null && (hasLocal(request.initImage()) || hasLocal(request.maskImage()));
    }

    private ObjectReference standIn(ObjectReference ref) {
        String zeros = "0".repeat(64);
        String prefix = store == null ? "inputs" : store.inputPrefix();
        return hasLocal(ref) ? new ObjectReference(prefix + "/" + zeros + ".png", zeros) : ref;
    }

    /**
     * Refuses at once a request with a local picture when no object store is configured: a configuration
     * error, reported before the route is checked (which may wait for the fleet catalog or a broker).
     */
    void requireStoreFor(JobRequest request) {
        if (store != null || request == null) {
            return;
        }
        if (hasLocal(request.initImage())) {
            throw noStore("initImage", request.initImage().localPath());
        }
        if (hasLocal(request.maskImage())) {
            throw noStore("maskImage", request.maskImage().localPath());
        }
    }

    private static PictureUploadException noStore(String field, Path file) {
        return new PictureUploadException(field + " is the local file " + file + ", and no object store is"
                + " configured to upload it to: set " + StoreSettings.ENDPOINT.name() + " (and "
                + StoreSettings.BUCKET.name() + ", " + StoreSettings.ACCESS_KEY.name() + ", "
                + StoreSettings.SECRET_KEY.name() + ") to the fleet's S3 store; nothing was sent");
    }

    private static boolean hasLocal(ObjectReference ref) {
        return ref != null && ref.namesLocalFile();
    }

    private ObjectReference upload(ObjectReference ref, String field) {
        if (!hasLocal(ref)) {
            return ref;
        }
        Path file = ref.localPath();
        if (store == null) {
            throw noStore(field, file);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PictureUploadException(field + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        String extension = startsWith(bytes, PNG) ? "png" : startsWith(bytes, JPEG) ? "jpg" : null;
        if (extension == null) {
            throw new PictureUploadException(field + ": " + file + " is neither a PNG nor a JPEG (by its first"
                    + " bytes); nothing was sent");
        }
        String sha256 = ObjectReference.sha256Hex(bytes);
        String key = store.inputPrefix() + "/" + sha256 + "." + extension;
        try {
            if (!exists(key, bytes.length)) {
                if (!client.bucketExists(BucketExistsArgs.builder().bucket(store.bucket()).build())) {
                    throw new PictureUploadException("bucket " + store.bucket() + " does not exist at "
                            + store.endpoint() + " (" + StoreSettings.BUCKET.name() + "); nothing was sent");
                }
                client.putObject(PutObjectArgs.builder().bucket(store.bucket()).object(key)
                        .contentType(extension.equals("png") ? "image/png" : "image/jpeg")
                        .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
            }
        } catch (PictureUploadException e) {
            throw e;
        } catch (Exception e) {
            throw new PictureUploadException(field + ": uploading " + file + " to " + store.endpoint() + "/"
                    + store.bucket() + "/" + key + " failed: " + e + "; nothing was sent", e);
        }
        return new ObjectReference(key, sha256);
    }

    private boolean exists(String key, long size) throws Exception {
        try {
            StatObjectResponse stat = client.statObject(StatObjectArgs.builder().bucket(store.bucket()).object(key)
                    .build());
            return stat.size() == size;
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            if ("NoSuchKey".equals(code) || "NoSuchObject".equals(code) || "NotFound".equals(code)) {
                return false;
            }
            throw e;
        }
    }

    private static boolean startsWith(byte[] bytes, byte[] magic) {
        if (bytes.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (bytes[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (client != null) {
            try {
                client.close();
            } catch (Exception e) {
                // Only the HTTP client's idle connections are released here; nothing to report.
            }
        }
    }
}
