package dev.chainrule.engine.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files of unsigned bytes (the MNIST format), raw or gzip-compressed.
 *
 * <p>Layout (big-endian): magic {@code 0x00000803} for images (dims count×rows×cols) or
 * {@code 0x00000801} for labels (dim count), then one 32-bit size per dimension, then
 * count·rows·cols (resp. count) bytes. Everything is checked before the payload array is allocated:
 * magic, dims ≥ 1, the payload fitting one Java array, and for a raw file the exact file length. A gzip
 * file is detected by its magic bytes {@code 1f 8b} (whatever its name); its payload is read and a short
 * stream or trailing bytes are rejected. Every failure is a one-line {@link DataException}.
 */
public final class IdxReader {
    /** Magic number of an IDX file of unsigned bytes with 3 dimensions (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned bytes with 1 dimension (labels). */
    public static final int LABELS_MAGIC = 0x00000801;
    /** Largest payload held in memory: the largest Java byte array. */
    public static final long MAX_PAYLOAD_BYTES = Integer.MAX_VALUE - 8;
    /** The most deflate can expand its input (RFC 1951: at most 258 bytes from 2 bits, ~1032:1). */
    static final long MAX_DEFLATE_RATIO = 1032;

    private IdxReader() {
    }

    /** Images: count×rows×cols unsigned bytes, row-major per image. */
    public record Images(IdxHeader header, int count, int rows, int cols, byte[] pixels) {
    }

    /**
     * Labels: one unsigned byte per item.
     *
     * @param maxLabel the largest label present (−1 when there are none)
     */
    public record Labels(IdxHeader header, int count, byte[] labels, int maxLabel) {
    }

