package dev.chainrule.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.CheckCase;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Options;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Batch normalization in training: the batch-level Jacobian against central differences over all B·n
 * inputs, backward against it, the parameter Jacobians, the running statistics (PyTorch's update, only in
 * training), inference on the running statistics.
 */
class BatchNormTrainingTest {
    private static final ForwardContext TRAIN = ForwardContext.training(1, 0).atStage(0);

    static List<CheckCase> cases() {
        return new BatchNormProvider().checkCases();
    }

    private static Layer layer(CheckCase c, long seed) {
        Layer l = new BatchNormProvider().create(new BuildContext(c.inputShape(), c.options(), seed));
        // γ and β away from 1 and 0 so a formula that drops them shows
        SplittableRandom rng = new SplittableRandom(seed);
        for (Parameter p : l.parameters()) {
            for (int k = 0; k < p.size(); k++) {
                p.set(k, rng.nextDouble(0.5, 1.5) * (rng.nextBoolean() ? 1 : -1));
            }
        }
        return l;
    }

    /** The training forward of a whole batch as a function of its B·n inputs; buffers restored after each call. */
    private static double[] trainForward(Layer l, int batch, double[] v) {
        double[][] saved = Numeric.snapshot(l.buffers());
        try {
            return l.forward(new Tensor(batch, l.inputSize(), v), TRAIN).data().clone();
        } finally {
            Numeric.restore(l.buffers(), saved);
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void batchJacobianMatchesCentralDifferencesOverAllInputs(CheckCase c) {
        Layer l = layer(c, 2);
        int n = l.inputSize();
        int batch = c.batch();
        Tensor x = Numeric.uniform(batch, n, 2, new SplittableRandom(3));
        double[] w = x.data().clone();
        double[][] numeric = Numeric.jacobian(v -> trainForward(l, batch, v), w);
        l.forward(new Tensor(batch, n, w.clone()), TRAIN);
        assertTrue(l.batchCoupled());
        double[][] analytic = l.batchJacobian(batch).toDense();
        assertEquals(batch * n, analytic.length);
        Numeric.assertClose(c.name() + ": batch Jacobian", numeric, analytic, 1e-6);
        // the diagonal blocks are jacobian(row), and the off-diagonal ones are not zero: the rows are coupled
        double offDiagonal = 0;
        for (int b = 0; b < batch; b++) {
            double[][] block = l.jacobian(b).toDense();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(analytic[b * n + i][b * n + j], block[i][j], 1e-15, "block " + b + " (" + i + ", " + j + ")");
                    offDiagonal += Math.abs(analytic[b * n + i][((b + 1) % batch) * n + j]);
                }
            }
        }
        assertTrue(offDiagonal > 1e-3, "training couples rows");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void backwardIsGTimesTheBatchJacobianAndParameterGradientsAreSumsOfGTimesDTheta(CheckCase c) {
        Layer l = layer(c, 4);
        int n = l.inputSize();
        int batch = c.batch();
        Tensor x = Numeric.uniform(batch, n, 2, new SplittableRandom(5));
        Tensor g = Numeric.uniform(batch, n, 1, new SplittableRandom(6));
        l.forward(x, TRAIN);
        double[] expected = Numeric.rowTimes(g.data(), l.batchJacobian(batch).toDense());
        List<double[]> expectedParams = new java.util.ArrayList<>();
        for (int i = 0; i < l.parameters().size(); i++) {
            expectedParams.add(Numeric.rowTimes(g.data(), l.batchParameterJacobian(i, batch).toDense()));
            l.parameters().get(i).zeroGrad();
        }
        Numeric.assertClose(c.name() + ": backward", expected, l.backward(g, true).data(), 1e-9);
        for (int i = 0; i < l.parameters().size(); i++) {
            Parameter p = l.parameters().get(i);
            Numeric.assertClose(c.name() + ": grad " + p.name(), expectedParams.get(i), p.grad().clone(), 1e-9);
        }
        // propagate = false still accumulates the parameter gradients
        for (Parameter p : l.parameters()) {
            p.zeroGrad();
        }
        l.forward(x, TRAIN);
        assertEquals(null, l.backward(g, false));
        Numeric.assertClose(c.name() + ": grad gamma without propagation", expectedParams.get(0),
                l.parameters().get(0).grad().clone(), 1e-9);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void parameterJacobiansMatchCentralDifferencesInTraining(CheckCase c) {
        Layer l = layer(c, 7);
        int n = l.inputSize();
        int batch = c.batch();
        Tensor x = Numeric.uniform(batch, n, 2, new SplittableRandom(8));
        for (int i = 0; i < l.parameters().size(); i++) {
            Parameter p = l.parameters().get(i);
            double[] theta = p.toRowMajor();
            double[][] numeric = Numeric.jacobian(v -> {
                p.setFromRowMajor(v);
                try {
                    return trainForward(l, batch, x.data().clone());
                } finally {
                    p.setFromRowMajor(theta);
                }
            }, theta);
            l.forward(x, TRAIN);
            Numeric.assertClose(c.name() + ": D_" + p.name(), numeric, l.batchParameterJacobian(i, batch).toDense(), 1e-6);
        }
    }

    @Test
    void runningStatisticsFollowPyTorchsUpdateAndOnlyInTraining() {
        // 2 channels of 1×2, batch 2: channel 0 sees {1, 2, 3, 4}, channel 1 sees {0, 0, 2, 6}
        Layer l = new BatchNormProvider().create(new BuildContext(Shape.image(2, 1, 2), Options.of("momentum", 0.25), 0));
        Tensor x = Tensor.of(new double[][] {{1, 2, 0, 0}, {3, 4, 2, 6}});
        double[] mean = l.buffers().get(0).values();
        double[] var = l.buffers().get(1).values();
        assertArrayEquals(new double[] {0, 0}, mean, 0.0, "running mean starts at 0");
        assertArrayEquals(new double[] {1, 1}, var, 0.0, "running variance starts at 1");
        l.forward(x);
        l.forward(x, ForwardContext.inference());
        assertArrayEquals(new double[] {0, 0}, mean, 0.0, "inference leaves the running mean alone");
        assertArrayEquals(new double[] {1, 1}, var, 0.0, "inference leaves the running variance alone");

        double[] y = l.forward(x, TRAIN).data().clone();
        // batch means 2.5 and 2; unbiased variances 5/3 and 8 (biased 1.25 and 6)
        assertArrayEquals(new double[] {0.75 * 0 + 0.25 * 2.5, 0.25 * 2}, mean, 1e-15);
        assertArrayEquals(new double[] {0.75 + 0.25 * 5.0 / 3.0, 0.75 + 0.25 * 8}, var, 1e-15);
        double s0 = 1 / Math.sqrt(1.25 + 1e-5);
        double s1 = 1 / Math.sqrt(6 + 1e-5);
        assertArrayEquals(new double[] {-1.5 * s0, -0.5 * s0, -2 * s1, -2 * s1}, java.util.Arrays.copyOfRange(y, 0, 4), 1e-12,
                "normalised with the batch's biased variance");

        // inference uses the running statistics: y = (x − running_mean)/√(running_var + ε)
        double[] yi = l.forward(x).data();
        assertEquals((1 - mean[0]) / Math.sqrt(var[0] + 1e-5), yi[0], 1e-12);
        assertEquals((6 - mean[1]) / Math.sqrt(var[1] + 1e-5), yi[7], 1e-12);
        assertArrayEquals(new double[] {0.625, 0.5}, mean, 1e-15, "still the one training update");
    }

    @Test
    void aBatchWithOneValuePerFeatureGivesBetaAndKeepsTheRunningVariance() {
        Layer l = new BatchNormProvider().create(new BuildContext(Shape.of(3), Options.empty(), 0));
        l.parameters().get(1).setFromRowMajor(new double[] {0.5, -1, 2});
        double[] y = l.forward(Tensor.row(3, -4, 7), TRAIN).data();
        assertArrayEquals(new double[] {0.5, -1, 2}, y, 0.0);
        assertArrayEquals(new double[] {1, 1, 1}, l.buffers().get(1).values(), 0.0);
        assertArrayEquals(new double[] {0.3, -0.4, 0.7}, l.buffers().get(0).values(), 1e-15);
    }

    @Test
    void theSameBatchGivesTheSameBitsWhateverTheThreadCount() {
        CheckCase big = new CheckCase("32 channels of 12×12", Shape.image(32, 12, 12), Options.empty(), 64);
        Layer a = layer(big, 9);
        Layer b = layer(big, 9);
        Tensor x = Numeric.uniform(64, a.inputSize(), 3, new SplittableRandom(10));
        Tensor g = Numeric.uniform(64, a.inputSize(), 1, new SplittableRandom(11));
        int threads = dev.chainrule.kernels.Parallelism.threads();
        try {
            dev.chainrule.kernels.Parallelism.setThreads(1);
            double[] y1 = a.forward(x, TRAIN).data().clone();
            double[] g1 = a.backward(g, true).data().clone();
            dev.chainrule.kernels.Parallelism.setThreads(2);
            assertArrayEquals(y1, b.forward(x, TRAIN).data(), 0.0);
            assertArrayEquals(g1, b.backward(g, true).data(), 0.0);
            assertArrayEquals(a.buffers().get(1).values(), b.buffers().get(1).values(), 0.0);
            assertArrayEquals(a.parameters().get(0).grad(), b.parameters().get(0).grad(), 0.0);
        } finally {
            dev.chainrule.kernels.Parallelism.setThreads(threads);
        }
    }
}
