package dev.chainrule.layers;

import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.InPlaceUpdate;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.jacobian.DenseJacobian;
import dev.chainrule.api.jacobian.IdentityJacobian;
import dev.chainrule.api.jacobian.KroneckerJacobian;
import dev.chainrule.kernels.DenseKernels;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The linear map {@code ẑ = W x + b}, {@code W ∈ R^{m×n}}, {@code b ∈ R^m}, applied to each row of a batch.
 *
 * <p>Jacobians at the base point {@code x} (the saved input):
 * <ul>
 *   <li>{@code D_x ẑ = W}, m×n ({@link DenseJacobian});
 *   <li>{@code D_W ẑ = I_m ⊗ xᵀ}, m×mn with W flattened row-major ({@link KroneckerJacobian});
 *   <li>{@code D_b ẑ = I_m}, m×m ({@link IdentityJacobian}).
 * </ul>
 * Reverse mode never builds them: {@code g·D_W} is the outer product {@code gᵀxᵀ}, {@code g·D_b = g},
 * {@code g·D_x = g W}.
 *
 * <p>W is stored column-major ({@link Parameter.Storage#COLUMN_MAJOR}): column k of W is contiguous at
 * {@code w[k·m … k·m+m)}, so {@code W x = Σ_k x_k W[:,k]} and {@code gᵀxᵀ} touch only the columns where
 * {@code x_k ≠ 0}. How the sums are scheduled (sparse lists, packed panels, tiles, threads) is
 * {@link DenseKernels}' business; each {@code ẑ_i} is still the textbook running sum
 * {@code b_i + Σ_k W_ik x_k} in ascending k, whatever the batch size or thread count.
 */
public final class Dense implements Layer, InPlaceUpdate {
    /** The type id. */
    public static final String TYPE = "dense";

    private final Shape inputShape;
    private final int n;
    private final int m;
    private final Parameter weight;
    private final Parameter bias;
    private Tensor input;
    private final DenseKernels kernels;
    private Tensor output;
    private Tensor inputGradient;

    /**
     * A dense layer {@code R^n → R^m}, W filled by {@code init} from a RNG seeded with {@code seed}, b = 0.
     *
     * @param init one of {@link Initializer}
     */
    public Dense(int n, int m, Initializer init, long seed) {
        this(Shape.of(n), m, init, seed);
    }

    /**
     * A dense layer on rows of {@code inputShape}, read as one vector of {@code inputShape.size()} entries
     * (channel-major for an image).
     */
    public Dense(Shape inputShape, int m, Initializer init, long seed) {
        int n = inputShape.size();
        this.inputShape = inputShape;
        if (n <= 0 || m <= 0) {
            throw new IllegalArgumentException("dense: sizes must be positive, got input " + n + ", units " + m);
        }
        this.n = n;
        this.m = m;
        this.weight = Parameter.matrix("W", m, n, Parameter.Storage.COLUMN_MAJOR);
        this.bias = Parameter.vector("b", m);
        init.fill(weight, n, m, new SplittableRandom(seed));
        this.kernels = new DenseKernels(n, m);
    }

    /** How the initial W is drawn; each is deterministic given the seed. */
    public enum Initializer {
        /** {@code W_ik ~ U(−a, a)}, {@code a = √(6/(n+m))} (Glorot and Bengio 2010). */
        GLOROT_UNIFORM("glorot-uniform"),
        /** {@code W_ik ~ N(0, 2/n)} (He et al. 2015), suited to relu. */
        HE_NORMAL("he-normal"),
        /** {@code W = 0}: every unit stays identical under training; for tests and teaching. */
        ZEROS("zeros");

        private final String id;

        Initializer(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Initializer of(String id) {
            for (Initializer i : values()) {
                if (i.id.equals(id)) {
                    return i;
                }
            }
            throw new IllegalArgumentException("unknown initializer '" + id + "'; valid: glorot-uniform, he-normal, zeros");
        }

        // Drawn in docs/math.md's row-major order, so the weights do not depend on the storage layout.
        void fill(Parameter w, int n, int m, SplittableRandom rng) {
            int size = w.size();
            switch (this) {
                case GLOROT_UNIFORM -> {
                    double a = Math.sqrt(6.0 / (n + m));
                    for (int f = 0; f < size; f++) {
                        w.set(f, rng.nextDouble(-a, a));
                    }
                }
                case HE_NORMAL -> {
                    double sd = Math.sqrt(2.0 / n);
                    for (int f = 0; f < size; f++) {
                        w.set(f, sd * rng.nextGaussian());
                    }
                }
                case ZEROS -> {
                    // the arrays start at zero
                }
            }
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public int inputSize() {
        return n;
    }

    @Override
    public int outputSize() {
        return m;
    }

    @Override
    public Shape inputShape() {
        return inputShape;
    }

    /** W (m×n, stored column-major), then b. */
    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext context) {
        if (x.cols() != n) {
            throw new IllegalArgumentException("dense: expects rows of " + n + " inputs, got " + x);
        }
        int batch = x.rows();
        output = Tensor.reuse(output, batch, m);
        kernels.forward(weight.value(), bias.value(), x.data(), batch, output.data());
        // The contract keeps x unchanged until backward, so the reference is the base point (no copy).
        input = x;
        return output;
    }

    @Override
    public Jacobian jacobian(int row) {
        checkRow(row);
        return DenseJacobian.columnMajor(m, n, weight.value(), "W");
    }

    @Override
    public Jacobian parameterJacobian(int index, int row) {
        checkRow(row);
        return switch (index) {
            case 0 -> new KroneckerJacobian(m, input.rowCopy(row));
            case 1 -> new IdentityJacobian(m);
            default -> throw new IndexOutOfBoundsException("dense has parameters 0 (W) and 1 (b), not " + index);
        };
    }

    @Override
    public Tensor backward(Tensor g, boolean propagate) {
        checkGradient(g);
        Tensor gx = propagate ? inputVjp(g) : null;
        int batch = input.rows();
        double[] xs = input.data();
        double[] gs = g.data();
        double[] gb = bias.grad();
        // g·D_b = g
        for (int r = 0; r < batch; r++) {
            for (int i = 0; i < m; i++) {
                gb[i] += gs[r * m + i];
            }
        }
        // g·D_W = gᵀxᵀ: column k of the outer product is g·x_k, zero when x_k is
        kernels.accumulateWeightVjp(xs, gs, batch, weight.grad());
        return gx;
    }

    /**
     * The same VJPs as {@link #backward}, with the step applied in place: {@code g·D_x = gW} first (with the
     * W of the forward pass), then {@code b ← b − η·g} and {@code W ← W − η·gᵀxᵀ} column by column, skipping
     * the columns where {@code x_k = 0} — there {@code g·D_W} is zero, so at batch size 1 on MNIST about
     * 80% of W is never read or written. A column receives the rows of the batch in order, whichever
     * thread owns it.
     */
    @Override
    public Tensor backwardAndUpdate(Tensor g, boolean propagate, double stepSize) {
        checkGradient(g);
        Tensor gx = propagate ? inputVjp(g) : null;
        int batch = input.rows();
        double[] xs = input.data();
        double[] gs = g.data();
        double[] b = bias.value();
        for (int r = 0; r < batch; r++) {
            for (int i = 0; i < m; i++) {
                b[i] -= stepSize * gs[r * m + i];
            }
        }
        // W ← W − η·gᵀxᵀ, column by column over the non-zero x_k
        kernels.descendWeights(xs, gs, batch, stepSize, weight.value());
        return gx;
    }

    /** {@code g·D_x = g W} for every row: entry k is the dot product of g with column k of W. */
    private Tensor inputVjp(Tensor g) {
        inputGradient = Tensor.reuse(inputGradient, g.rows(), n);
        kernels.inputVjp(weight.value(), g.data(), g.rows(), inputGradient.data());
        return inputGradient;
    }

    private void checkGradient(Tensor g) {
        if (input == null) {
            throw new IllegalStateException("dense: backward before forward");
        }
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

    @Override
    public String toString() {
        return "dense " + n + "→" + m;
    }
}
