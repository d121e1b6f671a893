package io.sdfleet.worker.kafka;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Which Kafka client failures stop the worker. Decided by exception type only (never by message):
 * credentials or ACLs that are wrong, a broker too old for transactions, a static member id taken by
 * another process, or a producer whose state the client itself says is broken. Everything else (timeouts,
 * leader changes, rebalances, aborted or fenced transactions) is handled by rewinding and trying again.
 */
final class KafkaFailures {

    private KafkaFailures() {
    }

    static boolean isFatal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AuthenticationException || t instanceof AuthorizationException
                    || t instanceof UnsupportedVersionException || t instanceof FencedInstanceIdException
                    || t instanceof OutOfOrderSequenceException || t instanceof InvalidTxnStateException) {
                return true;
            }
        }
        return false;
    }
}
