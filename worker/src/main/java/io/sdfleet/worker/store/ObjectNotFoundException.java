package io.sdfleet.worker.store;

/**
 * {@link ImageStore#stat} or {@link ImageStore#get} of a key that does not exist. Not retriable. (A put into
 * a bucket that has disappeared is a {@link StoreConfigurationException}, not this.)
 */
public class ObjectNotFoundException extends StoreException {

    private static final long serialVersionUID = 1L;

    private final String bucket;
    private final String key;

    public ObjectNotFoundException(String bucket, String key, Throwable cause) {
        super("no object '" + key + "' in bucket '" + bucket + "'", cause);
        this.bucket = bucket;
        this.key = key;
    }

    public String bucket() {
        return bucket;
    }

    public String key() {
        return key;
    }
}
