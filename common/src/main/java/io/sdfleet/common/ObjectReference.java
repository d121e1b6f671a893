package io.sdfleet.common;

import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A picture a job starts from: an object in the fleet's own bucket, named by key and pinned by content.
 *
 * <p>Why a reference and never inline bytes: a 512x512 PNG is a few hundred KiB, Kafka records stay small
 * (at most {@link JobRequestLimits#MAX_RECORD_BYTES}), and a replayed request must make the same image, which
 * the sha256 guarantees even if someone overwrites the object (the worker refuses a mismatch with
 * {@link ErrorCode#INIT_IMAGE_MISMATCH} instead of drawing from other bytes). The bucket is not part of the
 * reference: a worker reads only its configured bucket, under its configured input prefix.
 *
 * @param key    object key, 1..{@value JobRequestLimits#MAX_INPUT_KEY_CHARS} characters of
 *               {@code [A-Za-z0-9._/-]}, segments separated by '/', none empty and none starting with '.'
 * @param sha256 lower-case hex SHA-256 of the object's bytes (64 characters)
 */
public record ObjectReference(String key, String sha256) {

    private static final Pattern KEY_CHARS = Pattern.compile("[A-Za-z0-9._/-]+");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /**
     * Key prefix of a reference to a file on the caller's machine, not yet uploaded: the producer library
     * uploads it before sending and puts the real reference in its place. Such a key is never valid on the
     * wire (':' is outside the key characters), so a request that skipped the upload is refused, not sent.
     */
    public static final String LOCAL_FILE = "file:";

    /** A picture on this machine for the producer library to upload ({@link #LOCAL_FILE}). */
    public static ObjectReference localFile(java.nio.file.Path file) {
        return new ObjectReference(LOCAL_FILE + file.toAbsolutePath().normalize(), null);
    }

    /** Whether this names a local file still to be uploaded (not "isLocalFile": JSON binding would write it). */
    public boolean namesLocalFile() {
        return key != null && key.startsWith(LOCAL_FILE);
    }

    /** The local file of a {@link #localFile} reference. */
    public java.nio.file.Path localPath() {
        if (!namesLocalFile()) {
            throw new IllegalStateException(key + " is not a local file reference");
        }
        return java.nio.file.Path.of(key.substring(LOCAL_FILE.length()));
    }

    /** A reference to {@code key} whose content is {@code bytes}. */
    public static ObjectReference of(String key, byte[] bytes) {
        return new ObjectReference(key, sha256Hex(bytes));
    }

    /** Lower-case hex SHA-256 of the bytes. */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Why the key is not acceptable as a key, or empty. Does not look at any prefix. */
    public static Optional<String> keyProblem(String key) {
        if (key == null || key.isEmpty()) {
            return Optional.of("key is required");
        }
        if (key.startsWith(LOCAL_FILE)) {
            return Optional.of("names the local file " + Messages.quote(key.substring(LOCAL_FILE.length()))
                    + ", which was not uploaded: submit it with the producer library (SdfleetProducer), which"
                    + " uploads it to the fleet's object store first");
        }
        if (key.length() > JobRequestLimits.MAX_INPUT_KEY_CHARS) {
            return Optional.of("key " + Messages.tooLong(key.length(), JobRequestLimits.MAX_INPUT_KEY_CHARS));
        }
        if (!KEY_CHARS.matcher(key).matches()) {
            return Optional.of("key " + Messages.quote(key) + " has characters outside [A-Za-z0-9._/-]");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.startsWith(".")) {
                return Optional.of("key " + Messages.quote(key)
                        + " has an empty segment or one starting with '.' (no '//', no '..', no leading or trailing '/')");
            }
        }
        return Optional.empty();
    }

    /** Why the sha256 is not 64 lower-case hex characters, or empty. */
    public static Optional<String> sha256Problem(String sha256) {
        if (sha256 == null || sha256.isEmpty()) {
            return Optional.of("sha256 is required (lower-case hex SHA-256 of the object's bytes)");
        }
        if (!SHA256.matcher(sha256).matches()) {
            return Optional.of("sha256 " + Messages.quote(sha256)
                    + " is not 64 lower-case hex characters");
        }
        return Optional.empty();
    }

    /**
     * Why a worker must not read this key under {@code inputPrefix} (e.g. {@code inputs}), or empty. Checked at
     * validation, before anything is fetched: a request cannot make a worker read other objects of the bucket
     * (other jobs' images, say).
     */
    public static Optional<String> prefixProblem(String key, String inputPrefix) {
        String want = inputPrefix.endsWith("/") ? inputPrefix : inputPrefix + "/";
        if (key == null || !key.startsWith(want) || key.length() == want.length()) {
            return Optional.of("key " + Messages.quote(String.valueOf(key)) + " is not under the input prefix "
                    + Messages.quote(want) + "; workers read pictures only from there");
        }
        return Optional.empty();
    }
}
