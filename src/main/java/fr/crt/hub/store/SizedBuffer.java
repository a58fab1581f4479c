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

    /** The content: the buffer itself when it is exactly full, else a copy. */
    public synchronized byte[] bytes() {
        return count == buf.length ? buf : toByteArray();
    }
}
