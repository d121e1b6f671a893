package io.sdfleet.local.it.e2e;

import static io.sdfleet.local.it.CompletionAssertions.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.Completion;
import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.ImageRef;
import io.sdfleet.common.JobRequest;
import io.sdfleet.local.it.CompletionAssertions;
import io.sdfleet.worker.image.A1111Parameters;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * What the whole fleet promises about jobs and their images, written once (STYLE 18); the delivery
 * guarantees it shares with the worker tests live in {@link CompletionAssertions}.
 */
final class FleetAssertions {

    private FleetAssertions() {
    }

    /**
     * Every job SUCCEEDED with numImages images stored under {@code <prefix>/<jobId>/<index>.png}; each
     * object's bytes hash to the event's sha256, decode as a PNG of the requested size, and carry the
     * generation parameters of their request; nothing else is stored under the prefix.
     */
    static void everyJobStoredItsImages(FleetScenario s, List<JobRequest> requests, Map<String, Completion> byJob)
            throws Exception {
        int expectedObjects = 0;
        for (JobRequest request : requests) {
            Completion c = byJob.get(request.jobId());
            assertEquals(CompletionStatus.SUCCEEDED, c.status(), () -> request.jobId() + ": " + c.error());
            assertEquals(request.numImages(), c.images().size(), "images of " + request.jobId());
            for (int i = 0; i < c.images().size(); i++) {
                ImageRef ref = c.images().get(i);
                assertEquals(s.corner.prefix() + "/" + request.jobId() + "/" + i + ".png", ref.key());
                assertEquals(request.seed() + i, ref.seed(), "seed of image " + i + " of " + request.jobId());
                assertNotNull(ref.url(), "presigned url");
                byte[] png = s.object(ref.key());
                assertEquals(ref.sha256(), sha256(png), "sha256 of " + ref.key());
                BufferedImage image = decode(png);
                assertEquals(request.width(), image.getWidth(), "width of " + ref.key());
                assertEquals(request.height(), image.getHeight(), "height of " + ref.key());
                assertEquals(request.width(), ref.width());
                assertEquals(request.height(), ref.height());
                carriesItsParameters(png, request, request.seed() + i);
            }
            expectedObjects += c.images().size();
        }
        assertEquals(expectedObjects, s.objectKeys().size(), "objects under " + s.corner.prefix());
    }

    /**
     * The PNG's "parameters" text chunk (A1111 layout) names the prompt on its first line and, on its last,
     * the request's steps, sampler, seed and size.
     */
    static void carriesItsParameters(byte[] png, JobRequest request, long seed) {
        String text = PngText.chunks(png).get(A1111Parameters.PNG_KEYWORD);
        assertNotNull(text, "PNG has no '" + A1111Parameters.PNG_KEYWORD + "' text chunk");
        List<String> lines = text.lines().toList();
        assertEquals(request.prompt().strip(), lines.get(0), "prompt line");
        Map<String, String> fields = fields(lines.get(lines.size() - 1));
        assertEquals(Integer.toString(request.steps()), fields.get("Steps"), "Steps in " + text);
        String wire = request.scheduler().wireName();
        assertEquals(A1111Parameters.samplerDisplayName(wire).orElse(wire), fields.get("Sampler"), "Sampler in " + text);
        assertEquals(Long.toString(seed), fields.get("Seed"), "Seed in " + text);
        assertEquals(request.width() + "x" + request.height(), fields.get("Size"), "Size in " + text);
    }

    /** "Key: value, Key: value" (values of these fields hold neither ',' nor ':'). */
    private static Map<String, String> fields(String line) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : line.split(", ")) {
            int colon = part.indexOf(": ");
            assertTrue(colon > 0, () -> "not a 'Key: value' field: '" + part + "' in '" + line + "'");
            out.put(part.substring(0, colon), part.substring(colon + 2));
        }
        return out;
    }

    static BufferedImage decode(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(image, "ImageIO cannot decode the PNG");
        return image;
    }
}
