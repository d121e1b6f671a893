package io.sdfleet.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON encoding and decoding of the three wire records: {@link JobRequest}, {@link Completion} and
 * {@link FailureEvent}.
 *
 * <p>Thread-safe and stateless: every instance shares one Jackson {@code ObjectMapper}, configured once
 * here (Jackson mappers are thread-safe after configuration). Encoding writes field names as the record
 * components, omits null fields, writes instants as ISO-8601 strings and scheduler names by wire name.
 *
 * <p>Decoding a request runs in this order, and the first stage that fails decides the
 * {@link FailureReason}: empty ({@code EMPTY_RECORD}) → more than {@link JobRequestLimits#MAX_RECORD_BYTES}
 * bytes, checked before anything is parsed ({@code RECORD_TOO_LARGE}) → strict UTF-8
 * ({@code NOT_UTF8}) → one complete JSON value, no duplicate keys, nothing after it ({@code MALFORMED_JSON})
 * → an object ({@code NOT_A_JSON_OBJECT}) → schema major version ({@code UNSUPPORTED_SCHEMA}; absent means
 * v1) → field types and ranges, all collected ({@code INVALID_FIELDS}). Unknown fields are ignored and
 * defaults applied. Failures are {@link InvalidRecordException}s that are not retriable; nothing else
 * escapes (no Jackson exception, no stack trace in the message).
 */
public final class JobCodec {

    private static final JsonMapper MAPPER = buildMapper();
    private static final JobCodec SHARED = new JobCodec();

    /** Longest parser message kept in a MALFORMED_JSON violation. */
    private static final int MAX_PARSER_MESSAGE_CHARS = 200;

    /** Instances are interchangeable; {@link #shared()} avoids making more. */
    public JobCodec() {
    }

    /** A shared instance. */
    public static JobCodec shared() {
        return SHARED;
    }

    /**
     * Instants as ISO-8601 strings ({@code 2026-12-02T13:47:45Z}), read strictly: a missing or unparsable value is a
     * Jackson error, not a DateTimeParseException. The one rule for every sdfleet record (also {@code FleetCodec}).
     */
    public static SimpleModule instantModule() {
        SimpleModule instants = new SimpleModule("sdfleet-instants");
        instants.addSerializer(Instant.class, new JsonSerializer<Instant>() {
            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(value.toString());
            }
        });
        instants.addDeserializer(Instant.class, new JsonDeserializer<Instant>() {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                String text = p.getValueAsString();
                if (text == null) {
                    return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
                }
                try {
                    return Instant.parse(text);
                } catch (DateTimeParseException e) {
                    return (Instant) ctxt.handleWeirdStringValue(Instant.class, text, "not an ISO-8601 instant");
                }
            }
        });
        return instants;
    }

    private static JsonMapper buildMapper() {
        return JsonMapper.builder()
                .addModule(instantModule())
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
                        JsonInclude.Include.USE_DEFAULTS))
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // NaN/Infinity are read so that they become a field violation, not "malformed JSON".
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .build();
    }

    /** UTF-8 JSON of a request. Does not validate: call {@link RequestValidator} first. */
    public byte[] encode(JobRequest request) {
        return write(request);
    }

    /** UTF-8 JSON of a completion event. */
    public byte[] encode(Completion completion) {
        return write(completion);
    }

    /** UTF-8 JSON of a failure event. */
    public byte[] encode(FailureEvent failure) {
        return write(failure);
    }

    private static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            // Only reachable through a bug in the records' shape; nothing a caller can fix or retry.
            throw new UncheckedIOException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * Decodes and validates a request (see the class comment for the order of checks). The returned
     * request has defaults applied and schema {@link JobRequest#SCHEMA}.
     *
     * @throws InvalidRequestException listing every problem; never retriable
     */
    public JobRequest decodeRequest(byte[] bytes) {
        ObjectNode json;
        try {
            json = readObject(bytes, JobRequest.SCHEMA, JobRequest.SCHEMA_WITH_IMAGES);
        } catch (InvalidRecordException e) {
            throw new InvalidRequestException(e.reason(), e.violations(), e.jobId().orElse(null));
        }
        String jobId = wellFormedJobId(json);
        JobRequestReader reader = new JobRequestReader(json, "");
        JobRequest request = reader.read();
        List<Violation> violations = new ArrayList<>(reader.typeViolations());
        for (Violation v : RequestValidator.validate(request)) {
            if (!reader.unreadableFields().contains(v.field())) {
                violations.add(v);
            }
        }
        if (!violations.isEmpty()) {
            violations.sort(JobRequestReader.FIELD_ORDER);
            throw new InvalidRequestException(FailureReason.INVALID_FIELDS, violations, jobId);
        }
        return request;
    }

    /**
     * Decodes a completion event. Its request is type-checked but not range-checked (it was validated
     * when it was run).
     *
     * @throws InvalidRecordException when the bytes are not a readable {@code sdfleet.completion/v1}
     */
    public Completion decodeCompletion(byte[] bytes) {
        ObjectNode json = readObject(bytes, Completion.SCHEMA);
        String jobId = wellFormedJobId(json);
        JsonNode requestNode = json.remove("request");
        List<Violation> violations = new ArrayList<>();
        JobRequest request = null;
        if (requestNode != null && !requestNode.isNull()) {
            if (requestNode.isObject()) {
                JobRequestReader reader = new JobRequestReader((ObjectNode) requestNode, "request.");
                request = reader.read();
                violations.addAll(reader.typeViolations());
            } else {
                violations.add(new Violation("request", "expected an object, got " + Messages.describe(requestNode)));
            }
        }
        Completion c = bind(json, Completion.class, violations, jobId);
        return new Completion(Completion.SCHEMA, c.jobId(), c.status(), c.images(), c.error(), request,
                c.workerId(), c.batchSize(), c.timingsMs(), c.model(), c.runtime(), c.warnings(), c.completedAt(),
                c.modelDigest(), c.stepsRun());
    }

    /**
     * Decodes a failure event.
     *
     * @throws InvalidRecordException when the bytes are not a readable {@code sdfleet.failure/v1}
     */
    public FailureEvent decodeFailure(byte[] bytes) {
        ObjectNode json = readObject(bytes, FailureEvent.SCHEMA);
        FailureEvent f = bind(json, FailureEvent.class, new ArrayList<>(), wellFormedJobId(json));
        return new FailureEvent(FailureEvent.SCHEMA, f.jobId(), f.reason(), f.message(), f.violations(),
                f.sourceTopic(), f.sourcePartition(), f.sourceOffset(), f.workerId(), f.at());
    }

    private static <T> T bind(ObjectNode json, Class<T> type, List<Violation> violations, String jobId) {
        T value = null;
        try {
            value = MAPPER.treeToValue(json, type);
        } catch (JsonMappingException e) {
            violations.add(new Violation(path(e), firstLine(e.getOriginalMessage())));
        } catch (JsonProcessingException e) {
            violations.add(new Violation(Violation.RECORD, firstLine(e.getOriginalMessage())));
        }
        if (!violations.isEmpty()) {
            throw new InvalidRecordException(FailureReason.INVALID_FIELDS, violations, jobId);
        }
        return value;
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? Violation.RECORD : sb.toString();
    }

    /** Bytes → strict UTF-8 → one JSON object with an acceptable schema id; each stage has its reason. */
    private static ObjectNode readObject(byte[] bytes, String... supportedSchemas) {
        if (bytes == null || bytes.length == 0) {
            throw whole(FailureReason.EMPTY_RECORD, "the record has no value");
        }
        if (bytes.length > JobRequestLimits.MAX_RECORD_BYTES) {
            throw whole(FailureReason.RECORD_TOO_LARGE, "the record is " + bytes.length + " bytes; at most "
                    + JobRequestLimits.MAX_RECORD_BYTES + " allowed");
        }
        String text = strictUtf8(bytes);
        if (text.isBlank()) {
            throw whole(FailureReason.EMPTY_RECORD, "the record is only white space");
        }
        JsonNode tree;
        try (JsonParser parser = MAPPER.createParser(text)) {
            tree = MAPPER.readTree(parser);
            if (parser.nextToken() != null) {
                throw whole(FailureReason.MALFORMED_JSON, "not valid JSON: more content after the JSON value at "
                        + where(parser.currentTokenLocation()));
            }
        } catch (JsonProcessingException e) {
            throw whole(FailureReason.MALFORMED_JSON, "not valid JSON at " + where(e.getLocation())
                    + ": " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            // Reading from a String does no I/O; this is a parser bug, reported as unreadable JSON.
            throw whole(FailureReason.MALFORMED_JSON, "not valid JSON: " + firstLine(e.getMessage()));
        }
        if (!(tree instanceof ObjectNode)) {
            throw whole(FailureReason.NOT_A_JSON_OBJECT, "expected a JSON object, got " + Messages.describe(tree));
        }
        ObjectNode json = (ObjectNode) tree;
        SchemaIds.problem(json.get("schema"), supportedSchemas).ifPresent(m -> {
            throw new InvalidRecordException(FailureReason.UNSUPPORTED_SCHEMA, List.of(new Violation("schema", m)),
                    wellFormedJobId(json));
        });
        return json;
    }

    private static String where(JsonLocation location) {
        return location == null ? "an unknown position"
                : "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String strictUtf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            // On failure the buffer's position is at (or just before) the first bad sequence.
            throw whole(FailureReason.NOT_UTF8, "the bytes are not valid UTF-8 (first bad sequence near byte "
                    + in.position() + ")");
        }
    }

    private static InvalidRecordException whole(FailureReason reason, String message) {
        return new InvalidRecordException(reason, List.of(new Violation(Violation.RECORD, message)), null);
    }

    /** The record's jobId if it is a well-formed one, for the failure event; else null. */
    private static String wellFormedJobId(ObjectNode json) {
        JsonNode id = json.get("jobId");
        return id != null && id.isTextual() && JobIds.isValid(id.textValue())
                ? id.textValue() : null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        // Jackson appends "at [Source: ...]" locations; the position is reported separately.
        String line = message.lines().findFirst().orElse("")
                .replaceAll("\\s*\\(?(start marker )?at \\[Source:.*$", "").strip();
        return line.length() > MAX_PARSER_MESSAGE_CHARS ? line.substring(0, MAX_PARSER_MESSAGE_CHARS) + "..." : line;
    }
}
