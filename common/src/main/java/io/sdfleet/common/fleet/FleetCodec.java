package io.sdfleet.common.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sdfleet.common.JobCodec;
import java.io.IOException;
import java.util.Optional;

/**
 * JSON of the fleet's best-effort records: {@link WorkerAnnouncement} (the catalog) and {@link ProgressEvent}
 * (job progress). Field names are the record components, nulls are left out, instants are ISO-8601 strings,
 * unknown fields are ignored (newer workers may add some). A record of another schema major version, or that does
 * not parse, decodes to empty: readers of these topics skip what they cannot read (it is never the record of truth).
 * Thread-safe.
 */
public final class FleetCodec {

    private static final JsonMapper MAPPER = buildMapper();

    private FleetCodec() {
    }

    private static JsonMapper buildMapper() {
        return JsonMapper.builder().addModule(JobCodec.instantModule())
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
                        JsonInclude.Include.USE_DEFAULTS))
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    public static byte[] encode(WorkerAnnouncement announcement) {
        return write(announcement);
    }

    public static byte[] encode(ProgressEvent event) {
        return write(event);
    }

    /** The announcement in {@code bytes}; empty for a tombstone or a record this build cannot read. */
    public static Optional<WorkerAnnouncement> decodeAnnouncement(byte[] bytes) {
        return read(bytes, WorkerAnnouncement.class, WorkerAnnouncement.SCHEMA);
    }

    /** The progress event in {@code bytes}; empty for a record this build cannot read. */
    public static Optional<ProgressEvent> decodeProgress(byte[] bytes) {
        return read(bytes, ProgressEvent.class, ProgressEvent.SCHEMA);
    }

    private static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value, e);
        }
    }

    private static <T> Optional<T> read(byte[] bytes, Class<T> type, String schema) {
        if (bytes == null || bytes.length == 0) {
            return Optional.empty();
        }
        try {
            JsonNode tree = MAPPER.readTree(bytes);
            JsonNode s = tree == null ? null : tree.get("schema");
            if (s == null || !sameMajor(s.asText(), schema)) {
                return Optional.empty();
            }
            return Optional.of(MAPPER.treeToValue(tree, type));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code sdfleet.worker/v1} reads {@code sdfleet.worker/v1} and {@code sdfleet.worker/v1.2}, not v2. */
    private static boolean sameMajor(String found, String wanted) {
        return found.equals(wanted) || found.startsWith(wanted + ".");
    }
}
