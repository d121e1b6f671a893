package io.sdfleet.worker.store;

import io.sdfleet.common.config.StoreSettings;
import java.util.Map;

/**
 * Where the worker puts its PNGs: one bucket, keys from {@link ObjectKeys}. Implementations are thread-safe
 * (the store pool calls {@link #put} from several threads at once) and keep no per-call state.
 *
 * <p>Every method throws a {@link StoreException} whose type says what to do: retry
 * ({@link StoreUnavailableException}), stop the process ({@link StoreConfigurationException}), fail the job
 * ({@link StoreRejectedException}), or the key is missing ({@link ObjectNotFoundException}). Methods do not
 * retry themselves; wrap them in a {@link Retrier}.
 *
 * <p>A put to an existing key overwrites it: a redelivered job replaces its own objects and never adds new
 * ones.
 */
public interface ImageStore extends AutoCloseable {

    /** The bucket this store writes to. */
    String bucket();

    /**
     * Makes sure the bucket exists; creates it when it is missing and creation is allowed. Call once at start,
     * before consuming.
     *
     * @throws StoreConfigurationException bad credentials, no permission, or the bucket is missing and
     *                                     {@link StoreSettings#CREATE_BUCKET} is false (the message names both)
     * @throws StoreUnavailableException   the store is not reachable (retry)
     */
    void ensureBucket() throws StoreException;

    /**
     * Stores a PNG under {@code key} with content type {@code image/png}, overwriting any object there.
     *
     * <p>The user metadata gets {@value ObjectMetadata#SHA256_KEY} (hex SHA-256 of {@code png}, computed here)
     * added; the other entries are encoded by {@link ObjectMetadata} (non-ASCII values as RFC 2047 encoded
     * words, the whole kept under S3's 2 KB limit by truncating the longest values with a marker).
     *
     * @param userMetadata keys of lower-case letters, digits and '-'; iteration order is kept on the wire
     * @return what was stored (the metadata as {@link #stat} will return it, i.e. truncated where needed)
     * @throws IllegalArgumentException bad key or metadata key (a programming error)
     */
    StoredObject put(String key, byte[] png, Map<String, String> userMetadata) throws StoreException;

    /**
     * A presigned GET URL for {@code key}, valid for {@link StoreSettings#PRESIGN_EXPIRY}. Computed locally
     * (no request is made); whoever holds it can read the object until it expires.
     */
    String presignedGetUrl(String key) throws StoreException;

    /** Size, content type and decoded user metadata of {@code key}. */
    StoredObject stat(String key) throws StoreException;

    /** The whole object (for tests, the demo and replay checks; images are small). */
    byte[] get(String key) throws StoreException;

    /**
     * At most {@code maxBytes + 1} bytes of the object: all of it when it is not larger than {@code maxBytes},
     * else one byte more than allowed, which tells the caller to refuse it without holding a huge object in
     * memory. For the pictures jobs start from, whose size the job's author controls.
     *
     * @throws ObjectNotFoundException no such key
     */
    byte[] get(String key, int maxBytes) throws StoreException;

    /**
     * Releases connections and threads; idempotent. Calls in progress may fail with
     * {@link StoreUnavailableException}.
     */
    @Override
    void close();
}
