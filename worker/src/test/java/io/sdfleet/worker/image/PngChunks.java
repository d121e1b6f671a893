package io.sdfleet.worker.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/** Splits a PNG into chunks, checking the signature, every length and every CRC on the way. */
final class PngChunks {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    record Chunk(String type, byte[] data) {
    }

    private PngChunks() {
    }

    static List<Chunk> parseAndVerify(byte[] png) {
        assertArrayEquals(SIGNATURE, Arrays.copyOf(png, 8), "PNG signature");
        ByteBuffer in = ByteBuffer.wrap(png, 8, png.length - 8);
        List<Chunk> chunks = new ArrayList<>();
        while (in.hasRemaining()) {
            assertTrue(in.remaining() >= 12, "truncated chunk header at " + in.position());
            int length = in.getInt();
            assertTrue(length >= 0 && length <= in.remaining() - 8, "bad chunk length " + length);
            int typeStart = in.position();
            byte[] type = new byte[4];
            in.get(type);
            byte[] data = new byte[length];
            in.get(data);
            int storedCrc = in.getInt();
            CRC32 crc = new CRC32();
            crc.update(png, typeStart, 4 + length);
            String name = new String(type, StandardCharsets.US_ASCII);
            assertEquals((int) crc.getValue(), storedCrc, "CRC of chunk " + name + " at " + typeStart);
            chunks.add(new Chunk(name, data));
        }
        return chunks;
    }
}
