package io.sdfleet.worker.store;

import io.sdfleet.common.config.StoreSettings;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.InsufficientDataException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import io.minio.errors.XmlParserException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Set;

/**
 * Turns what the MinIO client throws into the {@link StoreException} that says what to do. The one place
 * that knows S3 error codes; by the code and HTTP status, never by message text.
 *
 * <ul>
 *   <li>Retry ({@link StoreUnavailableException}): any IOException (refused, reset, timeout, unknown host — DNS
 *       in a cluster recovers), HTTP 5xx and 429, the codes in {@link #RETRIABLE_CODES}, a response that is not
 *       S3 XML (a proxy's error page), a body cut short, an interrupted wait.</li>
 *   <li>Stop ({@link StoreConfigurationException}): 401/403 and the codes in {@link #CONFIGURATION_CODES}
 *       (credentials, permission, region, bucket missing or not ours), a JVM without HMAC-SHA256.</li>
 *   <li>Not found ({@link ObjectNotFoundException}): NoSuchKey/NoSuchObject, or 404 on an object HEAD.</li>
 *   <li>Fail the job ({@link StoreRejectedException}): any other 4xx.</li>
 * </ul>
 */
final class StoreErrors {

    /** S3 and MinIO codes that mean "try again later". */
    static final Set<String> RETRIABLE_CODES = Set.of("SlowDown", "ServiceUnavailable", "InternalError",
            "RequestTimeout", "OperationAborted", "RequestTimeoutException", "ServiceUnavailableException",
            "ThrottlingException", "Throttling", "XMinioServerNotInitialized", "XMinioStorageFull",
            "XMinioBackendDown", "XMinioReadQuorum", "XMinioWriteQuorum");

    /** S3 codes only the operator can fix. */
    static final Set<String> CONFIGURATION_CODES = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch",
            "AccessDenied", "AllAccessDisabled", "AccountProblem", "InvalidToken", "ExpiredToken", "InvalidSecurity",
            "AuthorizationHeaderMalformed", "InvalidRegion", "IllegalLocationConstraintException", "PermanentRedirect",
            "InvalidBucketName", "NoSuchBucket", "BucketAlreadyExists", "RequestTimeTooSkewed", "MethodNotAllowed",
            "NotImplemented");

    private static final Set<String> NOT_FOUND_CODES = Set.of("NoSuchKey", "NoSuchObject", "NoSuchVersion");

    private StoreErrors() {
    }

    /**
     * @param operation what was attempted, for the message
     * @param key       object key, or null for a bucket operation
     */
    static StoreException classify(String operation, String bucket, String key, Exception e) {
        if (e instanceof ErrorResponseException err) {
            String code = err.errorResponse() == null ? null : err.errorResponse().code();
            int status = err.response() == null ? 0 : err.response().code();
            return byCode(operation, bucket, key, code, status, e);
        }
        if (e instanceof ServerException server) {
            return server.statusCode() == 429 || server.statusCode() >= 500
                    ? unavailable(operation, "HTTP " + server.statusCode(), e)
                    : new StoreRejectedException(operation + " failed: HTTP " + server.statusCode(), e);
        }
        if (e instanceof InvalidResponseException || e instanceof XmlParserException
                || e instanceof InsufficientDataException || e instanceof IOException) {
            return unavailable(operation, e.toString(), e);
        }
        if (e instanceof GeneralSecurityException) {
            return new StoreConfigurationException(operation + " failed: this JVM cannot sign S3 requests (" + e
                    + ")", e);
        }
        if (e instanceof RuntimeException && e.getCause() instanceof InterruptedException) {
            // The MinIO client turns an interrupted wait into RuntimeException(InterruptedException) and clears
            // the flag; set it again so that the caller (a Retrier) sees the shutdown.
            Thread.currentThread().interrupt();
            return new StoreUnavailableException(operation + " interrupted", e.getCause());
        }
        if (e instanceof RuntimeException runtime) {
            throw runtime; // a bug (bad argument), not a store failure
        }
        // InternalException and whatever else the client declares: a client-side failure we do not know.
        return new StoreRejectedException(operation + " failed: " + e, e);
    }

    /** Whether a make-bucket failure only says that we already own the bucket (a concurrent worker made it). */
    static boolean isAlreadyOwnedByUs(Exception e) {
        return e instanceof ErrorResponseException err && err.errorResponse() != null
                && "BucketAlreadyOwnedByYou".equals(err.errorResponse().code());
    }

    static StoreException byCode(String operation, String bucket, String key, String code, int status,
            Exception cause) {
        String what = operation + " failed: " + (code == null ? "" : code + ", ") + "HTTP " + status;
        if (code != null && NOT_FOUND_CODES.contains(code) || code == null && status == 404 && key != null) {
            return new ObjectNotFoundException(bucket, key, cause);
        }
        if (code != null && RETRIABLE_CODES.contains(code) || status == 429 || status >= 500) {
            return unavailable(operation, (code == null ? "" : code + ", ") + "HTTP " + status, cause);
        }
        if (code != null && CONFIGURATION_CODES.contains(code) || status == 401 || status == 403) {
            return new StoreConfigurationException(what + configurationHint(code, bucket), cause);
        }
        return new StoreRejectedException(what, cause);
    }

    private static StoreUnavailableException unavailable(String operation, String detail, Exception cause) {
        return new StoreUnavailableException(operation + ": store unavailable (" + detail + ")", cause);
    }

    private static String configurationHint(String code, String bucket) {
        if (code == null) {
            return "; check " + StoreSettings.ACCESS_KEY.name() + ", " + StoreSettings.SECRET_KEY.name()
                    + " and the permissions on bucket '" + bucket + "'";
        }
        switch (code) {
            case "InvalidAccessKeyId":
                return "; the store does not know " + StoreSettings.ACCESS_KEY.name();
            case "SignatureDoesNotMatch":
                return "; " + StoreSettings.SECRET_KEY.name() + " is wrong for " + StoreSettings.ACCESS_KEY.name();
            case "AuthorizationHeaderMalformed":
            case "InvalidRegion":
            case "IllegalLocationConstraintException":
            case "PermanentRedirect":
                return "; check " + StoreSettings.REGION.name() + " and " + StoreSettings.ENDPOINT.name();
            case "NoSuchBucket":
                return "; bucket '" + bucket + "' does not exist (deleted?), check " + StoreSettings.BUCKET.name();
            case "BucketAlreadyExists":
                return "; bucket '" + bucket + "' belongs to another account, choose another "
                        + StoreSettings.BUCKET.name();
            case "RequestTimeTooSkewed":
                return "; this host's clock is off, sync it (NTP)";
            default:
                return "; check " + StoreSettings.ACCESS_KEY.name() + ", " + StoreSettings.SECRET_KEY.name()
                        + " and the permissions on bucket '" + bucket + "'";
        }
    }
}
