package dev.chainrule.datasources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.Options;
import dev.chainrule.api.Shape;
import dev.chainrule.api.data.DataContext;
import dev.chainrule.api.data.DataException;
import dev.chainrule.api.data.DataSet;
import dev.chainrule.api.data.Features;
import dev.chainrule.api.data.Table;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpySourceTest {
    @TempDir
    Path dir;

    /** A .npy file's bytes, as numpy writes them: magic, version, header length, the dict padded to 64. */
    static byte[] npy(int major, String descr, boolean fortran, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape
                + ", }";
        int pre = major == 1 ? 10 : 12;
        int total = pre + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x93);
        out.writeBytes("NUMPY".getBytes(StandardCharsets.US_ASCII));
        out.write(major);
        out.write(0);
        ByteBuffer len = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            len.putShort((short) header.length());
        } else {
            len.putInt(header.length());
        }
        out.writeBytes(len.array());
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(data);
        return out.toByteArray();
    }

    static byte[] f4(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    static byte[] f8(ByteOrder o, double... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(o);
        for (double x : v) {
            b.putDouble(x);
        }
        return b.array();
    }

    static byte[] i8(long... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return b.array();
    }

    private Path file(String name, byte[] b) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, b);
        return p;
    }

    private DataSet load(Object... kv) {
        return new NpyProvider().load(DataContext.of(Options.of(kv), dir));
    }

    private String error(Object... kv) {
        return assertThrows(DataException.class, () -> load(kv)).getMessage();
    }

    @Test
    void float32FeaturesWithIntegerLabels() throws IOException {
        file("x.npy", npy(1, "<f4", false, "(3, 2)", f4(0.5f, 1.5f, 2.5f, 3.5f, -1f, 0.1f)));
        file("y.npy", npy(1, "<i8", false, "(3,)", i8(2, 0, 1)));
        DataSet d = load("features", "x.npy", "labels", "y.npy");
        Table t = d.train();
        assertNull(d.test());
        assertEquals(Features.Storage.FLOAT32, t.features().storage());
        assertEquals(Shape.of(2), t.shape());
        assertEquals(List.of("0", "1", "2"), t.classNames());
        assertEquals((double) 0.1f, t.value(2, 1));
        assertEquals(2, t.label(0));
        assertEquals("x.npy row 1", t.where(1));
        Table named = load("features", "x.npy", "labels", "y.npy", "classNames", List.of("a", "b", "c")).train();
        assertEquals(List.of("a", "b", "c"), named.classNames());
    }

    @Test
    void uint8ImagesAreBytesOver255AndVersion2Headers() throws IOException {
        byte[] px = new byte[2 * 2 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 20 + 15);
        }
        file("img.npy", npy(2, "|u1", false, "(2, 2, 3)", px));
        file("lab.npy", npy(1, "|u1", false, "(2,)", new byte[] {1, 0}));
        Table t = load("features", "img.npy", "labels", "lab.npy").train();
        assertEquals(Shape.image(1, 2, 3), t.shape());
        assertEquals(Features.Storage.UINT8, t.features().storage());
        assertEquals(((px[7] & 0xff) / 255.0), t.value(1, 1));
        byte[] px4 = new byte[2 * 3 * 2 * 2];
        file("rgb.npy", npy(3, "|u1", false, "(2, 3, 2, 2)", px4));
        assertEquals(Shape.image(3, 2, 2), load("features", "rgb.npy", "labels", "lab.npy").train().shape());
    }

    @Test
    void bigEndianTargetsAndFortranOrder() throws IOException {
        // a 2×3 matrix [[1,2,3],[4,5,6]] stored column by column
        file("xf.npy", npy(1, ">f8", true, "(2, 3)", f8(ByteOrder.BIG_ENDIAN, 1, 4, 2, 5, 3, 6)));
        file("t.npy", npy(1, "<f8", false, "(2, 2)", f8(ByteOrder.LITTLE_ENDIAN, 0.25, 0.5, 0.75, 1.0)));
        Table t = load("features", "xf.npy", "targets", "t.npy", "targetNames", List.of("a", "b")).train();
        assertEquals(2.0, t.value(0, 1));
        assertEquals(6.0, t.value(1, 2));
        assertEquals(List.of("a", "b"), t.targetNames());
        assertEquals(0.75, t.target(1, 0));
    }

    @Test
    void npzStoredAndDeflatedWithATestPair() throws IOException {
        byte[] x = npy(1, "<f4", false, "(2, 2)", f4(1, 2, 3, 4));
        byte[] y = npy(1, "<i8", false, "(2,)", i8(0, 1));
        byte[] tx = npy(1, "<f4", false, "(1, 2)", f4(5, 6));
        byte[] ty = npy(1, "<i8", false, "(1,)", i8(1));
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(dir.resolve("d.npz")))) {
            put(z, "x.npy", x, true);
            put(z, "y.npy", y, false);
            put(z, "tx.npy", tx, true);
            put(z, "ty.npy", ty, false);
        }
        DataSet d = load("features", "d.npz:x", "labels", "d.npz:y", "test-features", "d.npz:tx", "test-labels", "d.npz:ty");
        assertEquals(6.0, d.test().value(0, 1));
        assertEquals(1, d.test().label(0));
        assertEquals(d.train().classNames(), d.test().classNames());
        assertEquals("d.npz: no array 'z'; arrays: x, y, tx, ty", error("features", "d.npz:z", "labels", "d.npz:y"));
    }

    private static void put(ZipOutputStream z, String name, byte[] b, boolean deflate) throws IOException {
        ZipEntry e = new ZipEntry(name);
        if (!deflate) {
            e.setMethod(ZipEntry.STORED);
            e.setSize(b.length);
            CRC32 c = new CRC32();
            c.update(b);
            e.setCrc(c.getValue());
        }
        z.putNextEntry(e);
        z.write(b);
        z.closeEntry();
    }

    @Test
    void errorsNameFileFieldAndOffset() throws IOException {
        file("y.npy", npy(1, "<i8", false, "(3,)", i8(2, 0, 1)));
        file("bad.npy", "hello, world".getBytes(StandardCharsets.US_ASCII));
        assertEquals("bad.npy: byte 0: not a .npy file (it does not start with \\x93NUMPY)",
                error("features", "bad.npy", "labels", "y.npy"));
        file("c.npy", npy(1, "<c16", false, "(3, 1)", new byte[48]));
        assertEquals("c.npy: header 'descr': '<c16' is not a supported type; supported: u1, u2, u4, u8, i1, i2, i4, i8, "
                + "f4, f8, b1 (little or big endian)", error("features", "c.npy", "labels", "y.npy"));
        file("x.npy", npy(1, "<f4", false, "(3, 2)", f4(1, 2, 3, 4, 5, 6)));
        file("fy.npy", npy(1, "<f8", false, "(3,)", f8(ByteOrder.LITTLE_ENDIAN, 1, 2, 3)));
        assertTrue(error("features", "x.npy", "labels", "fy.npy").startsWith("fy.npy: header 'descr': f8 labels;"));
        file("y2.npy", npy(1, "<i8", false, "(2,)", i8(0, 1)));
        assertEquals("y2.npy: header 'shape': 2 labels (2,) for 3 rows of x.npy (3, 2)",
                error("features", "x.npy", "labels", "y2.npy"));
        file("short.npy", npy(1, "<f4", false, "(4, 2)", f4(1, 2, 3)));
        assertEquals("short.npy: header 'shape' (4, 2) of <f4 needs 32 bytes after byte 128; the file has 12",
                error("features", "short.npy", "labels", "y.npy"));
        assertEquals("y.npy: label 2 at row 0 (byte 0 of the data) is not below the 2 classNames",
                error("features", "x.npy", "labels", "y.npy", "classNames", List.of("a", "b")));
    }

}
