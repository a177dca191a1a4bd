package dev.chainrule.api;

import java.util.Arrays;

/**
 * A batch of row vectors: {@code rows × cols} doubles, the first {@link #size()} entries of a row-major array.
 *
 * <p>Row {@code b} is sample {@code b} of a batch; entry {@code (b, j)} is {@code data[b * cols + j]}.
 * Stages own the tensors they return and reuse them from call to call ({@link #reuseFront}): a smaller batch
 * (an epoch's last one, an evaluation's) writes into the front of the buffer of the largest batch seen, so
 * the training loop allocates nothing per sample nor per epoch. {@link #data()} can then be longer than
 * {@code rows·cols}: loops run to {@link #size()}, never to {@code data().length}. A caller that needs a
 * result after the next call copies it ({@link #copy()}).
 */
public final class Tensor {
    private final int rows;
    private final int cols;
    private final double[] data;

    /** A zero tensor of the given shape. */
    public Tensor(int rows, int cols) {
        this(rows, cols, new double[checkedSize(rows, cols)]);
    }

    /** Wraps {@code data} (not copied, exactly {@code rows·cols} long) as a {@code rows × cols} row-major tensor. */
    public Tensor(int rows, int cols, double[] data) {
        if (data.length != checkedSize(rows, cols)) {
            throw new IllegalArgumentException(
                    "tensor " + rows + "×" + cols + " needs " + (long) rows * cols + " values, got " + data.length);
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    /** A {@code rows × cols} view of the front of {@code data}, which is at least that long ({@link #reuseFront}). */
    private Tensor(double[] data, int rows, int cols) {
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
     * {@code t} itself when it already has the shape {@code rows × cols}, else a new zero tensor of exactly that
     * shape ({@code data().length == size()}). Stages use it to keep one output buffer per batch size; the
     * tensor it returns is never a view ({@link #reuseFront} keeps one buffer for all sizes).
     */
    public static Tensor reuse(Tensor t, int rows, int cols) {
        return t != null && t.rows == rows && t.cols == cols ? t : new Tensor(rows, cols);
    }

    /**
     * A tensor of shape {@code rows × cols} for a stage's next result, in {@code t}'s buffer when it is large
     * enough: {@code t} itself when it has that shape, else a view of the front of {@code t}'s array (its old
     * values left in place, as with {@code t}), else a new zero tensor. So a stage fed batches of 128, 96,
     * 128, … rows keeps one buffer, sized for the largest batch, instead of dropping it at every change of
     * size (two buffers left for the collector per epoch and per evaluation). A stage that uses it loops to
     * {@link #size()}, never to {@code data().length}. Stages call it on their own field only:
     * {@code out = reuseFront(out, b, n)} (api 3.2).
     */
    public static Tensor reuseFront(Tensor t, int rows, int cols) {
        if (t == null) {
            return new Tensor(rows, cols);
        }
        if (t.rows == rows && t.cols == cols) {
            return t;
        }
        return (long) rows * cols <= t.data.length && rows >= 0 && cols >= 0
                ? new Tensor(t.data, rows, cols) : new Tensor(rows, cols);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The number of entries, {@code rows·cols}: the tensor's part of {@link #data()}. */
    public int size() {
        return rows * cols;
    }

    /**
     * The backing row-major array (not a copy). The tensor is its first {@link #size()} entries; a tensor from
     * {@link #reuseFront} can have a longer array (the buffer of a larger batch), whose tail is not part of it.
     */
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

    /** A tensor of the same shape and values in an array of its own, exactly {@link #size()} long. */
    public Tensor copy() {
        return new Tensor(rows, cols, Arrays.copyOf(data, size()));
    }

    public void fill(double v) {
        Arrays.fill(data, 0, size(), v);
    }

    @Override
    public String toString() {
        return "Tensor[" + rows + "×" + cols + "]";
    }
}
