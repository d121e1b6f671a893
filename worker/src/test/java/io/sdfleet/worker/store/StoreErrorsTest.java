package io.sdfleet.worker.store;

import io.sdfleet.common.config.StoreSettings;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.InvalidKeyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StoreErrorsTest {

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @ParameterizedTest(name = "{0} / HTTP {1} on key {2} -> {3}")
    @CsvSource(nullValues = "null", value = {
            "SlowDown, 503, k, StoreUnavailableException",
            "InternalError, 500, k, StoreUnavailableException",
            "ServiceUnavailable, 503, null, StoreUnavailableException",
            "RequestTimeout, 400, k, StoreUnavailableException",
            "null, 502, k, StoreUnavailableException",
            "null, 429, k, StoreUnavailableException",
            "InvalidAccessKeyId, 403, null, StoreConfigurationException",
            "SignatureDoesNotMatch, 403, k, StoreConfigurationException",
            "AccessDenied, 403, k, StoreConfigurationException",
            "null, 403, null, StoreConfigurationException",
            "AuthorizationHeaderMalformed, 400, null, StoreConfigurationException",
            "NoSuchBucket, 404, k, StoreConfigurationException",
            "NoSuchKey, 404, k, ObjectNotFoundException",
            "null, 404, k, ObjectNotFoundException",
            "EntityTooLarge, 400, k, StoreRejectedException",
            "InvalidArgument, 400, k, StoreRejectedException"})
    void classifiesByCodeAndStatus(String code, int status, String key, String expected) {
        StoreException e = StoreErrors.byCode("op", "bucket", key, code, status, null);
        assertTrue(e.getClass().getSimpleName().equals(expected), e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    @Test
    void configurationMessagesNameTheSetting() {
        assertTrue(StoreErrors.byCode("op", "b", null, "SignatureDoesNotMatch", 403, null).getMessage()
                .contains(StoreSettings.SECRET_KEY.name()));
        assertTrue(StoreErrors.byCode("op", "b", null, "InvalidAccessKeyId", 403, null).getMessage()
                .contains(StoreSettings.ACCESS_KEY.name()));
        assertTrue(StoreErrors.byCode("op", "bkt", "k", "NoSuchBucket", 404, null).getMessage().contains("'bkt'"));
    }

    @Test
    void ioFailuresAreTransient() {
        for (IOException io : new IOException[] {new ConnectException("refused"), new SocketTimeoutException("t"),
                new UnknownHostException("minio"), new IOException("reset")}) {
            StoreException e = StoreErrors.classify("put", "b", "k", io);
            assertInstanceOf(StoreUnavailableException.class, e);
            assertSame(io, e.getCause());
        }
    }

    @Test
    void missingCryptoIsFatal() {
        assertInstanceOf(StoreConfigurationException.class,
                StoreErrors.classify("put", "b", "k", new InvalidKeyException("no HMAC")));
    }

    @Test
    void interruptedWaitIsTransientWithTheFlagSetAgain() {
        RuntimeException wrapped = new RuntimeException(new InterruptedException());
        StoreException e = StoreErrors.classify("put", "b", "k", wrapped);
        assertInstanceOf(StoreUnavailableException.class, e);
        assertTrue(Thread.currentThread().isInterrupted());
    }

    @Test
    void programmingErrorsAreNotHidden() {
        IllegalArgumentException bug = new IllegalArgumentException("bad object name");
        assertSame(bug, assertThrows(IllegalArgumentException.class, () -> StoreErrors.classify("put", "b", "k", bug)));
    }
}
