package io.sdfleet.worker.observe;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads Prometheus text format into "series → value" (series = name plus the label set as written). */
final class PrometheusText {

    private PrometheusText() {
    }

    static Map<String, Double> samples(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return out;
    }
}
