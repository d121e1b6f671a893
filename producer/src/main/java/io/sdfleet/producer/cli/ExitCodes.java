package io.sdfleet.producer.cli;

/**
 * Exit codes of the {@code sdfleet} command; part of its public interface (scripts branch on them), so
 * never renumber one. Listed in the usage help of every command.
 */
public final class ExitCodes {

    /** Everything asked for was done. */
    public static final int OK = 0;
    /** Some input lines were invalid, some jobs could not be sent, or some jobs completed FAILED/EXPIRED. */
    public static final int SOME_FAILED = 1;
    /** Bad arguments, an invalid request or bad configuration; nothing was sent. */
    public static final int USAGE = 2;
    /** No Kafka broker reachable (or no acknowledgement) within the bound. */
    public static final int KAFKA_UNAVAILABLE = 3;
    /** {@code --wait} (or {@code watch --max} with {@code --timeout}) ran out of time. */
    public static final int WAIT_TIMED_OUT = 4;

    /** The same list, as picocli's {@code exitCodeList} entries (key:description). */
    static final String[] USAGE_LIST = {
        "0:ok",
        "1:some input lines invalid, some jobs not sent, or some jobs FAILED/EXPIRED",
        "2:usage error, invalid request or bad configuration (nothing sent)",
        "3:Kafka broker unreachable or not acknowledging within the bound",
        "4:--wait / --timeout ran out before the completions arrived",
    };

    private ExitCodes() {
    }
}
