package io.sdfleet.common;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads schema ids of the form {@code <family>/v<major>[.<minor>]}, e.g. {@code sdfleet.job/v1.3}.
 *
 * <p>Versioning rule: a minor version only adds optional fields, which readers ignore, so any minor of a
 * supported major is read; a different major may change meanings and is refused. Package-private.
 */
final class SchemaIds {

    private static final Pattern FORM = Pattern.compile("([a-z][a-z0-9.]*)/v(\\d{1,9})(?:\\.(\\d{1,9}))?");

    private SchemaIds() {
    }

    /**
     * Checks a schema id against the supported one.
     *
     * @param schema    the value found, null when absent (then the supported one is assumed)
     * @param supported the id this build writes, e.g. {@code sdfleet.job/v1}
     * @return a message when the id is refused
     */
    static Optional<String> problem(String schema, String supported) {
        if (schema == null) {
            return Optional.empty();
        }
        Matcher want = FORM.matcher(supported);
        if (!want.matches()) {
            throw new IllegalArgumentException("not a schema id: " + supported);
        }
        Matcher got = FORM.matcher(schema);
        if (!got.matches() || !got.group(1).equals(want.group(1))) {
            return Optional.of(Messages.quote(schema) + " is not a schema id of the form " + want.group(1)
                    + "/v<major>[.<minor>]; this build reads " + supported);
        }
        if (Integer.parseInt(got.group(2)) != Integer.parseInt(want.group(2))) {
            return Optional.of(Messages.quote(schema) + " has major version " + Integer.parseInt(got.group(2))
                    + "; this build reads " + supported + " (any " + supported + ".x)");
        }
        return Optional.empty();
    }

    /** Like {@link #problem(String, String)} for a JSON node, which may also be of the wrong type. */
    static Optional<String> problem(JsonNode node, String supported) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            return Optional.of("expected a string like \"" + supported + "\", got " + Messages.describe(node));
        }
        return problem(node.textValue(), supported);
    }
}
