package dev.chainrule.layers;

import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.InPlaceUpdate;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.support.DenseJacobian;
import dev.chainrule.api.support.IdentityJacobian;
import dev.chainrule.api.support.KroneckerJacobian;
import dev.chainrule.api.support.ShapedStage;
import dev.chainrule.kernels.DenseKernels;
import dev.chainrule.kernels.Sums;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The linear map {@code ẑ = W x + b}, {@code W ∈ R^{m×n}}, {@code b ∈ R^m}, applied to each row of a batch
 * (docs/math.md, "Dense").
 *
 * <p>Jacobians at the base point {@code x} (the saved input):
 * <ul>
 *   <li>{@code D_x ẑ = W}, m×n ({@link DenseJacobian});
 *   <li>{@code D_W ẑ = I_m ⊗ xᵀ}, m×mn with W flattened row-major ({@link KroneckerJacobian});
 *   <li>{@code D_b ẑ = I_m}, m×m ({@link IdentityJacobian}).
 * </ul>
 * Reverse mode never builds them: {@code g·D_x = g W}, {@code g·D_W = gᵀxᵀ}, {@code g·D_b = g}.
 *
 * <p>W is stored column-major ({@link Parameter.Storage#COLUMN_MAJOR}), so column k of W is contiguous and
 * {@code W x = Σ_k x_k W[:,k]} touches only the columns where {@code x_k ≠ 0}. How the sums are scheduled
 * (sparse lists, panels, GEMM tiles, threads) is {@link DenseKernels}' business; the bits depend on the batch
 * and its inputs, never on the thread count. A batch of more than 128 rows sums the gradients over its rows
 * by {@link Sums} instead (up to 128 rows the plain sums are its bits).
 */
public final class Dense extends ShapedStage implements Layer, InPlaceUpdate {
    /** The type id. */
    public static final String TYPE = "dense";

    private final int n;
    private final int m;
    private final Parameter weight;
    private final Parameter bias;
    private final DenseKernels kernels;
    private Tensor input;
    private Tensor output;
    private Tensor inputGradient;
    private double[] biasSums = new double[0];
    private double[] weightSums = new double[0];

    /** A dense layer {@code R^n → R^m}, W filled by {@code init} from a RNG seeded with {@code seed}, b = 0. */
    public Dense(int n, int m, Initializer init, long seed) {
        this(Shape.of(n), m, init, seed);
    }

    /** A dense layer on rows of {@code inputShape}, read as one vector (channel-major for an image). */
    public Dense(Shape inputShape, int m, Initializer init, long seed) {
        super(TYPE, inputShape, outputShape(inputShape, m));
        this.n = inputShape.size();
        this.m = m;
        this.weight = Parameter.matrix("W", m, n, Parameter.Storage.COLUMN_MAJOR);
        this.bias = Parameter.vector("b", m);
        init.fill(weight, n, m, new SplittableRandom(seed));
        this.kernels = new DenseKernels(n, m);
    }

    private static Shape outputShape(Shape inputShape, int m) {
        if (inputShape.size() <= 0 || m <= 0) {
            throw new IllegalArgumentException("dense: sizes must be positive, got input " + inputShape.size() + ", units " + m);
        }
        return Shape.of(m);
    }

    /** {@code ẑ = W x + b} for every row; x is kept as the base point of the Jacobians and VJPs. */
    @Override
    public Tensor forward(Tensor x, ForwardContext context) {
        if (x.cols() != n) {
            throw new IllegalArgumentException("dense: expects rows of " + n + " inputs, got " + x);
        }
        output = Tensor.reuseFront(output, x.rows(), m);
        kernels.forward(weight.value(), bias.value(), x.data(), x.rows(), output.data());
        input = x; // the contract keeps x unchanged until backward: no copy
        return output;
    }

    /** {@code D_x ẑ = W}. */
    @Override
    public Jacobian jacobian(int row) {
        checkRow(row);
        return DenseJacobian.columnMajor(m, n, weight.value(), "W");
    }

    /** {@code D_W ẑ = I_m ⊗ xᵀ} (index 0) and {@code D_b ẑ = I_m} (index 1). */
    @Override
    public Jacobian parameterJacobian(int index, int row) {
        checkRow(row);
        return switch (index) {
            case 0 -> new KroneckerJacobian(m, input.rowCopy(row));
            case 1 -> new IdentityJacobian(m);
            default -> throw new IndexOutOfBoundsException("dense has parameters 0 (W) and 1 (b), not " + index);
        };
    }

    /** The three VJPs: returns {@code g·D_x = gW}, adds {@code Σ gᵀxᵀ} to grad W and {@code Σ g} to grad b. */
    @Override
    public Tensor backward(Tensor g, boolean propagate) {
        checkGradient(g);
        Tensor gx = propagate ? inputVjp(g) : null;
        if (g.rows() > Sums.BLOCK) {
            longBatchSums(g);
            addScaled(1.0, biasSums, bias.grad());
            addScaled(1.0, weightSums, weight.grad());
            return gx;
        }
        subtractRows(g, -1.0, bias.grad());
        kernels.accumulateWeightVjp(input.data(), g.data(), g.rows(), weight.grad());
        return gx;
    }

    /**
     * The same VJPs with the step applied in place: {@code g·D_x = gW} first (with the W of the forward
     * pass), then {@code b ← b − η·Σ g} and {@code W ← W − η·Σ gᵀxᵀ}, skipping the columns where every
     * {@code x_k = 0} (on MNIST at batch 1 about 80% of W is never read or written).
     */
    @Override
    public Tensor backwardAndUpdate(Tensor g, boolean propagate, double stepSize) {
        checkGradient(g);
        Tensor gx = propagate ? inputVjp(g) : null;
        if (g.rows() > Sums.BLOCK) {
            longBatchSums(g);
            addScaled(-stepSize, biasSums, bias.value());
            addScaled(-stepSize, weightSums, weight.value());
            return gx;
        }
        subtractRows(g, stepSize, bias.value());
        kernels.descendWeights(input.data(), g.data(), g.rows(), stepSize, weight.value());
        return gx;
    }

    /**
     * Batches of more than {@link Sums#BLOCK} rows: {@code Σ_r g_r} and {@code Σ_r g_r x_rᵀ} by {@link Sums} (the
     * plain row-by-row sums of the kernels are its bits up to that size, and lose digits beyond), into
     * {@link #biasSums} and {@link #weightSums} (column-major as W). G and X are transposed first, so each entry's
     * terms are contiguous.
     */
    private void longBatchSums(Tensor g) {
        int rows = g.rows();
        double[] gt = transpose(g.data(), rows, m);
        double[] xt = transpose(input.data(), rows, n);
        if (biasSums.length != m) {
            biasSums = new double[m];
            weightSums = new double[m * n];
        }
        for (int i = 0; i < m; i++) {
            biasSums[i] = Sums.sum(gt, i * rows, rows);
        }
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < m; i++) {
                weightSums[k * m + i] = Sums.dot(gt, i * rows, xt, k * rows, rows);
            }
        }
    }

    private static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }

    /** {@code target += scale·v}. */
    private static void addScaled(double scale, double[] v, double[] target) {
        for (int i = 0; i < v.length; i++) {
            target[i] += scale * v[i];
        }
    }

    /** {@code g·D_x = g W} for every row. */
    private Tensor inputVjp(Tensor g) {
        inputGradient = Tensor.reuseFront(inputGradient, g.rows(), n);
        kernels.inputVjp(weight.value(), g.data(), g.rows(), inputGradient.data());
        return inputGradient;
    }

    /** {@code target −= scale·g_r} for the rows in order ({@code g·D_b = g}; scale −1 adds g exactly). */
    private void subtractRows(Tensor g, double scale, double[] target) {
        double[] gs = g.data();
        for (int r = 0; r < g.rows(); r++) {
            for (int i = 0; i < m; i++) {
                target[i] -= scale * gs[r * m + i];
            }
        }
    }

    private void checkGradient(Tensor g) {
        checkRow(0);
        if (g.rows() != input.rows() || g.cols() != m) {
            throw new IllegalArgumentException("dense: gradient " + g + " does not match output " + input.rows() + "×" + m);
        }
    }

    private void checkRow(int row) {
        if (input == null) {
            throw new IllegalStateException("dense: no forward call yet, so no base point");
        }
        if (row < 0 || row >= input.rows()) {
            throw new IndexOutOfBoundsException("dense: row " + row + " outside the last batch of " + input.rows());
        }
    }

    // bookkeeping: parameters (W m×n stored column-major, then b)
    @Override public List<Parameter> parameters() { return List.of(weight, bias); }
    public Parameter weight() { return weight; }
    public Parameter bias() { return bias; }
    @Override public String toString() { return "dense " + n + "→" + m; }
}
