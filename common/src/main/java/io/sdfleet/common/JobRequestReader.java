package io.sdfleet.common;

import static io.sdfleet.common.JobRequestLimits.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the fields of one JSON request object by hand, checking each field's JSON type.
 *
 * <p>Why not let Jackson bind the record: data binding stops at the first wrong type and its message names
 * Java types and stack frames. Reading the tree field by field collects every wrong type at once, in the
 * wording of {@link RequestValidator}. A field that cannot be read gets its default and is remembered, so
 * the range check that follows does not report it a second time. Numbers must be whole for integer
 * fields (512.0 is accepted, 1.5 is not); a number too large for Java is reported against the field's
 * range, never overflowed. Strings are not coerced to numbers. JSON null means "absent" for every field
 * except {@code prompt}, which is required. One instance per record; not thread-safe.
 */
final class JobRequestReader {

    /** JSON field names in record component order. */
    static final List<String> FIELDS = List.of("schema", "jobId", "prompt", "negativePrompt", "width", "height",
            "steps", "guidanceScale", "scheduler", "seed", "numImages", "model", "priority", "deadline", "metadata",
            "regenerationOf", "initImage", "maskImage", "strength");

    /** Orders violations by record component (stable, so metadata entries keep their order). */
    static final Comparator<Violation> FIELD_ORDER = Comparator.comparingInt(v -> {
        String top = v.field().split("\\.", 2)[0];
        int i = FIELDS.indexOf(top);
        return i < 0 ? FIELDS.size() : i;
    });

    private final ObjectNode json;
    private final String prefix;
    private final List<Violation> violations = new ArrayList<>();
    private final Set<String> unreadable = new LinkedHashSet<>();

    /**
     * @param json   the request object
     * @param prefix put before field names in violations ({@code ""}, or {@code "request."} inside a completion)
     */
    JobRequestReader(ObjectNode json, String prefix) {
        this.json = json;
        this.prefix = prefix;
    }

    /** Type problems found by {@link #read()}. */
    List<Violation> typeViolations() {
        return violations;
    }

    /** Fields with a type problem; their values in the record are defaults. */
    Set<String> unreadableFields() {
        return unreadable;
    }

    /**
     * The request with defaults for absent and unreadable fields. The schema is normalized to its major
     * ({@code sdfleet.job/v2.3} reads as {@link JobRequest#SCHEMA_WITH_IMAGES}; absent reads as
     * {@link JobRequest#SCHEMA}), so that the validator can refuse pictures in a v1 request.
     */
    JobRequest read() {
        JobRequest.Builder b = JobRequest.builder(null);
        JsonNode schemaNode = json.get("schema");
        b.schema(schemaNode != null && schemaNode.isTextual() && SchemaIds.major(schemaNode.textValue()) == 2
                ? JobRequest.SCHEMA_WITH_IMAGES : JobRequest.SCHEMA);
        b.jobId(string("jobId"));
        JsonNode promptNode = json.get("prompt");
        if (promptNode == null || promptNode.isNull()) {
            fail("prompt", "is required");
        } else {
            b.prompt(string("prompt"));
        }
        b.negativePrompt(string("negativePrompt"));
        b.width(integer("width", DEFAULT_WIDTH, MIN_SIZE, MAX_SIZE));
        b.height(integer("height", DEFAULT_HEIGHT, MIN_SIZE, MAX_SIZE));
        b.steps(integer("steps", DEFAULT_STEPS, MIN_STEPS, MAX_STEPS));
        b.guidanceScale(decimal("guidanceScale", DEFAULT_GUIDANCE_SCALE));
        b.scheduler(scheduler());
        BigInteger seed = whole("seed", MIN_SEED, MAX_SEED);
        b.seed(seed == null ? null : seed.longValue());
        b.numImages(integer("numImages", DEFAULT_NUM_IMAGES, MIN_NUM_IMAGES, MAX_NUM_IMAGES));
        b.model(string("model"));
        b.priority(integer("priority", DEFAULT_PRIORITY, MIN_PRIORITY, MAX_PRIORITY));
        b.deadline(instant("deadline"));
        b.metadata(metadata());
        b.regenerationOf(string("regenerationOf"));
        b.initImage(reference("initImage"));
        b.maskImage(reference("maskImage"));
        b.strength(strength());
        return b.build();
    }

    private void fail(String field, String message) {
        violations.add(new Violation(prefix + field, message));
        unreadable.add(field);
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    private String string(String field) {
        JsonNode node = json.get(field);
        if (absent(node)) {
            return null;
        }
        if (!node.isTextual()) {
            fail(field, "expected a string, got " + Messages.describe(node));
            return null;
        }
        return node.textValue();
    }

    private int integer(String field, int dflt, int min, int max) {
        BigInteger v = whole(field, min, max);
        return v == null ? dflt : v.intValueExact();
    }

    /**
     * A whole number that fits a long and is within [min, max] as far as Java types go; values outside
     * [min, max] but inside the int/long range are left for the validator, so there is one wording.
     */
    private BigInteger whole(String field, long min, long max) {
        JsonNode node = json.get(field);
        if (absent(node)) {
            return null;
        }
        if (!node.isNumber()) {
            fail(field, "expected a whole number, got " + Messages.describe(node));
            return null;
        }
        BigDecimal value = exactValue(node);
        if (value == null) {
            fail(field, node.asText() + " is not a whole number");
            return null;
        }
        // Compare before converting: 1e1000000000 must not be expanded to a billion digits.
        boolean fitsInt = min >= Integer.MIN_VALUE && max <= Integer.MAX_VALUE;
        BigDecimal lo = BigDecimal.valueOf(fitsInt ? Integer.MIN_VALUE : Long.MIN_VALUE);
        BigDecimal hi = BigDecimal.valueOf(fitsInt ? Integer.MAX_VALUE : Long.MAX_VALUE);
        if (value.compareTo(lo) < 0 || value.compareTo(hi) > 0) {
            fail(field, Messages.outOfRange(plain(value), Long.toString(min), Long.toString(max)));
            return null;
        }
        if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
            fail(field, plain(value) + " is not a whole number");
            return null;
        }
        return value.toBigInteger();
    }

