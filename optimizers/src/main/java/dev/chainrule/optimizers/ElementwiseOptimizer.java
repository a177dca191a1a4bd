package dev.chainrule.optimizers;

import dev.chainrule.api.Buffer;
import dev.chainrule.api.Optimizer;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Shape;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part every built-in optimizer shares: the mean gradient, gradient clipping by global norm, a step
 * counter and per-parameter state buffers.
 *
 * <p>The runner's backward pass leaves {@code Σ_b ∇_θ ℓ_b} in {@code Parameter.grad()}; a step works on the
 * mean {@code ḡ = (1/B)·Σ_b ∇_θ ℓ_b} (computed as {@code (1.0/B)·grad}, the bits plain SGD has always used),
 * which is what torch sees after {@code loss.mean().backward()}. With {@code clipNorm = c > 0}, as torch's
 * {@code clip_grad_norm_(params, c)} before {@code step()}: {@code n = sqrt(Σ_all ḡ_i²)},
 * {@code ḡ ← ḡ·min(1, c/(n + 1e-6))} over all parameters together.
 *
 * <p>State buffers are in the parameter's storage order (each update is elementwise, so the order is the
 * optimizer's business); {@link #state} lists the step counter first, then each parameter's buffers.
 */
public abstract class ElementwiseOptimizer implements Optimizer {
    /** torch's clip_grad_norm_ guards the division with this. */
    static final double CLIP_EPS = 1e-6;

    protected double learningRate;
    protected final double weightDecay;
    protected final double clipNorm;
    private final List<String> names;
    private final Map<Parameter, Buffer[]> buffers = new IdentityHashMap<>();
    /** The number of steps taken, as a double so that a checkpoint stores it like any other buffer. */
    private final Buffer steps = new Buffer("step", Shape.of(1));

    protected ElementwiseOptimizer(double learningRate, double weightDecay, double clipNorm, String... stateNames) {
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
        this.names = List.of(stateNames);
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    @Override
    public void setLearningRate(double learningRate) {
        this.learningRate = learningRate;
    }

    public double weightDecay() {
        return weightDecay;
    }

    public double clipNorm() {
        return clipNorm;
    }

    /** Steps taken so far (restored from a checkpoint with the rest of the state). */
    public long steps() {
        return (long) steps.values()[0];
    }

    /** Whether this configuration keeps any state between steps (else {@link #state} is empty). */
    protected boolean stateful() {
        return true;
    }

    /** The initial value of state buffer {@code name} (0 by default). */
    protected double initial(String name) {
        return 0.0;
    }

    @Override
    public List<Buffer> state(List<Parameter> parameters) {
        if (!stateful()) {
            return List.of();
        }
        List<Buffer> out = new ArrayList<>();
        out.add(steps);
        for (Parameter p : parameters) {
            for (Buffer b : buffers(p)) {
                out.add(b);
            }
        }
        return out;
    }

    /** The state buffers of {@code p}, in the order of the constructor's names, created on first use. */
    protected final Buffer[] buffers(Parameter p) {
        return buffers.computeIfAbsent(p, k -> {
            Buffer[] bs = new Buffer[names.size()];
            for (int i = 0; i < bs.length; i++) {
                bs[i] = new Buffer(names.get(i), Shape.of(k.size()));
                double v = initial(names.get(i));
                if (v != 0.0) {
                    java.util.Arrays.fill(bs[i].values(), v);
                }
            }
            return bs;
        });
    }

    @Override
    public final void step(List<Parameter> parameters, int batchSize) {
        double scale = 1.0 / batchSize;
        double clip = 1.0;
        if (clipNorm > 0) {
            double sq = 0;
            for (Parameter p : parameters) {
                for (double g : p.grad()) {
                    double m = scale * g;
                    sq += m * m;
                }
            }
            double coef = clipNorm / (Math.sqrt(sq) + CLIP_EPS);
            clip = Math.min(1.0, coef);
        }
        double[] t = steps.values();
        t[0] += 1;
        long step = (long) t[0];
        for (Parameter p : parameters) {
            update(p.value(), p.grad(), scale, clip, buffers(p), step);
        }
    }

    /**
     * Updates one parameter in place. Its mean (clipped) gradient element i is {@code scale·g[i]·clip}
     * ({@code clip} is 1 without clipping, and multiplying by 1 is exact).
     *
     * @param step the number of this step, from 1
     */
    protected abstract void update(double[] w, double[] g, double scale, double clip, Buffer[] state, long step);
}
