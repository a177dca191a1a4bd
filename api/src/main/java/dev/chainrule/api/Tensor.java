package dev.chainrule.api;

import java.util.Arrays;

/**
 * A batch of row vectors: {@code rows × cols} doubles in one contiguous row-major array.
 *
 * <p>Row {@code b} is sample {@code b} of a batch; entry {@code (b, j)} is {@code data[b * cols + j]}.
 * Stages own the tensors they return and reuse them from call to call while the batch size stays the
 * same, so the training loop allocates nothing per sample. A caller that needs a result after the next
 * call copies it ({@link #copy()}).
 */
public final class Tensor {
    private final int rows;
    private final int cols;
    private final double[] data;

    /** A zero tensor of the given shape. */
    public Tensor(int rows, int cols) {
        this(rows, cols, new double[checkedSize(rows, cols)]);
    }

    /** Wraps {@code data} (not copied) as a {@code rows × cols} row-major tensor. */
    public Tensor(int rows, int cols, double[] data) {
        if (data.length != checkedSize(rows, cols)) {
            throw new IllegalArgumentException(
                    "tensor " + rows + "×" + cols + " needs " + (long) rows * cols + " values, got " + data.length);
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    private static int checkedSize(int rows, int cols) {
        if (rows < 0 || cols < 0 || (long) rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("bad tensor shape " + rows + "×" + cols);
        }
        return rows * cols;
    }

    /** A 1 × n tensor holding a copy of {@code row}. */
    public static Tensor row(double... row) {
        return new Tensor(1, row.length, row.clone());
    }

    /** A tensor holding a copy of the given rows (all of the same length). */
    public static Tensor of(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        Tensor t = new Tensor(rows.length, cols);
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) {
                throw new IllegalArgumentException("ragged rows: row 0 has " + cols + ", row " + r + " has " + rows[r].length);
            }
            System.arraycopy(rows[r], 0, t.data, r * cols, cols);
        }
        return t;
    }

    /**
     * {@code t} itself when it already has the shape {@code rows × cols}, else a new zero tensor of that
     * shape. Stages use it to keep one output buffer per batch size.
     */
    public static Tensor reuse(Tensor t, int rows, int cols) {
        return t != null && t.rows == rows && t.cols == cols ? t : new Tensor(rows, cols);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The backing row-major array (not a copy). */
    public double[] data() {
        return data;
    }

    /** Offset of row {@code r} in {@link #data()}. */
    public int offset(int r) {
        return r * cols;
    }

    public double get(int r, int c) {
        return data[r * cols + c];
    }

    public void set(int r, int c, double v) {
        data[r * cols + c] = v;
    }

    /** A copy of row {@code r}. */
    public double[] rowCopy(int r) {
        return Arrays.copyOfRange(data, r * cols, (r + 1) * cols);
    }

    /** Copies of all rows. */
    public double[][] toArray() {
        double[][] out = new double[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = rowCopy(r);
        }
        return out;
    }

    public Tensor copy() {
        return new Tensor(rows, cols, data.clone());
    }

    public void fill(double v) {
        Arrays.fill(data, v);
    }

    @Override
    public String toString() {
        return "Tensor[" + rows + "×" + cols + "]";
    }
}
