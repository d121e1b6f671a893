package io.sdfleet.common.config;

import io.sdfleet.common.config.ConfigReader;
import io.sdfleet.common.config.Setting;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the fleet keeps its pictures: an S3 API endpoint (MinIO, AWS S3, the local stack's S3 server), the
 * credentials, the bucket, the key prefix of the images workers make and the key prefix of the pictures
 * img2img and inpainting jobs start from. Shared by the worker (which writes images and reads inputs) and
 * the producer library (which uploads inputs), so that both read the same variables with the same rules.
 *
 * <p>Credentials default to {@value #DEFAULT_ACCESS_KEY}/{@value #DEFAULT_SECRET_KEY}, the root user a fresh
 * MinIO server ships with, so that a worker finds a development MinIO without configuration. Production
 * must set both (from a Kubernetes secret); {@link #usesDefaultCredentials()} lets the worker warn.
 *
 * <p>Immutable. {@link #toString()} hides the secret key.
 *
 * @param endpoint       {@code http(s)://host[:port]}, no path
 * @param accessKey      access key id
 * @param secretKey      secret access key (never logged)
 * @param region         region used for signing; MinIO and the local stack accept {@value #DEFAULT_REGION}
 * @param bucket         bucket of the images
 * @param prefix         key prefix of generated images, without leading or trailing '/', may be empty
 * @param inputPrefix    key prefix of input pictures (initImage, maskImage), not empty, not overlapping
 *                       {@code prefix}: a job can name only objects under it
 * @param createBucket   create the bucket at start when it is missing
 * @param presignExpiry  validity of the presigned GET URLs put into completion events
 * @param connectTimeout TCP connect timeout of one S3 call
 * @param requestTimeout the longest one S3 call may take in all; a slower call is "store unavailable"
 */
public record StoreSettings(String endpoint, String accessKey, String secretKey, String region, String bucket,
        String prefix, boolean createBucket, Duration presignExpiry, Duration connectTimeout,
        Duration requestTimeout, String inputPrefix) {

    public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:9000";
    public static final String DEFAULT_ACCESS_KEY = "minioadmin";
    public static final String DEFAULT_SECRET_KEY = "minioadmin";
    public static final String DEFAULT_REGION = "us-east-1";
    public static final String DEFAULT_BUCKET = "sdfleet";
    public static final String DEFAULT_PREFIX = "images";
    public static final String DEFAULT_INPUT_PREFIX = "inputs";
    public static final boolean DEFAULT_CREATE_BUCKET = true;
    public static final Duration DEFAULT_PRESIGN_EXPIRY = Duration.ofHours(24);
    /** Signature V4 presigned URLs are valid for at most 7 days. */
    public static final Duration MAX_PRESIGN_EXPIRY = Duration.ofDays(7);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** S3 bucket naming rules: 3..63 of a-z 0-9 . -, starting and ending with a letter or digit. */
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** Segments of [A-Za-z0-9._-] separated by single '/', no "." or ".." segment; or empty. */
    private static final Pattern PREFIX_PATTERN = Pattern.compile(
            "|(?!\\.{1,2}(/|$))[A-Za-z0-9._-]+(/(?!\\.{1,2}(/|$))[A-Za-z0-9._-]+)*");
    private static final int MAX_PREFIX_LENGTH = 512;
    private static final Pattern REGION_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    public static final Setting<String> ENDPOINT = Setting.of("SDFLEET_S3_ENDPOINT", String.class, DEFAULT_ENDPOINT,
            DEFAULT_ENDPOINT, "http(s)://host[:port]", "S3 API endpoint the images are stored at (MinIO, AWS S3).",
            StoreSettings::parseEndpoint);
    public static final Setting<String> ACCESS_KEY = Setting.nonBlank("SDFLEET_S3_ACCESS_KEY", DEFAULT_ACCESS_KEY,
            "S3 access key id; the default is MinIO's shipped root user, set it in production.");
    public static final Setting<String> SECRET_KEY = Setting.nonBlank("SDFLEET_S3_SECRET_KEY", DEFAULT_SECRET_KEY,
            "S3 secret access key; defaults to MinIO's shipped 'minioadmin', set it in production.").secret();
    public static final Setting<String> REGION = Setting.matching("SDFLEET_S3_REGION", DEFAULT_REGION, REGION_NAME,
            "a region name such as us-east-1", "Region used to sign S3 requests (MinIO accepts us-east-1).");
    public static final Setting<String> BUCKET = Setting.of("SDFLEET_S3_BUCKET", String.class, DEFAULT_BUCKET,
            DEFAULT_BUCKET, "an S3 bucket name: 3..63 of a-z 0-9 . -", "Bucket the images are stored in.",
            StoreSettings::parseBucket);
    public static final Setting<String> PREFIX = Setting.matching("SDFLEET_S3_PREFIX", DEFAULT_PREFIX,
            PREFIX_PATTERN, "empty, or segments of A-Z a-z 0-9 . _ - joined by '/', no leading or trailing '/'",
            "Key prefix: images are stored as <prefix>/<jobId>/<index>.png.");
    public static final Setting<Boolean> CREATE_BUCKET = Setting.bool("SDFLEET_S3_CREATE_BUCKET",
            DEFAULT_CREATE_BUCKET, "Create the bucket at start when it is missing; if false a missing bucket stops "
                    + "the worker.");
    public static final Setting<Duration> PRESIGN_EXPIRY = Setting.duration("SDFLEET_S3_PRESIGN_EXPIRY",
            DEFAULT_PRESIGN_EXPIRY, Duration.ofSeconds(1), MAX_PRESIGN_EXPIRY,
            "Validity of the presigned image URLs in completion events (S3 allows at most 7 days).");
    public static final Setting<Duration> CONNECT_TIMEOUT = Setting.duration("SDFLEET_S3_CONNECT_TIMEOUT",
            DEFAULT_CONNECT_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(5),
            "TCP connect timeout of one S3 call.");
    public static final Setting<Duration> REQUEST_TIMEOUT = Setting.duration("SDFLEET_S3_REQUEST_TIMEOUT",
            DEFAULT_REQUEST_TIMEOUT, Duration.ofMillis(500), Duration.ofMinutes(30),
            "Longest one S3 call may take in all; a slower call counts as 'store unavailable' and is retried.");

    public static final Setting<String> INPUT_PREFIX = Setting.matching("SDFLEET_S3_INPUT_PREFIX", DEFAULT_INPUT_PREFIX,
            PREFIX_PATTERN, "segments of A-Z a-z 0-9 . _ - separated by '/', no '.' or '..' segment",
            "Key prefix of the pictures img2img and inpainting jobs start from (the producer uploads them to"
                    + " <prefix>/<sha256>.<ext>); workers fetch no key outside it, and it must not overlap"
                    + " SDFLEET_S3_PREFIX.");

    /** Every declared setting, in table order. */
    public static final List<Setting<?>> SETTINGS = List.of(ENDPOINT, ACCESS_KEY, SECRET_KEY, REGION, BUCKET, PREFIX,
            CREATE_BUCKET, PRESIGN_EXPIRY, CONNECT_TIMEOUT, REQUEST_TIMEOUT, INPUT_PREFIX);

    public StoreSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(presignExpiry, "presignExpiry");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(inputPrefix, "inputPrefix");
    }

    /**
     * Reads these settings into a shared reader (one {@code ConfigException} lists the problems of all
     * settings). Call {@link ConfigReader#throwIfInvalid()} before using the result.
     */
    public static StoreSettings read(ConfigReader reader) {
        String prefix = reader.get(PREFIX);
        if (prefix.length() > MAX_PREFIX_LENGTH) {
            reader.problem(PREFIX, "longer than " + MAX_PREFIX_LENGTH + " characters");
        }
        Duration connect = reader.get(CONNECT_TIMEOUT);
        Duration request = reader.get(REQUEST_TIMEOUT);
        if (connect.compareTo(request) > 0) {
            reader.problem(CONNECT_TIMEOUT, "must not exceed " + REQUEST_TIMEOUT.name() + " (" + request.toMillis()
                    + " ms): the request timeout includes connecting");
        }
        String inputPrefix = reader.get(INPUT_PREFIX);
        if (inputPrefix.isEmpty()) { // the pattern allows empty for the image prefix; inputs need a room of their own
            reader.problem(INPUT_PREFIX, "must not be empty: jobs could then name any object of the bucket");
        } else if (inputPrefix.length() > MAX_PREFIX_LENGTH) {
            reader.problem(INPUT_PREFIX, "longer than " + MAX_PREFIX_LENGTH + " characters");
        } else if (overlaps(prefix, inputPrefix)) {
            reader.problem(INPUT_PREFIX, "overlaps " + PREFIX.name() + " ('" + prefix + "'): a job could start"
                    + " from other jobs' images, and uploads could land among them; choose disjoint prefixes");
        }
        return new StoreSettings(reader.get(ENDPOINT), reader.get(ACCESS_KEY), reader.get(SECRET_KEY),
                reader.get(REGION), reader.get(BUCKET), prefix, reader.get(CREATE_BUCKET), reader.get(PRESIGN_EXPIRY),
                connect, request, inputPrefix);
    }

    /** Whether the image prefix {@code a} and the input prefix {@code b} can share keys. */
    static boolean overlaps(String a, String b) {
        // An empty image prefix puts images at <jobId>/<index>.png, which no input key of two segments or more
        // under a non-empty prefix can be mistaken for; only equal or nested prefixes share keys.
        return !a.isEmpty() && (a.equals(b) || a.startsWith(b + "/") || b.startsWith(a + "/"));
    }

    /** Whether the credentials are MinIO's shipped defaults (fine for development, a warning in production). */
    public boolean usesDefaultCredentials() {
        return DEFAULT_ACCESS_KEY.equals(accessKey) && DEFAULT_SECRET_KEY.equals(secretKey);
    }

    /** The same settings with another bucket (tests, the local stack). */
    public StoreSettings withBucket(String otherBucket) {
        return new StoreSettings(endpoint, accessKey, secretKey, region, parseBucket(otherBucket), prefix,
                createBucket, presignExpiry, connectTimeout, requestTimeout, inputPrefix);
    }

    @Override
    public String toString() {
        return "StoreSettings[endpoint=" + endpoint + ", accessKey=" + accessKey + ", secretKey=****, region="
                + region + ", bucket=" + bucket + ", prefix=" + prefix + ", createBucket=" + createBucket
                + ", presignExpiry=" + presignExpiry + ", connectTimeout=" + connectTimeout + ", requestTimeout="
                + requestTimeout + ", inputPrefix=" + inputPrefix + "]";
    }

    static String parseEndpoint(String raw) {
        String value = raw.strip();
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL; write http(s)://host[:port]");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("scheme must be http or https; write http(s)://host[:port]");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("no host; write http(s)://host[:port]");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("credentials do not belong in the URL; set SDFLEET_S3_ACCESS_KEY and "
                    + "SDFLEET_S3_SECRET_KEY");
        }
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("no path, query or fragment allowed; write http(s)://host[:port]");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new IllegalArgumentException("port out of range 1 .. 65535");
        }
        return scheme + "://" + uri.getRawAuthority();
    }

    static String parseBucket(String raw) {
        String value = raw.strip();
        if (!BUCKET_NAME.matcher(value).matches() || value.contains("..") || value.contains(".-")
                || value.contains("-.") || IP_ADDRESS.matcher(value).matches()) {
            throw new IllegalArgumentException("not an S3 bucket name: 3..63 of a-z 0-9 . -, starting and ending "
                    + "with a letter or digit, no '..', not an IP address");
        }
        return value;
    }
}
