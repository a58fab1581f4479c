package fr.crt.hub.xdm;

/**
 * Caps applied while a package is decompressed, so that a zip bomb is stopped after at most {@code maxTotalBytes}
 * have been inflated, whatever the headers claim.
 *
 * @param maxEntries    entries in the archive (files and folders)
 * @param maxEntryBytes decompressed size of one entry
 * @param maxTotalBytes decompressed size of the whole archive
 * @param maxRatio      decompressed bytes per compressed byte of the whole archive
 */
public record XdmLimits(int maxEntries, long maxEntryBytes, long maxTotalBytes, int maxRatio) {

    /** 200 entries, 50 MB per entry, 100 MB in all, ratio 100 (text compresses about 10:1, PDF hardly at all). */
    public static final XdmLimits DEFAULT = new XdmLimits(200, 50L << 20, 100L << 20, 100);
}
