package io.sdfleet.common;

import static io.sdfleet.common.JobRequestLimits.MAX_JOB_ID_CHARS;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule for job ids (and {@code regenerationOf}), which is also the rule for the object keys built from
 * them ({@code <prefix>/<jobId>/<index>.png}): 1..{@value JobRequestLimits#MAX_JOB_ID_CHARS} characters of
 * {@code [A-Za-z0-9._:-]}, not starting with '.' and never two dots in a row.
 *
 * <p>Why the dot rules: an id such as {@code ..} or {@code a..b} would make a key segment that S3 clients and
 * servers may resolve as a parent folder, and {@code .hidden} a hidden one; the worker refuses to build such
 * keys, so the contract refuses such ids at intake (DLQ, {@code INVALID_FIELDS}) instead of running the job and
 * failing it afterwards. Pure and stateless.
 */
public final class JobIds {

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._:-]+");

    private JobIds() {
    }

    /** What is wrong with {@code id}, or empty when it is a valid job id. */
    public static Optional<String> problem(String id) {
        if (id.isEmpty()) {
            return Optional.of("must not be empty");
        }
        if (id.length() > MAX_JOB_ID_CHARS) {
            return Optional.of(Messages.tooLong(Messages.length(id), MAX_JOB_ID_CHARS));
        }
        if (!ALLOWED.matcher(id).matches()) {
            int bad = id.codePoints()
                    .filter(c -> !(c < 128 && (Character.isLetterOrDigit(c) || ".-_:".indexOf(c) >= 0)))
                    .findFirst().orElse('?');
            return Optional.of(String.format(
                    "contains '%s' (U+%04X); only letters A-Z a-z, digits and . _ : - are allowed",
                    new String(Character.toChars(bad)), bad));
        }
        if (id.startsWith(".")) {
            return Optional.of("must not start with '.' (it is a folder name in the image keys)");
        }
        if (id.contains("..")) {
            return Optional.of("must not contain '..' (it is a folder name in the image keys)");
        }
        return Optional.empty();
    }

    /** True when {@code id} is a valid job id. */
    public static boolean isValid(String id) {
        return id != null && problem(id).isEmpty();
    }
}
