package dev.chainrule.api.data;

/**
 * The features of a table's rows, {@code rows × width} values row after row, kept compactly in one of three
 * forms: unsigned bytes with a divisor ({@code value = byte / divisor}, e.g. pixels with 255), float32 or
 * float64. Reading converts to double; the byte form looks each value up in a 256-entry table of
 * {@code b / divisor}, so every read gives the same correctly rounded value (MNIST pixels are bitwise the
 * values {@code b / 255.0}).
 */
public final class Features {
    /** How the values are stored. */
    public enum Storage { UINT8, FLOAT32, FLOAT64 }

    private final Storage storage;
    private final int width;
    private final int rows;
    private final byte[] bytes;
    private final double[] table;
    private final double divisor;
    private final float[] floats;
    private final double[] doubles;

    private Features(Storage storage, int width, int length, int rows, byte[] bytes, double divisor, float[] floats,
            double[] doubles) {
        if (width <= 0) {
            throw new IllegalArgumentException("a row needs at least one feature, got " + width);
        }
        if (rows < 0 ? length % width != 0 : (long) rows * width > length) {
            throw new IllegalArgumentException(length + " values do not make " + (rows < 0 ? "" : rows + " ")
                    + "rows of " + width);
        }
        this.storage = storage;
        this.width = width;
        this.rows = rows < 0 ? length / width : rows;
        this.bytes = bytes;
        this.divisor = divisor;
        this.floats = floats;
        this.doubles = doubles;
        if (bytes != null) {
            if (!(divisor > 0) || !Double.isFinite(divisor)) {
                throw new IllegalArgumentException("the divisor must be positive and finite, got " + divisor);
            }
            table = new double[256];
            for (int b = 0; b < 256; b++) {
                table[b] = b / divisor;
            }
        } else {
            table = null;
        }
    }

    /** Unsigned bytes, {@code value = (b & 0xff) / divisor}; {@code data} is not copied. */
    public static Features uint8(byte[] data, int width, double divisor) {
        return new Features(Storage.UINT8, width, data.length, -1, data, divisor, null, null);
    }

    /** Pixels: unsigned bytes divided by 255, values in [0, 1]. */
    public static Features pixels(byte[] data, int width) {
        return uint8(data, width, 255.0);
    }

    /** float32 values (not copied). */
    public static Features float32(float[] data, int width) {
        return new Features(Storage.FLOAT32, width, data.length, -1, null, 1, data, null);
    }

    /** float64 values (not copied). */
    public static Features float64(double[] data, int width) {
        return new Features(Storage.FLOAT64, width, data.length, -1, null, 1, null, data);
    }

    /**
     * The first {@code rows} rows of {@code data} as float64 values (not copied): a loader that over-allocated
     * while it could not know the row count need not copy its array to trim it.
     */
    public static Features float64(double[] data, int rows, int width) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must not be negative, got " + rows);
        }
        return new Features(Storage.FLOAT64, width, data.length, rows, null, 1, null, data);
    }

    public Storage storage() {
        return storage;
    }

    /** The divisor of the byte form (1 for the float forms). */
    public double divisor() {
        return divisor;
    }

    /** Values per row. */
    public int width() {
        return width;
    }

    public int rows() {
        return rows;
    }

    /** Bytes held. */
    public long byteSize() {
        return (long) rows * width * (storage == Storage.UINT8 ? 1 : storage == Storage.FLOAT32 ? 4 : 8);
    }

    /** Value {@code feature} of row {@code row}. */
    public double value(int row, int feature) {
        if (feature < 0 || feature >= width) {
            throw new IndexOutOfBoundsException("feature " + feature + " of " + width);
        }
        long i = (long) row * width + feature;
        return switch (storage) {
            case UINT8 -> table[bytes[(int) i] & 0xff];
            case FLOAT32 -> floats[(int) i];
            case FLOAT64 -> doubles[(int) i];
        };
    }

    /**
     * Writes rows {@code order[from], …, order[from + count − 1]} (rows {@code from, …} when {@code order} is
     * null) one after the other into {@code out}, {@code count × width} doubles from index 0.
     */
    public void fillRows(int[] order, int from, int count, double[] out) {
        if ((long) count * width > out.length) {
            throw new IllegalArgumentException(count + " rows of " + width + " do not fit " + out.length + " values");
        }
        for (int k = 0; k < count; k++) {
            int row = order == null ? from + k : order[from + k];
            if (row < 0 || row >= rows) {
                throw new IndexOutOfBoundsException("row " + row + " of " + rows);
            }
            int src = row * width;
            int dst = k * width;
            switch (storage) {
                case UINT8 -> {
                    for (int j = 0; j < width; j++) {
                        out[dst + j] = table[bytes[src + j] & 0xff];
                    }
                }
                case FLOAT32 -> {
                    for (int j = 0; j < width; j++) {
                        out[dst + j] = floats[src + j];
                    }
                }
                case FLOAT64 -> System.arraycopy(doubles, src, out, dst, width);
            }
        }
    }
}
