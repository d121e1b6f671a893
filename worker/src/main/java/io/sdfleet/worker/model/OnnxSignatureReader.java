package io.sdfleet.worker.model;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the declared inputs and outputs of an ONNX file without loading the model.
 *
 * <p>Why not ask the runtime: DJL's ONNX Runtime block exposes input names and shapes but not element
 * types, and a TensorRT build takes minutes; reading the protobuf header takes milliseconds and lets us
 * reject a wrong file before any native library is loaded. The reader walks the protobuf wire format
 * (ModelProto.graph = 7; GraphProto.initializer = 5, input = 11, output = 12; ValueInfoProto.name = 1,
 * type = 2; TypeProto.tensor_type = 1; Tensor.elem_type = 1, shape = 2; TensorShapeProto.dim = 1;
 * Dimension.dim_value = 1, dim_param = 2; TensorProto.name = 8) and skips every other field by its
 * length, so a 2 GB single-file UNet costs a few reads, not 2 GB of memory.
 *
 * <p>Stateless and thread-safe; each call opens and closes its own file channel.
 */
public final class OnnxSignatureReader {
    private static final int WIRE_VARINT = 0;
    private static final int WIRE_FIXED64 = 1;
    private static final int WIRE_LENGTH_DELIMITED = 2;
    private static final int WIRE_FIXED32 = 5;

    private OnnxSignatureReader() {}

    /**
     * @throws ModelLoadException if the file cannot be read or is not an ONNX model with a graph
     */
    public static OnnxSignature read(Path file) throws ModelLoadException {
        try (Cursor in = new Cursor(FileChannel.open(file, StandardOpenOption.READ))) {
            List<TensorSpec> inputs = new ArrayList<>();
            List<TensorSpec> outputs = new ArrayList<>();
            Set<String> initializers = new HashSet<>();
            boolean sawGraph = false;
            long end = in.size();
            while (in.position() < end) {
                long tag = in.varint();
                if (field(tag) == 7 && wire(tag) == WIRE_LENGTH_DELIMITED) {
                    long graphEnd = in.lengthEnd();
                    readGraph(in, graphEnd, inputs, outputs, initializers);
                    sawGraph = true;
                } else {
                    in.skip(tag);
                }
            }
            if (!sawGraph) {
                throw new ModelLoadException(file + " is not an ONNX model: it has no graph");
            }
            inputs.removeIf(t -> initializers.contains(t.name()));
            return new OnnxSignature(file, inputs, outputs);
        } catch (IOException | IllegalStateException e) {
            throw new ModelLoadException(file + " is not a readable ONNX model: " + e.getMessage(), e);
        }
    }

    private static void readGraph(Cursor in, long end, List<TensorSpec> inputs, List<TensorSpec> outputs,
            Set<String> initializers) throws IOException {
        while (in.position() < end) {
            long tag = in.varint();
            if (wire(tag) != WIRE_LENGTH_DELIMITED) {
                in.skip(tag);
                continue;
            }
            switch (field(tag)) {
                case 11 -> inputs.add(readValueInfo(in, in.lengthEnd()));
                case 12 -> outputs.add(readValueInfo(in, in.lengthEnd()));
                case 5 -> initializers.add(readTensorName(in, in.lengthEnd()));
                default -> in.skip(tag);
            }
        }
        in.expectAt(end);
    }

    private static String readTensorName(Cursor in, long end) throws IOException {
        String name = "";
        while (in.position() < end) {
            long tag = in.varint();
            if (field(tag) == 8 && wire(tag) == WIRE_LENGTH_DELIMITED) {
                name = in.string();
            } else {
                in.skip(tag);
            }
        }
        in.expectAt(end);
        return name;
    }

    private static TensorSpec readValueInfo(Cursor in, long end) throws IOException {
        String name = "";
        TensorType type = TensorType.UNDEFINED;
        List<TensorDim> dims = new ArrayList<>();
        while (in.position() < end) {
            long tag = in.varint();
            if (field(tag) == 1 && wire(tag) == WIRE_LENGTH_DELIMITED) {
                name = in.string();
            } else if (field(tag) == 2 && wire(tag) == WIRE_LENGTH_DELIMITED) {
                type = readType(in, in.lengthEnd(), dims);
            } else {
                in.skip(tag);
            }
        }
        in.expectAt(end);
        return new TensorSpec(name, type, dims);
    }

