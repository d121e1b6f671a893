package io.sdfleet.worker.image;

import java.util.Arrays;

/**
 * A growable byte array that the PNG writer fills in place (including deflate output, which lands
 * directly in it), so an encoded image is copied once at the end instead of once per layer of streams.
 * Single owner, not thread-safe.
 */
final class ByteSink {

    private byte[] buffer;
    private int size;

    ByteSink(int initialCapacity) {
        buffer = new byte[Math.max(64, initialCapacity)];
    }

    int size() {
        return size;
    }

    byte[] array() {
        return buffer;
    }

    /** Makes room for {@code extra} more bytes after the current end. */
    void ensureSpace(int extra) {
        long needed = (long) size + extra;
        if (needed > buffer.length) {
            if (needed > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("PNG larger than a Java array");
            }
            buffer = Arrays.copyOf(buffer, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 8L,
                    (long) buffer.length * 2)));
        }
    }

    /** Moves the end forward over bytes already written into {@link #array()} past {@link #size()}. */
    void advance(int count) {
        size += count;
    }

    void writeInt(int value) {
        ensureSpace(4);
        buffer[size] = (byte) (value >>> 24);
        buffer[size + 1] = (byte) (value >>> 16);
        buffer[size + 2] = (byte) (value >>> 8);
        buffer[size + 3] = (byte) value;
        size += 4;
    }

    void writeByte(int value) {
        ensureSpace(1);
        buffer[size++] = (byte) value;
    }

    void write(byte[] bytes) {
        ensureSpace(bytes.length);
        System.arraycopy(bytes, 0, buffer, size, bytes.length);
        size += bytes.length;
    }

    /** Overwrites 4 bytes at {@code position} (before the end) with {@code value}, big-endian. */
    void putInt(int position, int value) {
        buffer[position] = (byte) (value >>> 24);
        buffer[position + 1] = (byte) (value >>> 16);
        buffer[position + 2] = (byte) (value >>> 8);
        buffer[position + 3] = (byte) value;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }
}