    /** Reads and validates the header only (and, for a raw file, its exact length). */
    public static IdxHeader readHeader(Path file, int expectedMagic) {
        try (InputStream in = open(file)) {
            return readHeader(file, in, expectedMagic);
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }

    /** Reads an images file (magic 0x00000803). */
    public static Images readImages(Path file) {
        try (InputStream in = open(file)) {
            IdxHeader h = readHeader(file, in, IMAGES_MAGIC);
            byte[] pixels = readPayload(h, in);
            return new Images(h, h.dims()[0], h.dims()[1], h.dims()[2], pixels);
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }

    /**
     * Reads a labels file (magic 0x00000801).
     *
     * @param numClasses when positive, every label must lie in 0..numClasses−1; when 0, any byte 0..255
     */
    public static Labels readLabels(Path file, int numClasses) {
        if (numClasses < 0 || numClasses > 256) {
            throw new IllegalArgumentException("numClasses must be 0 (infer) or 1..256, got " + numClasses);
        }
        try (InputStream in = open(file)) {
            IdxHeader h = readHeader(file, in, LABELS_MAGIC);
            byte[] labels = readPayload(h, in);
            int max = -1;
            for (int i = 0; i < labels.length; i++) {
                int y = labels[i] & 0xff;
                if (numClasses > 0 && y >= numClasses) {
                    throw new DataException(file + ": label " + y + " at byte " + (h.headerBytes() + i)
                            + " (item " + i + ") out of range, expected 0.." + (numClasses - 1)
                            + " (" + numClasses + " classes)");
                }
                max = Math.max(max, y);
            }
            return new Labels(h, labels.length, labels, max);
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }

    /** Whether the file starts with the gzip magic bytes 1f 8b. */
    public static boolean isGzip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }

    private static InputStream open(Path file) throws IOException {
        boolean gz = isGzip(file);
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return gz ? new GZIPInputStream(raw, 1 << 16) : raw;
    }

    private static IdxHeader readHeader(Path file, InputStream in, int expectedMagic) throws IOException {
        boolean gz = in instanceof GZIPInputStream;
        int expectedDims = expectedMagic & 0xff;
        String what = expectedMagic == IMAGES_MAGIC ? "IDX unsigned-byte images, 3 dimensions"
                : "IDX unsigned-byte labels, 1 dimension";
        long offset = 0;
        int magic = readInt(file, in, offset, "magic number");
        offset += 4;
        if (magic != expectedMagic) {
            throw new DataException(file + ": bad magic number " + hex(magic) + " at byte 0, expected "
                    + hex(expectedMagic) + " (" + what + ")");
        }
        int[] dims = new int[expectedDims];
        for (int d = 0; d < expectedDims; d++) {
            dims[d] = readInt(file, in, offset, "dimension " + d);
            if (dims[d] <= 0) {
                throw new DataException(file + ": dimension " + d + " at byte " + offset + " is "
                        + Integer.toUnsignedString(dims[d]) + ", expected 1.." + Integer.MAX_VALUE);
            }
            offset += 4;
        }
        // BigInteger: three sizes up to 2^31 each can overflow even a long
        BigInteger total = BigInteger.ONE;
        for (int d : dims) {
            total = total.multiply(BigInteger.valueOf(d));
        }
        if (total.compareTo(BigInteger.valueOf(MAX_PAYLOAD_BYTES)) > 0) {
            IdxHeader partial = new IdxHeader(file, gz, magic, dims, offset, 0);
            throw new DataException(file + ": header says " + partial.shape() + " = " + total
                    + " bytes, more than the " + MAX_PAYLOAD_BYTES + "-byte limit of one in-memory array");
        }
        long product = total.longValueExact();
        IdxHeader h = new IdxHeader(file, gz, magic, dims, offset, product);
        if (gz) {
            // deflate expands at most ~1032:1, so a small file declaring a huge payload is refused before the
            // array is allocated (a few hundred bytes could otherwise ask for 2 GB)
            long compressed = Files.size(file);
            if (product > compressed * MAX_DEFLATE_RATIO + (1 << 16)) {
                throw new DataException(file + ": header says " + sizeFormula(h) + " bytes, more than a gzip file of "
                        + compressed + " bytes can hold; the header is wrong");
            }
        }
        if (!gz) {
            long expected = offset + product;
            long actual = Files.size(file);
            if (actual < expected) {
                throw new DataException(file + ": truncated at byte " + actual + ": header says "
                        + sizeFormula(h) + " bytes, file has " + actual);
            }
            if (actual > expected) {
                throw new DataException(file + ": " + (actual - expected) + " trailing bytes after byte "
                        + expected + ": header says " + sizeFormula(h) + " bytes, file has " + actual);
            }
        }
        return h;
    }

    private static byte[] readPayload(IdxHeader h, InputStream in) throws IOException {
        dev.chainrule.engine.io.HeapBudget.require(h.payloadBytes(), h.file() + ": header says " + sizeFormula(h) + " bytes");
        byte[] out = new byte[(int) h.payloadBytes()];
        int off = 0;
        try {
            while (off < out.length) {
                int n = in.read(out, off, Math.min(out.length - off, 1 << 20));
                if (n < 0) {
                    break;
                }
                off += n;
            }
        } catch (EOFException e) {
            // GZIPInputStream signals a cut-off deflate stream this way; report it like a short file.
        }
        if (off < out.length) {
            long at = h.headerBytes() + off;
            throw new DataException(h.file() + ": truncated at byte " + at + (h.gzip() ? " (uncompressed)" : "")
                    + ": header says " + sizeFormula(h) + " bytes, " + (h.gzip() ? "decompressed stream has " : "file has ") + at);
        }
        if (h.gzip()) {
            long extra = 0;
            try {
                byte[] probe = new byte[8192];
                int n;
                while ((n = in.read(probe)) > 0) {
                    extra += n;
                }
            } catch (EOFException e) {
                // a truncated tail after a complete payload is still trailing garbage
                extra = Math.max(extra, 1);
            }
            if (extra > 0) {
                long expected = h.headerBytes() + h.payloadBytes();
                throw new DataException(h.file() + ": " + extra + " trailing bytes after byte " + expected
                        + " (uncompressed): header says " + sizeFormula(h) + " bytes, decompressed stream has "
                        + (expected + extra));
            }
        }
        return out;
    }

    private static int readInt(Path file, InputStream in, long offset, String what) throws IOException {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int b;
            try {
                b = in.read();
            } catch (EOFException e) {
                b = -1;
            }
            if (b < 0) {
                throw new DataException(file + ": truncated at byte " + (offset + i) + ": expected a 4-byte "
                        + what + " at byte " + offset);
            }
            v = (v << 8) | b;
        }
        return v;
    }

    /** e.g. {@code 60000×28×28 = 47040016} (with the header: + 16). */
    private static String sizeFormula(IdxHeader h) {
        return h.shape() + " = " + h.payloadBytes() + " payload + " + h.headerBytes() + " header = "
                + (h.payloadBytes() + h.headerBytes());
    }

    static String hex(int v) {
        return String.format("0x%08x", v);
    }

    private static DataException ioFailure(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new DataException(file + ": no such file", e);
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new DataException(file + ": cannot read: " + msg.replace('\n', ' '), e);
    }
}