    /** TypeProto; only tensor types are of interest, others stay UNDEFINED with no dims. */
    private static TensorType readType(Cursor in, long end, List<TensorDim> dims) throws IOException {
        TensorType type = TensorType.UNDEFINED;
        while (in.position() < end) {
            long tag = in.varint();
            if (field(tag) == 1 && wire(tag) == WIRE_LENGTH_DELIMITED) {
                long tensorEnd = in.lengthEnd();
                while (in.position() < tensorEnd) {
                    long inner = in.varint();
                    if (field(inner) == 1 && wire(inner) == WIRE_VARINT) {
                        type = TensorType.fromOnnxCode(in.varint());
                    } else if (field(inner) == 2 && wire(inner) == WIRE_LENGTH_DELIMITED) {
                        readShape(in, in.lengthEnd(), dims);
                    } else {
                        in.skip(inner);
                    }
                }
                in.expectAt(tensorEnd);
            } else {
                in.skip(tag);
            }
        }
        in.expectAt(end);
        return type;
    }

    private static void readShape(Cursor in, long end, List<TensorDim> dims) throws IOException {
        while (in.position() < end) {
            long tag = in.varint();
            if (field(tag) == 1 && wire(tag) == WIRE_LENGTH_DELIMITED) {
                long dimEnd = in.lengthEnd();
                TensorDim dim = new TensorDim(-1, "");
                while (in.position() < dimEnd) {
                    long inner = in.varint();
                    if (field(inner) == 1 && wire(inner) == WIRE_VARINT) {
                        dim = TensorDim.fixed(in.varint());
                    } else if (field(inner) == 2 && wire(inner) == WIRE_LENGTH_DELIMITED) {
                        dim = TensorDim.symbolic(in.string());
                    } else {
                        in.skip(inner);
                    }
                }
                in.expectAt(dimEnd);
                dims.add(dim);
            } else {
                in.skip(tag);
            }
        }
        in.expectAt(end);
    }

    private static int field(long tag) {
        return (int) (tag >>> 3);
    }

    private static int wire(long tag) {
        return (int) (tag & 7);
    }

    /** A read position over a file channel with a small window buffer; skips are seeks. */
    private static final class Cursor implements AutoCloseable {
        private static final int WINDOW = 64 * 1024;
        private final FileChannel channel;
        private final long size;
        private final ByteBuffer window = ByteBuffer.allocate(WINDOW);
        private long windowStart;
        private long position;

        Cursor(FileChannel channel) throws IOException {
            this.channel = channel;
            this.size = channel.size();
            window.limit(0);
        }

        long size() {
            return size;
        }

        long position() {
            return position;
        }

        int readByte() throws IOException {
            if (position < windowStart || position >= windowStart + window.limit()) {
                if (position >= size) {
                    throw new EOFException("unexpected end of file at byte " + position);
                }
                window.clear();
                windowStart = position;
                while (window.hasRemaining() && channel.read(window, windowStart + window.position()) > 0) {
                    // fill the window
                }
                window.flip();
            }
            int value = window.get((int) (position - windowStart)) & 0xff;
            position++;
            return value;
        }

        long varint() throws IOException {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = readByte();
                result |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
            throw new IllegalStateException("malformed varint before byte " + position);
        }

        /** Reads a length prefix and returns the absolute end of the delimited field. */
        long lengthEnd() throws IOException {
            long length = varint();
            long end = position + length;
            if (length < 0 || end > size) {
                throw new IllegalStateException("field length " + length + " at byte " + position
                        + " runs past the end of the file (" + size + " bytes)");
            }
            return end;
        }

        String string() throws IOException {
            long end = lengthEnd();
            int length = (int) (end - position);
            byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++) {
                bytes[i] = (byte) readByte();
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** Skips the value of a field whose tag was just read. */
        void skip(long tag) throws IOException {
            switch (wire(tag)) {
                case WIRE_VARINT -> varint();
                case WIRE_FIXED64 -> seek(position + 8);
                case WIRE_LENGTH_DELIMITED -> seek(lengthEnd());
                case WIRE_FIXED32 -> seek(position + 4);
                default -> throw new IllegalStateException("unsupported protobuf wire type " + wire(tag)
                        + " before byte " + position);
            }
        }

        void expectAt(long end) {
            if (position != end) {
                throw new IllegalStateException("message ends at byte " + position + ", its length said " + end);
            }
        }

        private void seek(long target) {
            if (target > size) {
                throw new IllegalStateException("field at byte " + position + " runs past the end of the file");
            }
            position = target;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
