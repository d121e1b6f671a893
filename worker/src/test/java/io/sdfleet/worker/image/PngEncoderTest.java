package io.sdfleet.worker.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

class PngEncoderTest {

    private static final String LATIN1_TEXT = "café crème, Größe: 512x512\nzweite Zeile";
    private static final String UNICODE_TEXT = "猫 on a skateboard 🛹, Ærøskøbing\nNegative prompt: ぼやけ";

    @Test
    void everyFilterAndLevelDecodesToTheSamePixels() throws IOException {
        List<RgbImage> images = List.of(
                SyntheticImages.generatedLooking(96, 64, 7),
                randomImage(1, 1, 1), randomImage(1, 9, 2), randomImage(9, 1, 3), randomImage(17, 5, 4));
        for (RgbImage image : images) {
            for (RowFilterStrategy filter : RowFilterStrategy.values()) {
                for (int level : new int[] {0, 1, 6, 9}) {
                    byte[] png = new PngEncoder(level, filter).encode(image, Map.of());
                    assertPixelsEqual(image, ImageIO.read(new ByteArrayInputStream(png)),
                            image.width() + "x" + image.height() + " " + filter + " level " + level);
                }
            }
        }
    }

    @Test
    void largeImagesSpanSeveralIdatChunks() throws IOException {
        RgbImage noisy = randomImage(300, 300, 9); // incompressible: ~270 KB of deflate output
        byte[] png = new PngEncoder().encode(noisy, Map.of());
        long idats = PngChunks.parseAndVerify(png).stream().filter(c -> c.type().equals("IDAT")).count();
        assertTrue(idats > 1, "expected several IDAT chunks, got " + idats);
        assertPixelsEqual(noisy, ImageIO.read(new ByteArrayInputStream(png)), "300x300 noise");
    }

    @Test
    void chunkLayoutAndChecksumsFollowThePngSpec() {
        RgbImage image = SyntheticImages.generatedLooking(40, 24, 3);
        byte[] png = new PngEncoder().encode(image, Map.of("parameters", LATIN1_TEXT, "Software", "sdfleet"));
        List<PngChunks.Chunk> chunks = PngChunks.parseAndVerify(png);

        assertEquals("IHDR", chunks.get(0).type());
        ByteBuffer header = ByteBuffer.wrap(chunks.get(0).data());
        assertEquals(13, header.remaining());
        assertEquals(40, header.getInt());
        assertEquals(24, header.getInt());
        assertEquals(8, header.get(), "bit depth");
        assertEquals(2, header.get(), "colour type truecolour");
        assertEquals(0, header.get(), "compression method");
        assertEquals(0, header.get(), "filter method");
        assertEquals(0, header.get(), "interlace method");

        assertEquals(List.of("IHDR", "tEXt", "tEXt", "IDAT", "IEND"),
                chunks.stream().map(PngChunks.Chunk::type).toList());
        assertEquals(0, chunks.get(chunks.size() - 1).data().length, "IEND is empty");
    }

