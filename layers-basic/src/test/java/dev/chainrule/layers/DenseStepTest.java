package dev.chainrule.layers;

import dev.chainrule.kernels.Parallelism;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chainrule.api.Parameter;
import dev.chainrule.api.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fused step {@link Dense#backwardAndUpdate} against the unfused "zero grad, backward, θ ← θ − η·grad",
 * and every dense computation against itself at other thread counts.
 */
class DenseStepTest {
    @AfterEach
    void oneThread() {
        Parallelism.setThreads(Parallelism.defaultThreads());
    }

    /** A batch shaped like MNIST: 784 inputs, ~20% non-zero pixels in (0, 1]. */
    private static Tensor pixels(int batch, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor x = new Tensor(batch, 784);
        for (int i = 0; i < x.data().length; i++) {
            x.data()[i] = r.nextDouble() < 0.2 ? r.nextInt(1, 256) / 255.0 : 0.0;
        }
        return x;
    }

    private static Tensor gradient(int batch, int m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor g = new Tensor(batch, m);
        for (int i = 0; i < g.data().length; i++) {
            g.data()[i] = r.nextDouble(-1, 1);
        }
        return g;
    }

    private static void unfusedStep(Dense d, Tensor g, double eta) {
        for (Parameter p : d.parameters()) {
            p.zeroGrad();
        }
        d.backward(g, false);
        for (Parameter p : d.parameters()) {
            double[] w = p.value();
            double[] gw = p.grad();
            for (int i = 0; i < w.length; i++) {
                w[i] -= eta * gw[i];
            }
        }
    }

    @Test
    void fusedStepAtBatchOneIsBitwiseTheUnfusedStep() {
        Dense fused = new Dense(784, 128, Initializer.GLOROT_UNIFORM, 5);
        Dense unfused = new Dense(784, 128, Initializer.GLOROT_UNIFORM, 5);
        for (int step = 0; step < 20; step++) {
            Tensor x = pixels(1, step);
            Tensor g = gradient(1, 128, 100 + step);
            fused.forward(x);
            unfused.forward(x);
            fused.backwardAndUpdate(g, false, 0.1);
            unfusedStep(unfused, g, 0.1);
        }
        assertArrayEquals(unfused.weight().value(), fused.weight().value());
        assertArrayEquals(unfused.bias().value(), fused.bias().value());
    }

    @Test
    void fusedStepOnABatchIsTheMeanGradientStepUpToRounding() {
        Dense fused = new Dense(784, 32, Initializer.GLOROT_UNIFORM, 6);
        Dense unfused = new Dense(784, 32, Initializer.GLOROT_UNIFORM, 6);
        Tensor x = pixels(16, 1);
        Tensor g = gradient(16, 32, 2);
        fused.forward(x);
        unfused.forward(x);
        Tensor gxFused = fused.backwardAndUpdate(g, true, 0.1 / 16).copy();
        unfusedStep(unfused, g, 0.1 / 16);
        unfused.forward(x);
        for (Parameter p : unfused.parameters()) {
            p.zeroGrad();
        }
        double[] w0 = new Dense(784, 32, Initializer.GLOROT_UNIFORM, 6).weight().value();
        double[] wf = fused.weight().value();
        double[] wu = unfused.weight().value();
        double moved = 0;
        for (int i = 0; i < wf.length; i++) {
            assertEquals(wu[i], wf[i], 1e-15 * Math.max(1, Math.abs(wu[i])));
            moved = Math.max(moved, Math.abs(wf[i] - w0[i]));
        }
        org.junit.jupiter.api.Assertions.assertTrue(moved > 1e-3, "the step moved W by " + moved);
        // g·D_x uses W before the step: it equals the unfused backward's on the original weights
        Dense fresh = new Dense(784, 32, Initializer.GLOROT_UNIFORM, 6);
        fresh.forward(x);
        assertArrayEquals(fresh.backward(g, true).data(), gxFused.data());
    }

    /** Batches of 32 rows split by panels of W; batches of 1 and 5 rows stay on one thread. */
    @ParameterizedTest
    @CsvSource({"2, 32", "3, 32", "2, 1", "3, 1", "2, 5", "3, 5"})
    void everyDenseResultIsBitwiseTheSameWhateverTheThreadCount(int threads, int batch) {
        double[][] one = run(1, batch);
        double[][] many = run(threads, batch);
        String[] what = {"forward", "g·D_x", "grad W", "W after the fused step", "g·D_x of the fused step"};
        for (int i = 0; i < one.length; i++) {
            assertArrayEquals(one[i], many[i], what[i] + " with " + threads + " threads, batch " + batch);
        }
    }

    /** A batch through a 784→128 layer (big enough to be split), two steps. */
    private static double[][] run(int threads, int batch) {
        Parallelism.setThreads(threads);
        Dense d = new Dense(784, 128, Initializer.GLOROT_UNIFORM, 9);
        Tensor x = pixels(batch, 3);
        Tensor g = gradient(batch, 128, 4);
        double[] y = d.forward(x).data().clone();
        double[] gx = d.backward(g, true).data().clone();
        double[] gw = d.weight().grad().clone();
        d.backwardAndUpdate(g, true, 0.01);
        d.forward(pixels(batch, 5));
        double[] gx2 = d.backwardAndUpdate(gradient(batch, 128, 6), true, 0.01).data().clone();
        return new double[][] {y, gx, gw, d.weight().value().clone(), gx2};
    }
}
