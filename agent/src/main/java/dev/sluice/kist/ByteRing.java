package dev.sluice.kist;

import java.nio.ByteBuffer;

/** A fixed-capacity FIFO of bytes in one array, wrapping around; allocates only when created. */
final class ByteRing {

    private final byte[] buf;
    private int head;
    private int size;

    ByteRing(int capacity) {
        this.buf = new byte[capacity];
    }

    int size() {
        return size;
    }

    int free() {
        return buf.length - size;
    }

    /** Appends as much of {@code src} as fits, advancing its position; returns how much. */
    int offer(ByteBuffer src) {
        int n = Math.min(src.remaining(), free());
        int tail = (head + size) % buf.length;
        int first = Math.min(n, buf.length - tail);
        src.get(buf, tail, first);
        src.get(buf, 0, n - first);
        size += n;
        return n;
    }

    /** Appends as much of {@code src[off, off+len)} as fits; returns how much. */
    int offer(byte[] src, int off, int len) {
        int n = Math.min(len, free());
        int tail = (head + size) % buf.length;
        int first = Math.min(n, buf.length - tail);
        System.arraycopy(src, off, buf, tail, first);
        System.arraycopy(src, off + first, buf, 0, n - first);
        size += n;
        return n;
    }

    /** Removes the first {@code n} bytes ({@code n <= size()}) and puts them into {@code dst}. */
    void moveTo(ByteBuffer dst, int n) {
        int first = Math.min(n, buf.length - head);
        dst.put(buf, head, first);
        dst.put(buf, 0, n - first);
        head = (head + n) % buf.length;
        size -= n;
    }
}
