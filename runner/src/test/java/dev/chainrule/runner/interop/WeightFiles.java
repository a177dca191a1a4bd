package dev.chainrule.runner.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes safetensors and .npz files byte for byte as the formats specify (so the suite needs no Python): a tensor
 * is a name, a shape and float64 values.
 */
final class WeightFiles {
    record T(int[] shape, double[] values) {
    }

    private WeightFiles() {
    }

    static String shape(int[] s, String open, String close, boolean trailingComma) {
        StringJoiner j = new StringJoiner(", ", open, (trailingComma && s.length == 1 ? "," : "") + close);
        for (int d : s) {
            j.add(String.valueOf(d));
        }
        return j.toString();
    }

    /** The safetensors header JSON for {@code tensors} laid out one after the other, as F64. */
    static String header(Map<String, T> tensors) {
        StringJoiner h = new StringJoiner(", ", "{", "}");
        h.add("\"__metadata__\": {\"format\": \"pt\"}");
        long off = 0;
        for (Map.Entry<String, T> e : tensors.entrySet()) {
            long end = off + 8L * e.getValue().values().length;
            h.add("\"" + e.getKey() + "\": {\"dtype\": \"F64\", \"shape\": " + shape(e.getValue().shape(), "[", "]", false)
                    + ", \"data_offsets\": [" + off + ", " + end + "]}");
            off = end;
        }
        return h.toString();
    }

    static byte[] safetensors(Map<String, T> tensors) {
        return safetensors(header(tensors), tensors);
    }

    /** A file with the given header text (padded with spaces to 8 bytes, as the format's writer does). */
    static byte[] safetensors(String header, Map<String, T> tensors) {
        byte[] hb = header.getBytes(StandardCharsets.UTF_8);
        int pad = (8 - hb.length % 8) % 8;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(hb.length + pad);
        out.writeBytes(len.array());
        out.writeBytes(hb);
        out.writeBytes(" ".repeat(pad).getBytes(StandardCharsets.US_ASCII));
        for (T t : tensors.values()) {
            out.writeBytes(le(t.values()));
        }
        return out.toByteArray();
    }

    static byte[] le(double[] v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double d : v) {
            b.putDouble(d);
        }
        return b.array();
    }

    /** One NPY (version 1.0) array of {@code <f8}, C order. */
    static byte[] npy(T t) {
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape(t.shape(), "(", ")", true) + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String h = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x93);
        out.writeBytes("NUMPY".getBytes(StandardCharsets.US_ASCII));
        out.write(1);
        out.write(0);
        out.write(h.length() & 0xFF);
        out.write(h.length() >> 8);
        out.writeBytes(h.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(le(t.values()));
        return out.toByteArray();
    }

    /** {@code numpy.savez_compressed(file, **tensors)}. */
    static void npz(Path file, Map<String, T> tensors) throws IOException {
        try (OutputStream f = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(f)) {
            for (Map.Entry<String, T> e : tensors.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                z.write(npy(e.getValue()));
                z.closeEntry();
            }
        }
    }

    static Map<String, T> copy(Map<String, T> m) {
        return new LinkedHashMap<>(m);
    }
}
