package dev.chainrule.engine.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads a train/test split from a directory holding the four IDX files of the MNIST layout (any data set
 * in that layout works, not only MNIST):
 * {@value #TRAIN_IMAGES}, {@value #TRAIN_LABELS}, {@value #TEST_IMAGES}, {@value #TEST_LABELS}, each
 * optionally with a {@code .gz} suffix (the raw file is used when both exist; gzip is detected from the
 * content, not the name).
 *
 * <p>Headers are checked against each other (image count = label count per split, train and test with the
 * same rows×cols) before any payload is read. The class count is given, or max label + 1 over both splits.
 */
public final class IdxDatasets {
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    /** The four file names, without {@code .gz}. */
    public static final List<String> FILE_NAMES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    private IdxDatasets() {
    }

    /** {@link #load(Path, int)} with the class count inferred from the labels. */
    public static DataSplit load(Path dir) {
        return load(dir, 0);
    }

    /**
     * @param numClasses 1..256 to check every label against, or 0 to use max label + 1
     */
    public static DataSplit load(Path dir, int numClasses) {
        if (numClasses < 0 || numClasses > 256) {
            throw new DataException("class count " + numClasses + " invalid, expected 1..256 (or 0 to infer)");
        }
        if (!Files.isDirectory(dir)) {
            throw new DataException(dir + ": no such data directory; expected a directory with "
                    + String.join(", ", FILE_NAMES) + " (each optionally .gz)");
        }
        Path trainImages = find(dir, TRAIN_IMAGES);
        Path trainLabels = find(dir, TRAIN_LABELS);
        Path testImages = find(dir, TEST_IMAGES);
        Path testLabels = find(dir, TEST_LABELS);

        IdxHeader trI = IdxReader.readHeader(trainImages, IdxReader.IMAGES_MAGIC);
        IdxHeader trL = IdxReader.readHeader(trainLabels, IdxReader.LABELS_MAGIC);
        IdxHeader teI = IdxReader.readHeader(testImages, IdxReader.IMAGES_MAGIC);
        IdxHeader teL = IdxReader.readHeader(testLabels, IdxReader.LABELS_MAGIC);
        checkCounts("train", trI, trL);
        checkCounts("test", teI, teL);
        if (trI.dims()[1] != teI.dims()[1] || trI.dims()[2] != teI.dims()[2]) {
            throw new DataException("feature counts differ: " + trainImages + " holds " + trI.dims()[1] + "×"
                    + trI.dims()[2] + " images but " + testImages + " holds " + teI.dims()[1] + "×" + teI.dims()[2]);
        }

        IdxReader.Labels yTrain = IdxReader.readLabels(trainLabels, numClasses);
        IdxReader.Labels yTest = IdxReader.readLabels(testLabels, numClasses);
        int classes = numClasses > 0 ? numClasses : Math.max(yTrain.maxLabel(), yTest.maxLabel()) + 1;
        IdxReader.Images xTrain = IdxReader.readImages(trainImages);
        IdxReader.Images xTest = IdxReader.readImages(testImages);
        return new DataSplit(
                new Dataset(trainImages.toString(), xTrain.count(), xTrain.rows(), xTrain.cols(), xTrain.pixels(),
                        yTrain.labels(), Math.max(classes, 1)).labelsFrom(labelsName(yTrain), trL.headerBytes()),
                new Dataset(testImages.toString(), xTest.count(), xTest.rows(), xTest.cols(), xTest.pixels(),
                        yTest.labels(), Math.max(classes, 1)).labelsFrom(labelsName(yTest), teL.headerBytes()));
    }

    private static String labelsName(IdxReader.Labels l) {
        return l.header().file() + (l.header().gzip() ? " (uncompressed)" : "");
    }

    /** {@code dir/name} if it exists, else {@code dir/name.gz}; a one-line error naming what is there otherwise. */
    static Path find(Path dir, String name) {
        Path raw = dir.resolve(name);
        Path gz = dir.resolve(name + ".gz");
        for (Path p : new Path[] {raw, gz}) {
            if (Files.isRegularFile(p)) {
                return p;
            }
            if (Files.exists(p) || Files.isSymbolicLink(p)) {
                // a FIFO would block the read, a device (a link to /dev/zero) never ends: refuse by name
                try {
                    dev.chainrule.engine.io.SafeFiles.regular(p, p.toString());
                } catch (dev.chainrule.engine.base.BadInputException e) {
                    throw new DataException(e.getMessage());
                }
            }
        }
        String present;
        try (Stream<Path> s = Files.list(dir)) {
            present = s.map(p -> p.getFileName().toString()).sorted().limit(20).collect(Collectors.joining(", "));
        } catch (IOException e) {
            present = "(unreadable: " + e.getMessage() + ")";
        }
        throw new DataException(dir + ": missing " + name + " (or " + name + ".gz); the directory holds ["
                + present + "], expected " + String.join(", ", FILE_NAMES));
    }

    private static void checkCounts(String split, IdxHeader images, IdxHeader labels) {
        if (images.count() != labels.count()) {
            throw new DataException(split + " split: " + images.file() + " has " + images.count()
                    + " images but " + labels.file() + " has " + labels.count() + " labels");
        }
    }
}
