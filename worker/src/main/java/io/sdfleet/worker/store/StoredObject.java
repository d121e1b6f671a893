package io.sdfleet.worker.store;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.Collections;

/**
 * One object as the store holds it.
 *
 * @param bucket       bucket name
 * @param key          object key ({@link ObjectKeys#imageKey})
 * @param size         size in bytes
 * @param sha256       lower-case hex SHA-256 of the bytes, from the {@value ObjectMetadata#SHA256_KEY} user
 *                     metadata written by {@link ImageStore#put}; null for objects sdfleet did not write
 * @param contentType  the object's content type, e.g. {@code image/png}
 * @param userMetadata user metadata, keys lower-case without the {@code x-amz-meta-} prefix, values decoded
 *                     ({@link ObjectMetadata}); sorted, unmodifiable
 */
public record StoredObject(String bucket, String key, long size, String sha256, String contentType,
        Map<String, String> userMetadata) {

    public StoredObject {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        userMetadata = userMetadata == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(userMetadata));
    }
}
