package io.sdfleet.producer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The one Jackson mapper the CLI uses for its own JSON output (thread-safe once configured). */
final class JsonText {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonText() {
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }
}