    @Test
    void latin1TextIsTextChunkAndUnicodeTextIsItxtBothReadableByImageIo() throws IOException {
        Map<String, String> texts = Map.of("parameters", UNICODE_TEXT, "Comment", LATIN1_TEXT);
        byte[] png = new PngEncoder().encode(SyntheticImages.generatedLooking(16, 16, 1), texts);

        Map<String, String> textChunks = new HashMap<>();
        Map<String, String> internationalChunks = new HashMap<>();
        Element root = readMetadata(png);
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            for (Node e = n.getFirstChild(); e != null; e = e.getNextSibling()) {
                Element entry = (Element) e;
                if (entry.getNodeName().equals("tEXtEntry")) {
                    textChunks.put(entry.getAttribute("keyword"), entry.getAttribute("value"));
                } else if (entry.getNodeName().equals("iTXtEntry")) {
                    assertEquals("FALSE", entry.getAttribute("compressionFlag"));
                    internationalChunks.put(entry.getAttribute("keyword"), entry.getAttribute("text"));
                }
            }
        }
        assertEquals(Map.of("Comment", LATIN1_TEXT), textChunks);
        assertEquals(Map.of("parameters", UNICODE_TEXT), internationalChunks);
    }

    @Test
    void outputIsByteIdenticalForTheSameInputWhateverTheMapOrder() {
        RgbImage image = SyntheticImages.generatedLooking(64, 48, 5);
        Map<String, String> forward = new LinkedHashMap<>();
        forward.put("a", "1");
        forward.put("parameters", UNICODE_TEXT);
        forward.put("z", "2");
        Map<String, String> backward = new LinkedHashMap<>();
        backward.put("z", "2");
        backward.put("parameters", UNICODE_TEXT);
        backward.put("a", "1");
        byte[] first = new PngEncoder().encode(image, forward);
        assertArrayEquals(first, new PngEncoder().encode(image, backward));
        assertArrayEquals(first, new PngEncoder().encode(image, new TreeMap<>(forward)));
    }

    @Test
    void rejectsInvalidKeywordsAndText() {
        RgbImage image = randomImage(2, 2, 1);
        PngEncoder encoder = new PngEncoder();
        for (String keyword : new String[] {"", " lead", "trail ", "dou  ble", "tab\there", "x".repeat(80), "猫"}) {
            assertThrows(IllegalArgumentException.class, () -> encoder.encode(image, Map.of(keyword, "v")),
                    "keyword '" + keyword + "'");
        }
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(image, Map.of("k", "a\0b")));
        assertThrows(IllegalArgumentException.class, () -> new PngEncoder(10, RowFilterStrategy.NONE));
        assertThrows(IllegalArgumentException.class, () -> new RgbImage(2, 2, new byte[11]));
        assertThrows(IllegalArgumentException.class, () -> new RgbImage(0, 2, new byte[0]));
    }

    @Test
    void adaptiveFilterPicksTheRowFilterWithTheLeastAbsoluteSum() {
        RgbImage image = SyntheticImages.generatedLooking(33, 12, 11);
        int rowBytes = image.rowBytes();
        byte[] out = new byte[rowBytes + 1];
        for (int y = 0; y < image.height(); y++) {
            long bestSum = Long.MAX_VALUE;
            int expected = -1;
            for (int type = 0; type <= 4; type++) {
                RowFilters.write(type, image.rgb(), y * rowBytes, rowBytes, y == 0, out, 0);
                long sum = 0;
                for (int i = 1; i < out.length; i++) {
                    sum += Math.abs(out[i]);
                }
                if (sum < bestSum) {
                    bestSum = sum;
                    expected = type;
                }
            }
            assertEquals(expected, RowFilters.bestType(image.rgb(), y * rowBytes, rowBytes, y == 0), "row " + y);
        }
    }

    private static Element readMetadata(byte[] png) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
            try {
                reader.setInput(in);
                IIOMetadata metadata = reader.getImageMetadata(0);
                return (Element) metadata.getAsTree("javax_imageio_png_1.0");
            } finally {
                reader.dispose();
            }
        }
    }

    private static void assertPixelsEqual(RgbImage expected, BufferedImage actual, String what) {
        assertEquals(expected.width(), actual.getWidth(), what);
        assertEquals(expected.height(), actual.getHeight(), what);
        byte[] rgb = expected.rgb();
        for (int y = 0; y < expected.height(); y++) {
            for (int x = 0; x < expected.width(); x++) {
                int i = (y * expected.width() + x) * 3;
                int want = ((rgb[i] & 0xff) << 16) | ((rgb[i + 1] & 0xff) << 8) | (rgb[i + 2] & 0xff);
                int got = actual.getRGB(x, y) & 0xffffff;
                if (want != got) {
                    throw new AssertionError(what + ": pixel (" + x + "," + y + ") expected "
                            + Integer.toHexString(want) + " got " + Integer.toHexString(got));
                }
            }
        }
    }

    private static RgbImage randomImage(int width, int height, long seed) {
        byte[] rgb = new byte[width * height * 3];
        new SplittableRandom(seed).nextBytes(rgb);
        return new RgbImage(width, height, rgb);
    }
}
