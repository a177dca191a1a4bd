package dev.chainrule.api;

import java.util.Arrays;

/**
 * A batch of row vectors: {@code rows × cols} doubles in one contiguous row-major array.
 *
 * <p>Row {@code b} is sample {@code b} of a batch; entry {@code (b, j)} is {@code data[b * cols + j]}.
 * Stages own the tensors they return and reuse them from call to call ({@link #reuse}), one per batch
 * shape seen, so the training loop allocates nothing per sample nor per epoch. A caller that needs a result
 * after the next call copies it ({@link #copy()}).
 */
public final class Tensor {
    /**
     * How many shapes one {@link #reuse} chain keeps: a training epoch sees up to four batch sizes (the
     * batch, the last partial batch, the evaluation batch and its last partial batch).
     */
    static final int KEPT_SHAPES = 4;

    private final int rows;
    private final int cols;
    private final double[] data;
    /** The tensors {@link #reuse} made from this one or it from them, most recently asked for first; null until a second shape. */
    private Tensor[] kept;

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
     * A tensor of shape {@code rows × cols} for a stage's next result: {@code t} itself when it has that shape,
     * else the tensor an earlier call on {@code t}'s chain returned for that shape (its old values left in
     * place, as with {@code t}), else a new zero tensor that joins the chain. The chain keeps the
     * {@value #KEPT_SHAPES} shapes asked for most recently, so a stage fed batches of 128, 96, 128, … rows
     * keeps two buffers instead of dropping one at every change of size (a new buffer per epoch and per
     * evaluation, left for the collector). Stages call it on their own field only: {@code out = reuse(out, b, n)}.
     */
    public static Tensor reuse(Tensor t, int rows, int cols) {
        if (t == null) {
            return new Tensor(rows, cols);
        }
        if (t.rows == rows && t.cols == cols) {
            return t;
        }
        Tensor[] chain = t.kept != null ? t.kept : new Tensor[] {t};
        int at = 0;
        while (at < chain.length && !(chain[at].rows == rows && chain[at].cols == cols)) {
            at++;
        }
        Tensor found;
        if (at < chain.length) {
            found = chain[at];
        } else {
            found = new Tensor(rows, cols);
            if (chain.length < KEPT_SHAPES) {
                chain = Arrays.copyOf(chain, chain.length + 1);
            } else {
                chain[chain.length - 1].kept = null; // full: the least recently asked-for shape is dropped
            }
            at = chain.length - 1;
        }
        System.arraycopy(chain, 0, chain, 1, at); // most recent first
        chain[0] = found;
        for (Tensor member : chain) {
            member.kept = chain;
        }
        return found;
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
