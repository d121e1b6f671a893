package io.sdfleet.local.it.e2e;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A second tiny model for multi-model tests: a copy of a model folder under another name whose UNet has other
 * weights, made without any ONNX library. The ONNX file is a protobuf ({@code ModelProto.graph} = field 7,
 * {@code GraphProto.initializer} = field 5, {@code TensorProto.data_type} = 2 with FLOAT = 1,
 * {@code TensorProto.raw_data} = 9); the largest float initializer's values are negated in place (the sign bit of
 * each little-endian float), so the file keeps its length and structure and stays a valid model with other
 * weights: other images, another digest.
 */
final class ModelCopies {

    private static final int GRAPH = 7;
    private static final int INITIALIZER = 5;
    private static final int DATA_TYPE = 2;
    private static final int RAW_DATA = 9;
    private static final int FLOAT = 1;

    private ModelCopies() {
    }

    /** Copies {@code source} to {@code parent/name} and changes the UNet's weights; returns the new folder. */
    static Path withOtherUNetWeights(Path source, Path parent, String name) throws IOException {
        Path target = parent.resolve(name);
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        Path unet = target.resolve("unet/model.onnx");
        byte[] bytes = Files.readAllBytes(unet);
        long[] largest = largestFloatInitializer(bytes);
        if (largest == null || largest[1] < 4) {
            throw new IOException("no float initializer with raw data in " + unet);
        }
        for (long i = largest[0] + 3; i < largest[0] + largest[1]; i += 4) {
            bytes[(int) i] ^= (byte) 0x80;
        }
        Files.write(unet, bytes);
        return target;
    }

    /** {offset, length} of the raw data of the largest FLOAT initializer, or null. */
    private static long[] largestFloatInitializer(byte[] model) {
        long[] best = null;
        ByteBuffer top = ByteBuffer.wrap(model);
        while (top.hasRemaining()) {
            long key = varint(top);
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == GRAPH && wire == 2) {
                int len = (int) varint(top);
                ByteBuffer graph = top.slice(top.position(), len);
                int graphStart = top.position();
                while (graph.hasRemaining()) {
                    long gk = varint(graph);
                    if ((gk >>> 3) == INITIALIZER && (gk & 7) == 2) {
                        int tlen = (int) varint(graph);
                        long[] raw = floatRawData(graph.slice(graph.position(), tlen), graphStart + graph.position());
                        if (raw != null && (best == null || raw[1] > best[1])) {
                            best = raw;
                        }
                        graph.position(graph.position() + tlen);
                    } else {
                        skip(graph, (int) (gk & 7));
                    }
                }
                top.position(top.position() + len);
            } else {
                skip(top, wire);
            }
        }
        return best;
    }

    private static long[] floatRawData(ByteBuffer tensor, int base) {
        long type = -1;
        long[] raw = null;
        while (tensor.hasRemaining()) {
            long k = varint(tensor);
            int field = (int) (k >>> 3);
            int wire = (int) (k & 7);
            if (field == DATA_TYPE && wire == 0) {
                type = varint(tensor);
            } else if (field == RAW_DATA && wire == 2) {
                int len = (int) varint(tensor);
                raw = new long[] {base + tensor.position(), len};
                tensor.position(tensor.position() + len);
            } else {
                skip(tensor, wire);
            }
        }
        return type == FLOAT ? raw : null;
    }

    private static void skip(ByteBuffer b, int wire) {
        switch (wire) {
            case 0 -> varint(b);
            case 1 -> b.position(b.position() + 8);
            case 2 -> {
                int len = (int) varint(b);
                b.position(b.position() + len);
            }
            case 5 -> b.position(b.position() + 4);
            default -> throw new IllegalArgumentException("protobuf wire type " + wire + " at " + b.position());
        }
    }

    private static long varint(ByteBuffer b) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            byte x = b.get();
            value |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return value;
            }
        }
    }
}
