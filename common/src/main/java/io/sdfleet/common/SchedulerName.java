package io.sdfleet.common;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/**
 * The noise schedulers a job may ask for, by their wire name.
 *
 * <p>Why an enum with separate wire names: the JSON uses the short names operators know from diffusers
 * front ends ({@code "euler-a"}, {@code "dpmpp-2m-karras"}), while Java code wants constants. The wire name
 * is what is encoded; {@link #fromWireName(String)} is the only way back, so an unknown name becomes a
 * validation message rather than an exception.
 */
public enum SchedulerName {
    PNDM("pndm"),
    DDIM("ddim"),
    EULER("euler"),
    EULER_ANCESTRAL("euler-a"),
    DPMPP_2M("dpmpp-2m"),
    DPMPP_2M_KARRAS("dpmpp-2m-karras"),
    LMS("lms"),
    UNIPC("unipc");

    private final String wireName;

    SchedulerName(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in JSON, e.g. {@code "euler-a"}. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /**
     * Finds a scheduler by its wire name, ignoring case and surrounding blanks.
     *
     * @return empty when the name is null or not a known scheduler
     */
    public static Optional<SchedulerName> fromWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        for (SchedulerName s : values()) {
            if (s.wireName.equals(wanted)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** All wire names, comma separated, for messages ("one of pndm, ddim, ..."). */
    public static String wireNames() {
        StringBuilder sb = new StringBuilder();
        for (SchedulerName s : values()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(s.wireName);
        }
        return sb.toString();
    }
}
