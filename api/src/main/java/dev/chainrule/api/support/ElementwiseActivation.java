package dev.chainrule.api.support;

import dev.chainrule.api.Activation;
import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Every element-wise activation's base, the built-ins' and the plugins': {@code f(z)_i = φ(z_i)} with
 * Jacobian {@code D = diag(φ′(z_1) … φ′(z_n))}, n×n, and VJP {@code g ∘ φ′(z)}. A plugin gives φ beside φ′
 * and nothing else:
 *
 * <pre>{@code
 * public final class Swish extends ElementwiseActivation {
 *     public Swish(BuildContext c) { super(c); }
 *     protected double phi(double z) { return z / (1 + Math.exp(-z)); }
 *     protected double phiPrime(double z) { double s = 1 / (1 + Math.exp(-z)); return s + z * s * (1 - s); }
 * }
 * }</pre>
 *
 * <p>Hooks, each optional, for what the built-ins need: {@link #apply} computes φ and φ′ together (they share
 * an exp, and computing them together keeps φ′ accurate where φ saturates); {@link #applyRange} and
 * {@link #vjpRange} take a whole range (a vector kernel); {@link #derivativeFromOutput} reads φ′ back from the
 * output instead of keeping a second batch-sized array (relu); a {@link ThreadSplit} runs the ranges on a
 * pool. Forward saves {@code φ(ẑ)} (the output) and {@code φ′(ẑ)} as the base points.
 *
 * <p>The thread split: a batch of at least {@link #MIN_ROWS} rows and {@code MIN_SPLIT} entries is cut into
 * {@link ThreadSplit#threads()} contiguous ranges of entries. Each entry is computed on its own, by one
 * thread, with the same operations as on one thread, so any split gives the same bits.
 */
public abstract class ElementwiseActivation extends ShapedStage implements Activation {
    /** Smallest batch whose entries are split over threads (the kernels' dense layers use the same). */
    public static final int MIN_ROWS = 32;

    /** Entries per batch from which the forward pass is shared between threads (an exp costs ~15 ns). */
    private static final int MIN_SPLIT = 4096;

    /** Entries per batch from which the backward pass (one multiply each) is shared between threads. */
    private static final int MIN_SPLIT_BACKWARD = 1 << 16;

    /**
     * Who runs the parts of a split batch. The default, {@link #JDK}, is plain {@code java.util.concurrent};
     * the built-ins pass the kernels' pool, which the runner's {@code --threads} sizes.
     */
    public interface ThreadSplit {
        /** How many parts a large batch is cut into (1 = the calling thread only). */
        int threads();

        /** Runs {@code part.accept(t)} for {@code t = 0 .. parts−1} and returns when all are done. */
        void run(int parts, IntConsumer part);
    }

    /** Up to two threads (the calling one and one daemon worker per extra part), JDK only. */
    public static final ThreadSplit JDK = new JdkSplit(Math.min(2, Runtime.getRuntime().availableProcessors()));

    private final int n;
    private final ThreadSplit split;
    private Tensor output;
    private double[] derivative = new double[0];
    private Tensor inputGradient;
    private int batch = -1;

    /** For a provider's factory ({@code Swish::new}): type id and shape from {@code context}. */
    protected ElementwiseActivation(BuildContext context) {
        super(context, context.inputShape());
        this.n = context.inputShape().size();
        this.split = JDK;
    }

    /** On rows of {@code shape} (the shape passes through), the ranges run by {@code split}. */
    protected ElementwiseActivation(String type, Shape shape, ThreadSplit split) {
        super(type, shape, shape);
        this.n = shape.size();
        this.split = split;
    }

    /** φ(z). Override with {@link #phiPrime}, or override {@link #apply} instead of both. */
    protected double phi(double z) {
        throw new UnsupportedOperationException(type() + ": override phi and phiPrime, or apply");
    }

    /** φ′(z), the diagonal entry of D at z. */
    protected double phiPrime(double z) {
        throw new UnsupportedOperationException(type() + ": override phi and phiPrime, or apply");
    }

    /** {@code y[i] = φ(z)}, {@code d[i] = φ′(z)}: the hook for computing both from shared terms. */
    protected void apply(double z, double[] y, double[] d, int i) {
        y[i] = phi(z);
        d[i] = phiPrime(z);
    }

    /**
     * Whether {@code φ′(z)} can be read back from {@code φ(z)} alone ({@link #derivativeOfOutput}); then no
     * second batch-sized array is kept (for relu, which follows every convolution, half its memory) and
     * {@code d} is not to be written.
     */
    protected boolean derivativeFromOutput() {
        return false;
    }

    /** {@code φ′(z)} from {@code y = φ(z)}, when {@link #derivativeFromOutput()}. */
    protected double derivativeOfOutput(double y) {
        throw new UnsupportedOperationException(type() + " keeps its derivatives");
    }

    /** {@link #apply} on the entries {@code [from, to)}; a built-in overrides it with a vector kernel. */
    protected void applyRange(double[] xs, double[] y, double[] d, int from, int to) {
        if (derivativeFromOutput()) {
            for (int i = from; i < to; i++) {
                y[i] = phi(xs[i]);
            }
            return;
        }
        for (int i = from; i < to; i++) {
            apply(xs[i], y, d, i);
        }
    }

    /** {@code out_i = g_i · φ′(z_i)} on {@code [from, to)}, y the forward output and d the kept derivatives. */
    protected void vjpRange(double[] g, double[] y, double[] d, double[] out, int from, int to) {
        if (derivativeFromOutput()) {
            for (int i = from; i < to; i++) {
                out[i] = g[i] * derivativeOfOutput(y[i]);
            }
            return;
        }
        for (int i = from; i < to; i++) {
            out[i] = g[i] * d[i];
        }
    }

    /** The diagonal's formula for {@link Jacobian#structure()} ({@code diag(…)} is added around it). */
    protected String derivativeFormula() {
        return type() + "′(ẑ)";
    }

    @Override
    public final Tensor forward(Tensor x, ForwardContext context) {
        if (x.cols() != n) {
            throw new IllegalArgumentException(type() + ": expects rows of " + n + " inputs, got " + x);
        }
        batch = x.rows();
        output = Tensor.reuseFront(output, batch, n);
        // kept at the largest batch seen, so that an epoch's last, smaller batch does not drop it
        if (!derivativeFromOutput() && derivative.length < batch * n) {
            derivative = new double[batch * n];
        }
        double[] xs = x.data();
        double[] y = output.data();
        double[] d = derivative;
        int size = batch * n;
        int parts = batch >= MIN_ROWS && size >= MIN_SPLIT ? split.threads() : 1;
        if (parts == 1) {
            applyRange(xs, y, d, 0, size);
        } else {
            split.run(parts, t -> applyRange(xs, y, d, part(size, parts, t), part(size, parts, t + 1)));
        }
        return output;
    }

    /** Start of part {@code t} of {@code parts} equal contiguous parts of {@code [0, total)}. */
    private static int part(int total, int parts, int t) {
        return (int) ((long) total * t / parts);
    }

    /** {@code diag(φ′(ẑ_b))} of row b, copied: the next forward overwrites the kept derivatives. */
    @Override
    public final Jacobian jacobian(int row) {
        if (batch < 0) {
            throw new IllegalStateException(type() + ": no forward call yet, so no base point");
        }
        if (row < 0 || row >= batch) {
            throw new IndexOutOfBoundsException(type() + ": row " + row + " outside the last batch of " + batch);
        }
        double[] diag;
        if (derivativeFromOutput()) {
            diag = new double[n];
            double[] y = output.data();
            for (int i = 0; i < n; i++) {
                diag[i] = derivativeOfOutput(y[row * n + i]);
            }
        } else {
            diag = Arrays.copyOfRange(derivative, row * n, row * n + n);
        }
        return new DiagonalJacobian(diag, derivativeFormula());
    }

    @Override
    public final Tensor backward(Tensor g, boolean propagate) {
        if (batch < 0) {
            throw new IllegalStateException(type() + ": backward before forward");
        }
        if (g.rows() != batch || g.cols() != n) {
            throw new IllegalArgumentException(type() + ": gradient " + g + " does not match output " + batch + "×" + n);
        }
        if (!propagate) {
            return null;
        }
        inputGradient = Tensor.reuseFront(inputGradient, batch, n);
        double[] gs = g.data();
        double[] out = inputGradient.data();
        double[] y = output.data();
        double[] d = derivative;
        int size = batch * n;
        int parts = batch >= MIN_ROWS && size >= MIN_SPLIT_BACKWARD ? split.threads() : 1;
        if (parts == 1) {
            vjpRange(gs, y, d, out, 0, size);
        } else {
            split.run(parts, t -> vjpRange(gs, y, d, out, part(size, parts, t), part(size, parts, t + 1)));
        }
        return inputGradient;
    }

    @Override
    public String toString() {
        return type() + " " + inputShape();
    }

    /** Part 0 on the calling thread, the others on a shared pool of daemon threads. */
    private static final class JdkSplit implements ThreadSplit {
        private final int threads;
        private ExecutorService pool;

        JdkSplit(int threads) {
            this.threads = threads;
        }

        @Override
        public int threads() {
            return threads;
        }

        @Override
        public void run(int parts, IntConsumer part) {
            Future<?>[] others = new Future<?>[parts - 1];
            ExecutorService p = pool();
            for (int t = 1; t < parts; t++) {
                int id = t;
                others[t - 1] = p.submit(() -> part.accept(id));
            }
            RuntimeException failure = null;
            try {
                part.accept(0);
            } catch (RuntimeException e) {
                failure = e;
            }
            // wait for every part even when one failed: none may still write after this returns
            for (Future<?> f : others) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = new IllegalStateException("element-wise worker thread failed: " + e.getCause(), e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for an element-wise part", e);
                }
            }
            if (failure != null) {
                throw failure;
            }
        }

        private synchronized ExecutorService pool() {
            if (pool == null) {
                pool = Executors.newCachedThreadPool(r -> {
                    Thread t = new Thread(r, "chainrule-elementwise");
                    t.setDaemon(true);
                    return t;
                });
            }
            return pool;
        }
    }
}
