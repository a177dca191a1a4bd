package dev.chainrule.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.chainrule.api.Tensor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDatasetsTest {
    @TempDir
    Path dir;

    private void writeSplit(Path d, boolean gz, int[] trainY, int[] testY, int rows, int cols) throws Exception {
        byte[][] files = {
            Idx.images(trainY.length, rows, cols), Idx.labels(trainY),
            Idx.images(testY.length, rows, cols), Idx.labels(testY)};
        for (int k = 0; k < 4; k++) {
            String name = IdxDatasets.FILE_NAMES.get(k);
            Idx.write(d.resolve(gz ? name + ".gz" : name), gz ? Idx.gzip(files[k]) : files[k]);
        }
    }

    @Test
    void loadsAnyDirectoryInTheLayoutRawOrGz() throws Exception {
        writeSplit(dir.resolve("raw"), false, new int[] {0, 1, 2, 1}, new int[] {2, 0}, 3, 2);
        writeSplit(dir.resolve("gz"), true, new int[] {0, 1, 2, 1}, new int[] {2, 0}, 3, 2);
        for (String sub : new String[] {"raw", "gz"}) {
            DataSplit s = IdxDatasets.load(dir.resolve(sub));
            assertEquals(4, s.train().size());
            assertEquals(2, s.test().size());
            assertEquals(6, s.features());
            assertEquals(3, s.numClasses(), "max label + 1");
            assertArrayEquals(new int[] {1, 2, 1}, s.train().labelCounts());
            assertEquals(2, s.test().label(0));
            assertEquals((1 * 7 + 2 * 2 + 1) % 256, s.train().pixel(1, 2, 1));
        }
        assertEquals(12, IdxDatasets.load(dir.resolve("raw"), 12).numClasses(), "given class count wins");
    }

    @Test
    void batchIsScaledBy255AndReusesTheTensor() throws Exception {
        writeSplit(dir, false, new int[] {3, 1, 4, 1, 5}, new int[] {9}, 1, 300);
        Dataset train = IdxDatasets.load(dir).train();
        Tensor t = train.fillBatch(new int[] {4, 0}, null);
        assertEquals(2, t.rows());
        assertEquals(300, t.cols());
        for (int j = 0; j < 300; j++) {
            assertEquals(((4 * 7 + j) % 256) / 255.0, t.get(0, j), 0.0);
            assertEquals((j % 256) / 255.0, t.get(1, j), 0.0);
        }
        assertEquals(1.0, t.get(1, 255), 0.0);
        assertSame(t, train.fillBatch(new int[] {9, 1, 2, 3}, 1, 2, t), "same shape → same tensor");
        assertEquals(((7 + 5) % 256) / 255.0, t.get(0, 5), 0.0);
        int[] y = new int[2];
        assertSame(y, train.fillLabels(new int[] {0, 2, 4}, 1, 2, y));
        assertArrayEquals(new int[] {4, 5}, y);
        assertThrows(IndexOutOfBoundsException.class, () -> train.fillBatch(new int[] {5}, null));
    }

    @Test
    void imageLabelCountMismatchNamesBothFiles() throws Exception {
        writeSplit(dir, false, new int[] {0, 1, 2}, new int[] {1}, 2, 2);
        Idx.write(dir.resolve(IdxDatasets.TRAIN_LABELS), Idx.labels(0, 1));
        DataException e = assertThrows(DataException.class, () -> IdxDatasets.load(dir));
        assertEquals("train split: " + dir.resolve(IdxDatasets.TRAIN_IMAGES) + " has 3 images but "
                + dir.resolve(IdxDatasets.TRAIN_LABELS) + " has 2 labels", e.getMessage());
    }

    @Test
    void trainAndTestMustAgreeOnImageSize() throws Exception {
        writeSplit(dir, false, new int[] {0, 1}, new int[] {1}, 2, 2);
        Idx.write(dir.resolve(IdxDatasets.TEST_IMAGES), Idx.images(1, 3, 3));
        DataException e = assertThrows(DataException.class, () -> IdxDatasets.load(dir));
        assertTrue(e.getMessage().startsWith("feature counts differ: "), e.getMessage());
        assertTrue(e.getMessage().contains("2×2") && e.getMessage().contains("3×3"), e.getMessage());
    }

    @Test
    void labelOutOfGivenRange() throws Exception {
        writeSplit(dir, false, new int[] {0, 1}, new int[] {7}, 2, 2);
        DataException e = assertThrows(DataException.class, () -> IdxDatasets.load(dir, 5));
        assertEquals(dir.resolve(IdxDatasets.TEST_LABELS) + ": label 7 at byte 8 (item 0) out of range,"
                + " expected 0..4 (5 classes)", e.getMessage());
    }

    @Test
    void missingFileListsWhatIsThere() throws Exception {
        writeSplit(dir, false, new int[] {0}, new int[] {0}, 1, 1);
        java.nio.file.Files.delete(dir.resolve(IdxDatasets.TEST_LABELS));
        DataException e = assertThrows(DataException.class, () -> IdxDatasets.load(dir));
        assertTrue(e.getMessage().startsWith(dir + ": missing t10k-labels-idx1-ubyte (or t10k-labels-idx1-ubyte.gz);"),
                e.getMessage());
        DataException e2 = assertThrows(DataException.class, () -> IdxDatasets.load(dir.resolve("absent")));
        assertTrue(e2.getMessage().contains("no such data directory"), e2.getMessage());
    }

    /** The real MNIST files, when CHAINRULE_MNIST_DIR points at them (label counts from shared/DATA.md). */
    @Test
    void realMnistLabelCounts() {
        String d = System.getenv("CHAINRULE_MNIST_DIR");
        assumeTrue(d != null && !d.isBlank(), "CHAINRULE_MNIST_DIR not set");
        DataSplit s = IdxDatasets.load(Path.of(d));
        assertEquals(60000, s.train().size());
        assertEquals(10000, s.test().size());
        assertEquals(784, s.features());
        assertEquals(10, s.numClasses());
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949},
                s.train().labelCounts());
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009},
                s.test().labelCounts());
    }
}
