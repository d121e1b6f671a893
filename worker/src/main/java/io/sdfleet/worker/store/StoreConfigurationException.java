package io.sdfleet.worker.store;

import io.sdfleet.common.config.StoreSettings;
/**
 * The store refused us for a reason only the operator can fix: wrong access key or secret
 * ({@code InvalidAccessKeyId}, {@code SignatureDoesNotMatch}), no permission ({@code AccessDenied}), wrong
 * region, the bucket missing while {@link StoreSettings#CREATE_BUCKET} forbids creating it, or owned by
 * someone else. Fatal: stop the process (at start: before consuming anything); retrying cannot help.
 * The message names the bucket and the setting to look at; it never contains the secret.
 */
public class StoreConfigurationException extends StoreException {

    private static final long serialVersionUID = 1L;

    public StoreConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
