package dev.chainrule.jmh;

import dev.chainrule.layers.Dense;
import dev.chainrule.layers.Initializer;
import dev.chainrule.api.Parameter;
import dev.chainrule.optimizers.Sgd;
import dev.chainrule.api.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The dense layer through its public methods, per batch: forward {@code XWᵀ + b}, the VJPs
 * ({@code g·D_x = gW}, {@code g·D_W = gᵀxᵀ} accumulated), and the parameter update, fused
 * ({@link Dense#backwardAndUpdate}) against the unfused zero-grad + backward + {@link Sgd#step}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class DenseBenchmark {

    /** "mnist": 784 inputs, ~19% non-zero in [0,1]; "dense": 128 sigmoid-like inputs, all non-zero. */
    @Param({"mnist", "dense"})
    public String input;

    @Param({"1", "32"})
    public int batch;

    Dense layer;
    Tensor x;
    Tensor g;
    Sgd sgd = new Sgd(1e-12, 0, 0, false, 0, 0);
    List<Parameter> params;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(7);
        int n = input.equals("mnist") ? 784 : 128;
        int m = input.equals("mnist") ? 128 : 64;
        layer = new Dense(n, m, Initializer.GLOROT_UNIFORM, 3);
        params = layer.parameters();
        x = new Tensor(batch, n);
        for (int i = 0; i < x.data().length; i++) {
            x.data()[i] = input.equals("mnist") ? (r.nextDouble() < 0.19 ? r.nextDouble() : 0.0) : r.nextDouble();
        }
        g = new Tensor(batch, m);
        for (int i = 0; i < g.data().length; i++) {
            g.data()[i] = r.nextDouble(-1e-3, 1e-3);
        }
        layer.forward(x);
    }

    @Benchmark
    public Tensor forward() {
        return layer.forward(x);
    }

    /** Both VJPs, unfused: {@code gW} returned, {@code gᵀxᵀ} and g added to the gradients. */
    @Benchmark
    public Tensor backwardPropagate() {
        return layer.backward(g, true);
    }

    /** The unfused update: zero the gradients, accumulate {@code gᵀxᵀ}, step over every parameter. */
    @Benchmark
    public List<Parameter> updateUnfused() {
        for (Parameter p : params) {
            p.zeroGrad();
        }
        layer.backward(g, false);
        sgd.step(params, batch);
        return params;
    }

    /** The fused update: {@code W ← W − η gᵀxᵀ} on the non-zero columns only. */
    @Benchmark
    public List<Parameter> updateFused() {
        layer.backwardAndUpdate(g, false, 1e-12 / batch);
        return params;
    }
}
