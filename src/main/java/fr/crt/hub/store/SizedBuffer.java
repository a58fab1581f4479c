package fr.crt.hub.store;

import java.io.ByteArrayOutputStream;

/**
 * A byte buffer created at the size its content is announced to have (an IMAP RFC822.SIZE, a zip entry's local
 * header), which hands over its array instead of a copy when the announcement was right. A document of 1 MB read
 * through {@link ByteArrayOutputStream#toByteArray()} is allocated twice; on a hub applying ten mails a second, those
 * copies were a good share of the garbage collector's work. A wrong announcement only costs the copy (and growth).
 */
public final class SizedBuffer extends ByteArrayOutputStream {

    public SizedBuffer(int announced) {
        super(Math.max(0, announced));
    }

    /**
     * Grows by an eighth when the announcement was short, not by doubling: a server that counts a mail without its
     * header block (the test server does) would otherwise make a 1.4 MB mail take a 2.8 MB buffer.
     */
    @Override
    public synchronized void write(byte[] b, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len > buf.length - count) {
            long wanted = Math.max((long) count + len, (long) buf.length + buf.length / 8 + 8192);
            if ((long) count + len > Integer.MAX_VALUE - 8) throw new OutOfMemoryError("buffer larger than 2 GB");
            buf = java.util.Arrays.copyOf(buf, (int) Math.min(wanted, Integer.MAX_VALUE - 8));
        }
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    /** The content: the buffer itself when it is exactly full, else a copy. */
    public synchronized byte[] bytes() {
        return count == buf.length ? buf : toByteArray();
    }
}
