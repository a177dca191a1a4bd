package dev.chainrule.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Options;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.Transform;
import dev.chainrule.kernels.Parallelism;
import dev.chainrule.testkit.Exact;
import java.math.BigDecimal;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The stages whose sums run over thousands of values, against a 40-digit reference ({@link Exact}): every
 * forward value and gradient within 1e-15 normwise. Inputs sit off zero (x = 3 + noise), where a plain
 * left-to-right mean loses the most digits, and gradients that are constant over a channel (as behind a
 * global average pool), where a plain sum's rounding errors all have the same sign.
 */
class LongSumAccuracyTest {
    private static final double TOLERANCE = 1e-15;

    private static double[] noise(SplittableRandom r, int n, double offset, double scale) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = offset + scale * (2 * r.nextDouble() - 1);
        }
        return x;
    }

    private static void assertWithin(String what, double[] got, BigDecimal[] reference) {
        double e = Exact.normwiseError(got, reference);
        assertTrue(e <= TOLERANCE, what + ": normwise error " + e + " > " + TOLERANCE);
    }

    /** Layer norm over 2,704 features (16×13×13), two rows. */
    @Test
    void layerNormOverTwoThousandFeatures() {
        Shape shape = Shape.image(16, 13, 13);
        int n = shape.size();
        int batch = 2;
        double eps = 1e-5;
        Layer l = new LayerNormProvider().create(new BuildContext(shape, Options.of("epsilon", eps), 0));
        SplittableRandom r = new SplittableRandom(11);
        double[] gamma = noise(r, n, 1.0, 0.5);
        double[] beta = noise(r, n, 0.0, 0.5);
        l.parameters().get(0).setFromRowMajor(gamma);
        l.parameters().get(1).setFromRowMajor(beta);
        double[] x = noise(r, batch * n, 3.0, 1.0);
        double[] g = noise(r, batch * n, 0.0, 1.0);
        double[] y = l.forward(new Tensor(batch, n, x)).data().clone();
        double[] dx = l.backward(new Tensor(batch, n, g), true).data().clone();

        BigDecimal[] yRef = new BigDecimal[batch * n];
        BigDecimal[] dxRef = new BigDecimal[batch * n];
        BigDecimal[] xhat = new BigDecimal[batch * n];
        BigDecimal[] dGammaRef = new BigDecimal[n];
        BigDecimal[] dBetaRef = new BigDecimal[n];
        java.util.Arrays.fill(dGammaRef, BigDecimal.ZERO);
        java.util.Arrays.fill(dBetaRef, BigDecimal.ZERO);
        for (int b = 0; b < batch; b++) {
            int o = b * n;
            BigDecimal mu = Exact.div(Exact.sum(x, o, n), n);
            BigDecimal sq = BigDecimal.ZERO;
            for (int i = 0; i < n; i++) {
                BigDecimal d = Exact.of(x[o + i]).subtract(mu);
                sq = sq.add(d.multiply(d));
            }
            BigDecimal rs = Exact.inverseSqrt(Exact.div(sq, n).add(Exact.of(eps)));
            BigDecimal sg = BigDecimal.ZERO;
            BigDecimal sgx = BigDecimal.ZERO;
            for (int i = 0; i < n; i++) {
                BigDecimal h = Exact.of(x[o + i]).subtract(mu).multiply(rs, Exact.MC);
                xhat[o + i] = h;
                yRef[o + i] = Exact.of(gamma[i]).multiply(h).add(Exact.of(beta[i]));
                BigDecimal gh = Exact.of(g[o + i]).multiply(Exact.of(gamma[i]));
                sg = sg.add(gh);
                sgx = sgx.add(gh.multiply(h));
                dGammaRef[i] = dGammaRef[i].add(Exact.of(g[o + i]).multiply(h));
                dBetaRef[i] = dBetaRef[i].add(Exact.of(g[o + i]));
            }
            BigDecimal mg = Exact.div(sg, n);
            BigDecimal mgx = Exact.div(sgx, n);
            for (int i = 0; i < n; i++) {
                BigDecimal gh = Exact.of(g[o + i]).multiply(Exact.of(gamma[i]));
                dxRef[o + i] = rs.multiply(gh.subtract(mg).subtract(xhat[o + i].multiply(mgx)), Exact.MC);
            }
        }
        assertWithin("layer-norm y", y, yRef);
        assertWithin("layer-norm input gradient", dx, dxRef);
        assertWithin("layer-norm γ gradient", l.parameters().get(0).grad(), dGammaRef);
        assertWithin("layer-norm β gradient", l.parameters().get(1).grad(), dBetaRef);
    }

    /** Batch norm in training, 3 channels of 26×26 over a batch of 8: 5,408 values per channel. */
    @Test
    void batchNormOverFiveThousandValuesPerChannel() {
        int channels = 3;
        int spatial = 26 * 26;
        Shape shape = Shape.image(channels, 26, 26);
        int n = shape.size();
        int batch = 8;
        int count = batch * spatial;
        double eps = 1e-5;
        Layer l = new BatchNormProvider().create(new BuildContext(shape, Options.of("epsilon", eps), 0));
        SplittableRandom r = new SplittableRandom(12);
        double[] gamma = noise(r, channels, 1.0, 0.5);
        l.parameters().get(0).setFromRowMajor(gamma);
        double[] x = noise(r, batch * n, 3.0, 1.0);
        double[] g = noise(r, batch * n, 0.0, 1.0);
        double[] y = l.forward(new Tensor(batch, n, x), ForwardContext.training(1, 0).atStage(0)).data().clone();
        double[] dx = l.backward(new Tensor(batch, n, g), true).data().clone();

        BigDecimal[] yRef = new BigDecimal[batch * n];
        BigDecimal[] dxRef = new BigDecimal[batch * n];
        BigDecimal[] xhat = new BigDecimal[batch * n];
        BigDecimal[] dGammaRef = new BigDecimal[channels];
        BigDecimal[] dBetaRef = new BigDecimal[channels];
        for (int c = 0; c < channels; c++) {
            BigDecimal s = BigDecimal.ZERO;
            for (int b = 0; b < batch; b++) {
                s = s.add(Exact.sum(x, b * n + c * spatial, spatial));
            }
            BigDecimal mu = Exact.div(s, count);
            BigDecimal sq = BigDecimal.ZERO;
            for (int b = 0; b < batch; b++) {
                for (int p = 0; p < spatial; p++) {
                    BigDecimal d = Exact.of(x[b * n + c * spatial + p]).subtract(mu);
                    sq = sq.add(d.multiply(d));
                }
            }
            BigDecimal rs = Exact.inverseSqrt(Exact.div(sq, count).add(Exact.of(eps)));
            BigDecimal sg = BigDecimal.ZERO;
            BigDecimal sgx = BigDecimal.ZERO;
            for (int b = 0; b < batch; b++) {
                for (int p = 0; p < spatial; p++) {
                    int i = b * n + c * spatial + p;
                    BigDecimal h = Exact.of(x[i]).subtract(mu).multiply(rs, Exact.MC);
                    xhat[i] = h;
                    yRef[i] = Exact.of(gamma[c]).multiply(h);
                    sg = sg.add(Exact.of(g[i]));
                    sgx = sgx.add(Exact.of(g[i]).multiply(h));
                }
            }
            dBetaRef[c] = sg;
            dGammaRef[c] = sgx;
            BigDecimal scale = Exact.of(gamma[c]).multiply(rs);
            BigDecimal mg = Exact.div(sg, count);
            BigDecimal mgx = Exact.div(sgx, count);
            for (int b = 0; b < batch; b++) {
                for (int p = 0; p < spatial; p++) {
                    int i = b * n + c * spatial + p;
                    dxRef[i] = scale.multiply(Exact.of(g[i]).subtract(mg).subtract(xhat[i].multiply(mgx)), Exact.MC);
                }
            }
        }
        assertWithin("batch-norm y", y, yRef);
        assertWithin("batch-norm input gradient", dx, dxRef);
        assertWithin("batch-norm γ gradient", l.parameters().get(0).grad(), dGammaRef);
        assertWithin("batch-norm β gradient", l.parameters().get(1).grad(), dBetaRef);
    }

    /** Global average pool over 64×64 positions: each mean a sum of 4,096 values. */
    @Test
    void globalAvgPoolOverFourThousandPositions() {
        Shape shape = Shape.image(2, 64, 64);
        int hw = 64 * 64;
        int batch = 3;
        Transform t = new GlobalAvgPool.Provider().create(new BuildContext(shape, Options.empty(), 0));
        double[] x = noise(new SplittableRandom(13), batch * shape.size(), 0.1 / 3, 1e-3);
        double[] y = t.forward(new Tensor(batch, shape.size(), x), ForwardContext.inference()).data();
        BigDecimal[] ref = new BigDecimal[batch * 2];
        for (int i = 0; i < batch * 2; i++) {
            ref[i] = Exact.div(Exact.sum(x, i * hw, hw), hw);
        }
        assertWithin("global-avgpool", y, ref);
    }

    /**
     * The bias gradient of a convolution under a global average pool: per row and channel the same value
     * {@code g/P} at all P = 38×38 positions, summed over a batch of 4 (5,776 terms per bias).
     */
    @Test
    void convBiasGradientOverFiveThousandPositions() {
        Shape shape = Shape.image(1, 40, 40);
        int filters = 2;
        int pixels = 38 * 38;
        int batch = 4;
        Layer conv = new Conv2dProvider().create(new BuildContext(shape, Options.of("filters", filters, "kernel", 3), 0));
        SplittableRandom r = new SplittableRandom(14);
        conv.forward(new Tensor(batch, shape.size(), noise(r, batch * shape.size(), 0.0, 1.0)));
        int m = filters * pixels;
        double[] g = new double[batch * m];
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < filters; o++) {
                java.util.Arrays.fill(g, b * m + o * pixels, b * m + (o + 1) * pixels, (1 + r.nextDouble()) / pixels);
            }
        }
        conv.backward(new Tensor(batch, m, g), false);
        BigDecimal[] ref = new BigDecimal[filters];
        for (int o = 0; o < filters; o++) {
            ref[o] = BigDecimal.ZERO;
            for (int b = 0; b < batch; b++) {
                ref[o] = ref[o].add(Exact.sum(g, b * m + o * pixels, pixels));
            }
        }
        assertWithin("conv2d bias gradient", conv.parameters().get(1).grad(), ref);
    }

    /** Batch norm and the conv bias gradient on a batch big enough to be split over threads: 1, 2, 3 threads, same bits. */
    @Test
    void theSumsGiveTheSameBitsForAnyThreadCount() {
        Shape shape = Shape.image(4, 26, 26);
        int batch = 100;
        int n = shape.size();
        SplittableRandom r = new SplittableRandom(15);
        double[] x = noise(r, batch * n, 3.0, 1.0);
        double[] g = noise(r, batch * n, 0.0, 1.0);
        Shape convIn = Shape.image(2, 28, 28);
        double[] cx = noise(r, batch * convIn.size(), 0.0, 1.0);
        double[] cg = noise(r, batch * n, 0.5, 1.0);
        IntFunction<double[]> run = threads -> {
            Parallelism.setThreads(threads);
            Layer bn = new BatchNormProvider().create(new BuildContext(shape, Options.empty(), 0));
            double[] y = bn.forward(new Tensor(batch, n, x), ForwardContext.training(1, 0).atStage(0)).data().clone();
            double[] dx = bn.backward(new Tensor(batch, n, g), true).data().clone();
            Layer conv = new Conv2dProvider().create(new BuildContext(convIn, Options.of("filters", 4, "kernel", 3), 0));
            conv.forward(new Tensor(batch, convIn.size(), cx));
            conv.backward(new Tensor(batch, n, cg), false);
            double[] all = new double[2 * batch * n + 8];
            System.arraycopy(y, 0, all, 0, batch * n);
            System.arraycopy(dx, 0, all, batch * n, batch * n);
            System.arraycopy(bn.parameters().get(0).grad(), 0, all, 2 * batch * n, 4);
            System.arraycopy(conv.parameters().get(1).grad(), 0, all, 2 * batch * n + 4, 4);
            return all;
        };
        int before = Parallelism.threads();
        try {
            double[] one = run.apply(1);
            assertArrayEquals(one, run.apply(2), 0.0, "2 threads");
            assertArrayEquals(one, run.apply(3), 0.0, "3 threads");
        } finally {
            Parallelism.setThreads(before);
        }
    }
}