    /** The exact value of a numeric node, or null for NaN and infinities. */
    private static BigDecimal exactValue(JsonNode node) {
        if (node.isIntegralNumber()) {
            return new BigDecimal(node.bigIntegerValue());
        }
        if (node.isBigDecimal()) {
            return node.decimalValue();
        }
        double d = node.doubleValue();
        return Double.isFinite(d) ? new BigDecimal(Double.toString(d)) : null;
    }

    /** A number for messages, without exponent when short, e.g. 1000000000000 for 1e12. */
    private static String plain(BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        return Math.abs(s.scale()) <= 30 ? s.toPlainString() : s.toString();
    }

    private double decimal(String field, double dflt) {
        JsonNode node = json.get(field);
        if (absent(node)) {
            return dflt;
        }
        if (!node.isNumber()) {
            fail(field, "expected a number, got " + Messages.describe(node));
            return dflt;
        }
        double d = node.doubleValue();
        if (Double.isInfinite(d) && node.isBigDecimal()) {
            // Finite in JSON, beyond double: a range problem, not NaN/Infinity.
            fail(field, Messages.outOfRange(plain(node.decimalValue()), Messages.number(MIN_GUIDANCE_SCALE),
                    Messages.number(MAX_GUIDANCE_SCALE)));
            return dflt;
        }
        return d; // NaN and ±Infinity (non-standard JSON tokens) are reported by the validator
    }

    private SchedulerName scheduler() {
        JsonNode node = json.get("scheduler");
        if (absent(node)) {
            return null;
        }
        if (!node.isTextual()) {
            fail("scheduler", "expected a string, one of " + SchedulerName.wireNames() + "; got "
                    + Messages.describe(node));
            return null;
        }
        return SchedulerName.fromWireName(node.textValue()).orElseGet(() -> {
            fail("scheduler", Messages.quote(node.textValue()) + " is not a known scheduler; one of "
                    + SchedulerName.wireNames());
            return null;
        });
    }

    /** {"key": "...", "sha256": "..."}; other fields of the object are ignored, as everywhere. */
    private ObjectReference reference(String field) {
        JsonNode node = json.get(field);
        if (absent(node)) {
            return null;
        }
        if (!node.isObject()) {
            fail(field, "expected an object {\"key\": \"...\", \"sha256\": \"...\"}, got " + Messages.describe(node));
            return null;
        }
        JsonNode key = node.get("key");
        JsonNode sha = node.get("sha256");
        boolean ok = true;
        if (!absent(key) && !key.isTextual()) {
            fail(field + ".key", "expected a string, got " + Messages.describe(key));
            ok = false;
        }
        if (!absent(sha) && !sha.isTextual()) {
            fail(field + ".sha256", "expected a string, got " + Messages.describe(sha));
            ok = false;
        }
        if (!ok) {
            unreadable.add(field);
            return null;
        }
        return new ObjectReference(absent(key) ? null : key.textValue(), absent(sha) ? null : sha.textValue());
    }

    private Double strength() {
        JsonNode node = json.get("strength");
        if (absent(node)) {
            return null;
        }
        if (!node.isNumber()) {
            fail("strength", "expected a number in [" + Messages.number(MIN_STRENGTH) + ", "
                    + Messages.number(MAX_STRENGTH) + "], got " + Messages.describe(node));
            return null;
        }
        return node.doubleValue(); // NaN, infinities and huge values are reported by the validator's range check
    }

    private Instant instant(String field) {
        JsonNode node = json.get(field);
        if (absent(node)) {
            return null;
        }
        if (!node.isTextual()) {
            fail(field, "expected an ISO-8601 instant string like 2030-01-31T12:00:00Z, got "
                    + Messages.describe(node));
            return null;
        }
        try {
            return Instant.parse(node.textValue());
        } catch (DateTimeParseException e) {
            fail(field, Messages.quote(node.textValue())
                    + " is not an ISO-8601 instant; write it like 2030-01-31T12:00:00Z");
            return null;
        }
    }

    private Map<String, String> metadata() {
        JsonNode node = json.get("metadata");
        Map<String, String> out = new LinkedHashMap<>();
        if (absent(node)) {
            return out;
        }
        if (!node.isObject()) {
            fail("metadata", "expected an object of string values, got " + Messages.describe(node));
            return out;
        }
        if (node.size() > MAX_METADATA_ENTRIES) {
            fail("metadata", "has " + node.size() + " entries; at most " + MAX_METADATA_ENTRIES + " allowed");
            return out;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode value = e.getValue();
            if (value.isTextual()) {
                out.put(e.getKey(), value.textValue());
            } else {
                violations.add(new Violation(prefix + RequestValidator.metadataField(e.getKey()),
                        "expected a string value, got " + Messages.describe(value)));
            }
        }
        return out;
    }
}
