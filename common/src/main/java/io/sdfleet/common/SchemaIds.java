package io.sdfleet.common;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads schema ids of the form {@code <family>/v<major>[.<minor>]}, e.g. {@code sdfleet.job/v1.3}.
 *
 * <p>Versioning rule: a minor version only adds optional fields, which readers ignore, so any minor of a
 * supported major is read; a different major may change meanings and is refused. A family may have several
 * supported majors at once (requests: v1 from noise, v2 from a picture). Package-private.
 */
final class SchemaIds {

    private static final Pattern FORM = Pattern.compile("([a-z][a-z0-9.]*)/v(\\d{1,9})(?:\\.(\\d{1,9}))?");

    private SchemaIds() {
    }

    /**
     * Checks a schema id against the supported ones (all of one family).
     *
     * @param schema    the value found, null when absent (then the first supported one is assumed)
     * @param supported the ids this build reads, e.g. {@code sdfleet.job/v1}, {@code sdfleet.job/v2}
     * @return a message when the id is refused
     */
    static Optional<String> problem(String schema, String... supported) {
        if (schema == null) {
            return Optional.empty();
        }
        Matcher want = form(supported[0]);
        String readable = Arrays.stream(supported).map(s -> s + ".x").collect(Collectors.joining(" or "));
        Matcher got = FORM.matcher(schema);
        if (!got.matches() || !got.group(1).equals(want.group(1))) {
            return Optional.of(Messages.quote(schema) + " is not a schema id of the form " + want.group(1)
                    + "/v<major>[.<minor>]; this build reads " + readable);
        }
        int major = Integer.parseInt(got.group(2));
        for (String s : supported) {
            if (Integer.parseInt(form(s).group(2)) == major) {
                return Optional.empty();
            }
        }
        return Optional.of(Messages.quote(schema) + " has major version " + major + "; this build reads "
                + readable);
    }

    /** The major version of a well-formed id, e.g. 2 for {@code sdfleet.job/v2.1}; 0 when not well-formed. */
    static int major(String schema) {
        Matcher m = schema == null ? null : FORM.matcher(schema);
        return m != null && m.matches() ? Integer.parseInt(m.group(2)) : 0;
    }

    private static Matcher form(String id) {
        Matcher m = FORM.matcher(id);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a schema id: " + id);
        }
        return m;
    }

    /** Like {@link #problem(String, String...)} for a JSON node, which may also be of the wrong type. */
    static Optional<String> problem(JsonNode node, String... supported) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            return Optional.of("expected a string like \"" + supported[0] + "\", got " + Messages.describe(node));
        }
        return problem(node.textValue(), supported);
    }
}
