package dev.chainrule.engine.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/** Writers of small synthetic IDX files, gzip streams and tar archives for the tests. */
public final class Idx {
    private Idx() {
    }

    public static byte[] header(int magic, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.array();
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** count images of rows×cols whose pixel (i, j) is (i·7 + j) mod 256. */
    public static byte[] images(int count, int rows, int cols) {
        byte[] px = new byte[count * rows * cols];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < rows * cols; j++) {
                px[i * rows * cols + j] = (byte) ((i * 7 + j) % 256);
            }
        }
        return concat(header(IdxReader.IMAGES_MAGIC, count, rows, cols), px);
    }

    public static byte[] labels(int... ys) {
        byte[] b = new byte[ys.length];
        for (int i = 0; i < ys.length; i++) {
            b[i] = (byte) ys[i];
        }
        return concat(header(IdxReader.LABELS_MAGIC, ys.length), b);
    }

    public static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(raw);
        }
        return bos.toByteArray();
    }

    public static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }

    /** A ustar archive of the given (name, content) pairs, ending in two zero blocks. */
    public static byte[] tar(Object... nameThenContent) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int k = 0; k < nameThenContent.length; k += 2) {
            String name = (String) nameThenContent[k];
            byte[] data = (byte[]) nameThenContent[k + 1];
            byte[] h = new byte[512];
            put(h, 0, name);
            put(h, 100, "0000644");
            put(h, 108, "0001750");
            put(h, 116, "0001750");
            put(h, 124, String.format("%011o", data.length));
            put(h, 136, String.format("%011o", 0));
            Arrays.fill(h, 148, 156, (byte) ' ');
            h[156] = '0';
            put(h, 257, "ustar");
            h[262] = 0;
            put(h, 263, "00");
            long sum = 0;
            for (byte b : h) {
                sum += b & 0xff;
            }
            put(h, 148, String.format("%06o", sum));
            h[154] = 0;
            h[155] = ' ';
            out.write(h);
            out.write(data);
            out.write(new byte[(512 - data.length % 512) % 512]);
        }
        out.write(new byte[1024]);
        return out.toByteArray();
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }
}
