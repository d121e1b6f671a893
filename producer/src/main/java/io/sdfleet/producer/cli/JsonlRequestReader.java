package io.sdfleet.producer.cli;

import io.sdfleet.common.InvalidRecordException;
import io.sdfleet.common.JobCodec;
import io.sdfleet.common.JobRequest;
import io.sdfleet.producer.RequestNormalizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSON-lines file of job requests ({@code submit --file}): one request object a line, in the wire
 * format, where {@code schema}, {@code jobId} and {@code seed} may be left out (they are filled in).
 * Blank lines are skipped. Every line is decoded and validated on its own, so one bad line never hides
 * another and never stops the good ones; each result keeps its 1-based line number.
 */
final class JsonlRequestReader {

    /** One non-blank line: either a ready-to-send request or why it is not one. */
    record Line(int number, JobRequest request, InvalidRecordException error) {
        boolean valid() {
            return error == null;
        }
    }

    private final RequestNormalizer normalizer;

    JsonlRequestReader(RequestNormalizer normalizer) {
        this.normalizer = normalizer;
    }

    List<Line> read(BufferedReader reader) throws IOException {
        List<Line> lines = new ArrayList<>();
        JobCodec codec = JobCodec.shared();
        int number = 0;
        for (String text = reader.readLine(); text != null; text = reader.readLine()) {
            number++;
            if (text.isBlank()) {
                continue;
            }
            try {
                JobRequest decoded = codec.decodeRequest(text.getBytes(StandardCharsets.UTF_8));
                lines.add(new Line(number, normalizer.prepare(decoded), null));
            } catch (InvalidRecordException e) {
                lines.add(new Line(number, null, e));
            }
        }
        return lines;
    }
}
