package dev.chainrule.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsRawImagesAndLabels() throws Exception {
        byte[] img = Idx.images(3, 2, 4);
        Path f = Idx.write(dir.resolve("imgs"), img);
        IdxReader.Images x = IdxReader.readImages(f);
        assertEquals(3, x.count());
        assertEquals(2, x.rows());
        assertEquals(4, x.cols());
        assertArrayEquals(Arrays.copyOfRange(img, 16, img.length), x.pixels());
        assertFalse(x.header().gzip());

        IdxReader.Labels y = IdxReader.readLabels(Idx.write(dir.resolve("labs"), Idx.labels(2, 0, 7)), 10);
        assertArrayEquals(new byte[] {2, 0, 7}, y.labels());
        assertEquals(7, y.maxLabel());
    }

    @Test
    void detectsGzipByMagicBytesNotName() throws Exception {
        byte[] img = Idx.images(5, 3, 3);
        // no .gz suffix on purpose
        Path f = Idx.write(dir.resolve("train-images-idx3-ubyte"), Idx.gzip(img));
        IdxReader.Images x = IdxReader.readImages(f);
        assertTrue(x.header().gzip());
        assertArrayEquals(Arrays.copyOfRange(img, 16, img.length), x.pixels());
    }

    @Test
    void rejectsWrongMagicNamingBoth() throws Exception {
        Path f = Idx.write(dir.resolve("labels-as-images"), Idx.labels(1, 2, 3));
        DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(f));
        assertEquals(f + ": bad magic number 0x00000801 at byte 0, expected 0x00000803 "
                + "(IDX unsigned-byte images, 3 dimensions)", e.getMessage());
    }

    @Test
    void rejectsTruncatedRawFileBeforeReading() throws Exception {
        byte[] img = Idx.images(4, 5, 5);
        Path f = Idx.write(dir.resolve("short"), Arrays.copyOf(img, img.length - 10));
        DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(f));
        assertEquals(f + ": truncated at byte 106: header says 4×5×5 = 100 payload + 16 header = 116 bytes,"
                + " file has 106", e.getMessage());
    }

    @Test
    void rejectsTruncatedGzipStream() throws Exception {
        byte[] img = Idx.images(4, 5, 5);
        Path f = Idx.write(dir.resolve("short.gz"), Idx.gzip(Arrays.copyOf(img, 60)));
        DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().startsWith(f + ": truncated at byte 60 (uncompressed): header says 4×5×5"),
                e.getMessage());
        // the gzip container itself cut short
        byte[] gz = Idx.gzip(img);
        Path g = Idx.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length - 12));
        DataException e2 = assertThrows(DataException.class, () -> IdxReader.readImages(g));
        assertTrue(e2.getMessage().startsWith(g + ":"), e2.getMessage());
    }

    @Test
    void rejectsTrailingBytesRawAndGzip() throws Exception {
        byte[] lab = Idx.concat(Idx.labels(1, 2), new byte[] {9, 9, 9});
        Path f = Idx.write(dir.resolve("trail"), lab);
        DataException e = assertThrows(DataException.class, () -> IdxReader.readLabels(f, 10));
        assertEquals(f + ": 3 trailing bytes after byte 10: header says 2 = 2 payload + 8 header = 10 bytes,"
                + " file has 13", e.getMessage());
        Path g = Idx.write(dir.resolve("trail.gz"), Idx.gzip(lab));
        DataException e2 = assertThrows(DataException.class, () -> IdxReader.readLabels(g, 10));
        assertTrue(e2.getMessage().startsWith(g + ": 3 trailing bytes after byte 10 (uncompressed)"), e2.getMessage());
    }

    @Test
    void rejectsOversizedDimsWithoutAllocating() throws Exception {
        // 65536×65536×1 = 2^32 bytes: overflows an int and exceeds any Java array
        Path f = Idx.write(dir.resolve("huge"), Idx.header(IdxReader.IMAGES_MAGIC, 65536, 65536, 1));
        DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(f));
        assertEquals(f + ": header says 65536×65536×1 = 4294967296 bytes, more than the 2147483639-byte limit of one"
                + " in-memory array", e.getMessage());
        // a count of 2^31 reads as a negative int
        Path g = Idx.write(dir.resolve("neg"), Idx.header(IdxReader.LABELS_MAGIC, 0x80000000));
        DataException e2 = assertThrows(DataException.class, () -> IdxReader.readLabels(g, 10));
        assertEquals(g + ": dimension 0 at byte 4 is 2147483648, expected 1..2147483647", e2.getMessage());
        Path z = Idx.write(dir.resolve("zero"), Idx.header(IdxReader.IMAGES_MAGIC, 3, 0, 28));
        DataException e3 = assertThrows(DataException.class, () -> IdxReader.readImages(z));
        assertEquals(z + ": dimension 1 at byte 8 is 0, expected 1..2147483647", e3.getMessage());
    }

    @Test
    void rejectsLabelOutOfRange() throws Exception {
        Path f = Idx.write(dir.resolve("labs"), Idx.labels(0, 9, 10, 3));
        DataException e = assertThrows(DataException.class, () -> IdxReader.readLabels(f, 10));
        assertEquals(f + ": label 10 at byte 10 (item 2) out of range, expected 0..9 (10 classes)", e.getMessage());
        assertEquals(10, IdxReader.readLabels(f, 0).maxLabel());
    }

    @Test
    void headerOnlyFileIsTruncatedAtTheMissingDimension() throws Exception {
        Path f = Idx.write(dir.resolve("hdr"), Arrays.copyOf(Idx.header(IdxReader.IMAGES_MAGIC, 1, 2, 3), 10));
        DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(f));
        assertEquals(f + ": truncated at byte 10: expected a 4-byte dimension 1 at byte 8", e.getMessage());
    }

    @Test
    void missingFileIsOneLine() {
        Path f = dir.resolve("nope");
        DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(f));
        assertEquals(f + ": no such file", e.getMessage());
    }
}
