package dev.chainrule.api;

import java.util.Arrays;

/**
 * A trainable tensor θ of a layer, of any rank (a bias vector, a weight matrix, a 4-d convolution kernel),
 * with its gradient accumulator. {@code model.json} records its real shape.
 *
 * <p>Index convention (docs/math.md): a matrix {@code W ∈ R^{m×n}} is flattened row-major, so flat index
 * {@code i·n + k} is {@code W_ik}; {@link #get(int)}, {@link #set(int, double)} and every Jacobian with
 * respect to this parameter use that order. The backing arrays may use another storage order
 * ({@link Storage#COLUMN_MAJOR} keeps a column of {@code W} contiguous, which makes sparse inputs cheap);
 * code that works on {@link #value()} and {@link #grad()} directly must be elementwise (as an SGD step is)
 * or go through {@link #storageIndex(int)}.
 */
public final class Parameter {

    /** How {@link #value()} is laid out in memory. */
    public enum Storage {
        /** storage index = flat index. */
        ROW_MAJOR,
        /** a matrix {@code m×n} stored by columns: {@code W_ik} at {@code k·m + i}. */
        COLUMN_MAJOR
    }

    private final String name;
    private final int[] shape;
    private final Storage storage;
    private final double[] value;
    private final double[] grad;

    public Parameter(String name, int[] shape, Storage storage) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("parameter " + name + ": a shape needs at least one dimension");
        }
        long size = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("parameter " + name + ": bad dimension " + d);
            }
            size *= d;
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("parameter " + name + ": " + size + " entries is too many");
        }
        if (storage == Storage.COLUMN_MAJOR && shape.length != 2) {
            throw new IllegalArgumentException("parameter " + name + ": column-major storage needs a matrix");
        }
        this.name = name;
        this.shape = shape.clone();
        this.storage = storage;
        this.value = new double[(int) size];
        this.grad = new double[(int) size];
    }

    /** A row-major parameter of any rank, such as a kernel {@code K ∈ R^{C_out×C_in×k_h×k_w}}. */
    public static Parameter tensor(String name, int... shape) {
        return new Parameter(name, shape, Storage.ROW_MAJOR);
    }

    /** A vector parameter such as a bias {@code b ∈ R^n}. */
    public static Parameter vector(String name, int n) {
        return new Parameter(name, new int[] {n}, Storage.ROW_MAJOR);
    }

    /** A matrix parameter {@code m×n} with the given storage. */
    public static Parameter matrix(String name, int m, int n, Storage storage) {
        return new Parameter(name, new int[] {m, n}, storage);
    }

    public String name() {
        return name;
    }

    public int[] shape() {
        return shape.clone();
    }

    public Storage storage() {
        return storage;
    }

    public int size() {
        return value.length;
    }

    /** The values in storage order (not a copy). */
    public double[] value() {
        return value;
    }

    /** The gradient accumulator in storage order (not a copy); a backward pass adds to it. */
    public double[] grad() {
        return grad;
    }

    /** Where docs/math.md's flat (row-major) index lives in {@link #value()} and {@link #grad()}. */
    public int storageIndex(int flat) {
        if (storage == Storage.ROW_MAJOR) {
            return flat;
        }
        int m = shape[0];
        int n = shape[1];
        return (flat % n) * m + flat / n;
    }

    /** θ at docs/math.md's flat index. */
    public double get(int flat) {
        return value[storageIndex(flat)];
    }

    public void set(int flat, double v) {
        value[storageIndex(flat)] = v;
    }

    /** The gradient at docs/math.md's flat index. */
    public double gradAt(int flat) {
        return grad[storageIndex(flat)];
    }

    /** The values flattened row-major (docs/math.md order), a copy. */
    public double[] toRowMajor() {
        double[] out = new double[value.length];
        for (int f = 0; f < out.length; f++) {
            out[f] = value[storageIndex(f)];
        }
        return out;
    }

    /** Sets every value from a row-major (docs/math.md order) array. */
    public void setFromRowMajor(double[] rowMajor) {
        if (rowMajor.length != value.length) {
            throw new IllegalArgumentException("parameter " + name + " has " + value.length + " values, got " + rowMajor.length);
        }
        for (int f = 0; f < rowMajor.length; f++) {
            value[storageIndex(f)] = rowMajor[f];
        }
    }

    public void zeroGrad() {
        Arrays.fill(grad, 0.0);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
