package dev.chainrule.engine.data;

import java.nio.file.Path;

/**
 * The validated header of an IDX file: magic number {@code 0x000008TD} (T = 0x08 unsigned bytes, D = the
 * number of dimensions) followed by D big-endian 32-bit sizes.
 *
 * @param file         the file the header was read from
 * @param gzip         whether the file is gzip-compressed (detected by the magic bytes 1f 8b)
 * @param magic        the magic number
 * @param dims         the dimension sizes, each ≥ 1; dims[0] is the item count
 * @param headerBytes  4 + 4·D, the offset of the first payload byte in the (uncompressed) stream
 * @param payloadBytes the product of the dims, checked to fit in one Java array
 */
public record IdxHeader(Path file, boolean gzip, int magic, int[] dims, long headerBytes, long payloadBytes) {
    /** The item count, dims[0]. */
    public int count() {
        return dims[0];
    }

    /** Bytes per item, the product of dims[1..]. */
    public int itemBytes() {
        long p = 1;
        for (int i = 1; i < dims.length; i++) {
            p *= dims[i];
        }
        return (int) p;
    }

    /** The dims joined with ×, e.g. {@code 60000×28×28}. */
    public String shape() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : "×").append(Integer.toUnsignedString(dims[i]));
        }
        return sb.toString();
    }
}
