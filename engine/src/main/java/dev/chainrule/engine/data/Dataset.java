package dev.chainrule.engine.data;

import dev.chainrule.api.Tensor;

/**
 * Labelled images kept as unsigned bytes: {@code count × rows × cols} pixels (60,000 × 784 bytes for
 * MNIST training) and one label per image in 0..numClasses−1.
 *
 * <p>A batch is formed on demand: sample {@code i} becomes the row {@code x = pixels_i / 255} of
 * {@code features() = rows·cols} doubles in [0, 1]; its label becomes the class index {@code y}.
 */
public final class Dataset {
    /** {@code b / 255} for each byte value, so every batch gets the same correctly rounded values. */
    private static final double[] SCALE = new double[256];

    static {
        for (int b = 0; b < 256; b++) {
            SCALE[b] = b / 255.0;
        }
    }

    private final String name;
    private final int count;
    private final int rows;
    private final int cols;
    private final byte[] pixels;
    private final byte[] labels;
    private final int numClasses;
    private String labelsName;
    private long labelsOffset;

    /**
     * @param name       shown in messages (e.g. the image file)
     * @param pixels     count·rows·cols unsigned bytes, image after image, row-major (not copied)
     * @param labels     count unsigned bytes (not copied)
     * @param numClasses ≥ max label + 1
     */
    public Dataset(String name, int count, int rows, int cols, byte[] pixels, byte[] labels, int numClasses) {
        if (count < 0 || rows <= 0 || cols <= 0 || (long) count * rows * cols != pixels.length) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " pixel bytes do not make "
                    + count + " images of " + rows + "×" + cols);
        }
        if (labels.length != count) {
            throw new IllegalArgumentException(name + ": " + count + " images but " + labels.length + " labels");
        }
        if (numClasses < 1 || numClasses > 256) {
            throw new IllegalArgumentException(name + ": numClasses must be 1..256, got " + numClasses);
        }
        for (int i = 0; i < count; i++) {
            if ((labels[i] & 0xff) >= numClasses) {
                throw new DataException(name + ": label " + (labels[i] & 0xff) + " of sample " + i
                        + " out of range, expected 0.." + (numClasses - 1) + " (" + numClasses + " classes)");
            }
        }
        this.name = name;
        this.count = count;
        this.rows = rows;
        this.cols = cols;
        this.pixels = pixels;
        this.labels = labels;
        this.numClasses = numClasses;
    }

    public String name() {
        return name;
    }

    /** Where the labels come from, for messages: the file and the byte offset of the first label. */
    public Dataset labelsFrom(String file, long firstLabelByte) {
        this.labelsName = file;
        this.labelsOffset = firstLabelByte;
        return this;
    }

    /** The first sample whose label is {@code classes} or more, named by file, item and byte; null when none. */
    public String labelAtLeast(int classes) {
        for (int i = 0; i < count; i++) {
            int y = labels[i] & 0xff;
            if (y >= classes) {
                return labelsName == null ? name + ": label " + y + " of sample " + i
                        : labelsName + ": label " + y + " at item " + i + " (byte " + (labelsOffset + i) + ")";
            }
        }
        return null;
    }

    /** Number of samples. */
    public int size() {
        return count;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Input width of one sample, rows·cols. */
    public int features() {
        return rows * cols;
    }

    /**
     * The sample shape the IDX header declares: {@code 1×rows×cols} (one channel) for images, a vector of
     * {@code cols} when each sample is one row.
     */
    public dev.chainrule.api.Shape shape() {
        return rows > 1 ? dev.chainrule.api.Shape.image(1, rows, cols) : dev.chainrule.api.Shape.of(cols);
    }

    public int numClasses() {
        return numClasses;
    }

    /** Label of sample {@code i}, in 0..numClasses−1. */
    public int label(int i) {
        return labels[i] & 0xff;
    }

    /** Raw pixel {@code (r, c)} of sample {@code i}, 0..255. */
    public int pixel(int i, int r, int c) {
        return pixels[(i * rows + r) * cols + c] & 0xff;
    }

    /** How many samples carry each label: {@code counts[y]} for y in 0..numClasses−1. */
    public int[] labelCounts() {
        int[] counts = new int[numClasses];
        for (byte b : labels) {
            counts[b & 0xff]++;
        }
        return counts;
    }

    /**
     * Fills a {@code len × features()} batch with samples {@code indices[from .. from+len−1]}, each pixel
     * scaled by 1/255. {@code out} is reused (nothing allocated) when it already has that shape, else a
     * new tensor is returned.
     */
    public Tensor fillBatch(int[] indices, int from, int len, Tensor out) {
        int f = features();
        Tensor t = Tensor.reuseFront(out, len, f);
        double[] d = t.data();
        for (int b = 0; b < len; b++) {
            int i = indices[from + b];
            checkIndex(i);
            int src = i * f;
            int dst = b * f;
            for (int j = 0; j < f; j++) {
                d[dst + j] = SCALE[pixels[src + j] & 0xff];
            }
        }
        return t;
    }

    /** {@link #fillBatch(int[], int, int, Tensor)} over all of {@code indices}. */
    public Tensor fillBatch(int[] indices, Tensor out) {
        return fillBatch(indices, 0, indices.length, out);
    }

    /**
     * Writes the labels of samples {@code indices[from .. from+len−1]} into {@code out[0 .. len−1]};
     * {@code out} is reused when it has length {@code len}, else a new array is returned.
     */
    public int[] fillLabels(int[] indices, int from, int len, int[] out) {
        int[] y = out != null && out.length == len ? out : new int[len];
        for (int b = 0; b < len; b++) {
            int i = indices[from + b];
            checkIndex(i);
            y[b] = labels[i] & 0xff;
        }
        return y;
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException(name + ": sample index " + i + " outside 0.." + (count - 1));
        }
    }

    @Override
    public String toString() {
        return "Dataset[" + name + ": " + count + "×" + rows + "×" + cols + ", " + numClasses + " classes]";
    }
}
