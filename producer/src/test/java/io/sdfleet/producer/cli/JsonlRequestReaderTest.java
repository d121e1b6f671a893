package io.sdfleet.producer.cli;

import io.sdfleet.common.FailureReason;
import io.sdfleet.producer.RequestNormalizer;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonlRequestReaderTest {

    private static List<JsonlRequestReader.Line> read(String text) throws IOException {
        return new JsonlRequestReader(new RequestNormalizer()).read(new BufferedReader(new StringReader(text)));
    }

    @Test
    void keepsLineNumbersSkipsBlankLinesAndReportsEachBadLine() throws IOException {
        List<JsonlRequestReader.Line> lines = read(String.join("\n",
                "{\"prompt\":\"a cat\",\"steps\":20}",
                "",
                "{\"prompt\":\"a dog\",\"width\":500,\"steps\":0}",
                "{not json",
                "   ",
                "{\"schema\":\"sdfleet.job/v1\",\"jobId\":\"mine-1\",\"seed\":5,\"prompt\":\"a bird\"}",
                "{\"schema\":\"sdfleet.job/v3\",\"prompt\":\"x\"}"));

        assertEquals(List.of(1, 3, 4, 6, 7), lines.stream().map(JsonlRequestReader.Line::number).toList());
        assertTrue(lines.get(0).valid());
        assertEquals(20, lines.get(0).request().steps());
        assertNotNull(lines.get(0).request().jobId(), "job id filled in");
        assertNotNull(lines.get(0).request().seed(), "seed filled in");

        JsonlRequestReader.Line fields = lines.get(1);
        assertEquals(FailureReason.INVALID_FIELDS, fields.error().reason());
        assertEquals(List.of("width", "steps"), fields.error().violations().stream().map(v -> v.field()).toList());

        assertEquals(FailureReason.MALFORMED_JSON, lines.get(2).error().reason());

        assertTrue(lines.get(3).valid());
        assertEquals("mine-1", lines.get(3).request().jobId());
        assertEquals(5L, lines.get(3).request().seed());

        assertEquals(FailureReason.UNSUPPORTED_SCHEMA, lines.get(4).error().reason());
    }
}
