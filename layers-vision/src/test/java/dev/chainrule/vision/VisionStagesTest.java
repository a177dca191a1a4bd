package dev.chainrule.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Options;
import dev.chainrule.api.Shape;
import dev.chainrule.api.ShapeException;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.Transform;
import dev.chainrule.kernels.Parallelism;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the contracts do not cover: values against plain loops, thread counts, ties, flooring, bad shapes. */
class VisionStagesTest {
    @AfterEach
    void restoreThreads() {
        Parallelism.setThreads(Parallelism.defaultThreads());
    }

    private static Tensor random(int rows, int cols, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor t = new Tensor(rows, cols);
        for (int i = 0; i < t.data().length; i++) {
            t.data()[i] = rng.nextDouble(-1, 1);
        }
        return t;
    }

    private static Layer conv(Shape in, Options o) {
        return new Conv2dProvider().create(new BuildContext("conv2d", in, o, 5));
    }

    @Test
    void convolutionEqualsTheTextbookLoopsWithPaddingAndStride() {
        Shape in = Shape.image(3, 7, 6);
        Layer c = conv(in, Options.of("filters", 4, "kernel", List.of(3, 2), "stride", 2, "padding", "same"));
        c.parameters().get(1).value()[2] = 0.25;
        Tensor x = random(2, in.size(), 1);
        Tensor y = c.forward(x);
        assertEquals(Shape.image(4, 4, 3), c.outputShape());
        double[] k = c.parameters().get(0).value();
        double[] b = c.parameters().get(1).value();
        // same padding for 7 rows, kernel 3, stride 2: 4 outputs, total padding (4−1)·2+3−7 = 2, 1 on top
        int pt = 1;
        int pl = 0; // 6 columns, kernel 2, stride 2: 3 outputs, padding 0
        for (int r = 0; r < 2; r++) {
            for (int o = 0; o < 4; o++) {
                for (int oy = 0; oy < 4; oy++) {
                    for (int ox = 0; ox < 3; ox++) {
                        double s = 0;
                        for (int ci = 0; ci < 3; ci++) {
                            for (int ky = 0; ky < 3; ky++) {
                                for (int kx = 0; kx < 2; kx++) {
                                    int iy = oy * 2 + ky - pt;
                                    int ix = ox * 2 + kx - pl;
                                    if (iy >= 0 && iy < 7 && ix >= 0 && ix < 6) {
                                        s += k[((o * 3 + ci) * 3 + ky) * 2 + kx] * x.get(r, (ci * 7 + iy) * 6 + ix);
                                    }
                                }
                            }
                        }
                        assertEquals(s + b[o], y.get(r, (o * 4 + oy) * 3 + ox), 1e-12);
                    }
                }
            }
        }
    }

    @Test
    void forwardAndGradientsAreBitwiseTheSameWithOneTwoOrThreeThreads() {
        Shape in = Shape.image(4, 12, 12);
        double[][] first = null;
        for (int t = 1; t <= 3; t++) {
            Parallelism.setThreads(t);
            Layer c = conv(in, Options.of("filters", 8, "padding", "same"));
            Tensor y = c.forward(random(40, in.size(), 2));
            Tensor dx = c.backward(random(40, c.outputSize(), 3), true);
            double[][] got = {y.data().clone(), dx.data().clone(), c.parameters().get(0).grad().clone(),
                    c.parameters().get(1).grad().clone()};
            if (first == null) {
                first = got;
            } else {
                for (int i = 0; i < got.length; i++) {
                    assertArrayEquals(first[i], got[i], t + " threads, array " + i);
                }
            }
        }
    }

    @Test
    void kernelLargerThanTheImageIsAShapeErrorNamingBoth() {
        ShapeException e = assertThrows(ShapeException.class,
                () -> conv(Shape.image(1, 4, 4), Options.of("filters", 2, "kernel", 5)));
        assertTrue(e.getMessage().contains("kernel 5×5"), e.getMessage());
        // same padding needs no minimum size
        conv(Shape.image(1, 4, 4), Options.of("filters", 2, "kernel", 5, "padding", "same"));
    }

    @Test
    void convolutionAfterAFlattenNeedsAnImage() {
        ShapeException e = assertThrows(ShapeException.class, () -> conv(Shape.of(784), Options.of("filters", 2)));
        assertEquals("takes C×H×W input", e.getMessage());
    }

    private static Transform pool(boolean max, Shape in, Options o) {
        return (max ? new PoolProvider.Max() : new PoolProvider.Avg()).create(new BuildContext("pool", in, o, 0));
    }

    @Test
    void aWindowThatDoesNotTileFloors() {
        Transform p = pool(true, Shape.image(2, 11, 11), Options.empty());
        assertEquals(Shape.image(2, 5, 5), p.outputShape());
        Transform q = pool(false, Shape.image(1, 7, 5), Options.of("size", 3, "stride", 2));
        assertEquals(Shape.image(1, 3, 2), q.outputShape());
        assertThrows(ShapeException.class, () -> pool(true, Shape.image(1, 1, 5), Options.empty()));
    }

    @Test
    void theUnrolled2x2MaxPoolIsTheStrictScanOnTiesNaNAndOverlappingWindows() {
        SplittableRandom rng = new SplittableRandom(5);
        int c = 3;
        int h = 7;
        int w = 6;
        double[] x = new double[2 * c * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 11 == 0 ? Double.NaN : rng.nextInt(3);   // many ties
        }
        for (int s : new int[] {1, 2}) {
            Transform p = pool(true, Shape.image(c, h, w), Options.of("size", 2, "stride", s));
            Tensor in = new Tensor(2, c * h * w);
            System.arraycopy(x, 0, in.data(), 0, x.length);
            Tensor y = p.forward(in);
            int oh = (h - 2) / s + 1;
            int ow = (w - 2) / s + 1;
            for (int r = 0; r < 2; r++) {
                double[][] jac = p.jacobian(r).toDense();
                for (int ch = 0, j = 0; ch < c; ch++) {
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++, j++) {
                            int best = (ch * h + oy * s) * w + ox * s;
                            for (int ky = 0; ky < 2; ky++) {
                                for (int kx = 0; kx < 2; kx++) {
                                    int i = (ch * h + oy * s + ky) * w + ox * s + kx;
                                    if (x[r * c * h * w + i] > x[r * c * h * w + best]) {
                                        best = i;
                                    }
                                }
                            }
                            String at = "stride " + s + ", row " + r + ", output " + j;
                            assertEquals(Double.doubleToLongBits(x[r * c * h * w + best]), Double.doubleToLongBits(y.get(r, j)), at);
                            assertEquals(1.0, jac[j][best], at + ": the gradient goes to input " + best);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aMaxPoolTieGoesToTheFirstMaximumInRowMajorWindowOrder() {
        Transform p = pool(true, Shape.image(1, 2, 2), Options.empty());
        Tensor y = p.forward(Tensor.row(1.0, 3.0, 3.0, 3.0));
        assertEquals(3.0, y.get(0, 0));
        assertArrayEquals(new double[] {0, 1, 0, 0}, p.jacobian(0).toDense()[0]);
        assertArrayEquals(new double[] {0, 5, 0, 0}, p.backward(Tensor.row(5.0), true).rowCopy(0));
    }

    @Test
    void averagePoolingAndGlobalAveragePoolingAverage() {
        Transform p = pool(false, Shape.image(1, 2, 4), Options.empty());
        assertArrayEquals(new double[] {2.5, 4.5}, p.forward(Tensor.row(1, 2, 3, 4, 3, 4, 5, 6)).rowCopy(0), 1e-15);
        Transform g = new GlobalAvgPool.Provider().create(new BuildContext("global-avgpool", Shape.image(2, 1, 2),
                Options.empty(), 0));
        assertArrayEquals(new double[] {1.5, 5}, g.forward(Tensor.row(1, 2, 4, 6)).rowCopy(0), 1e-15);
        assertEquals(Shape.of(2), g.outputShape());
    }

    @Test
    void theConvolutionJacobianIsBandedBlockToeplitz() {
        Layer c = conv(Shape.image(1, 4, 4), Options.of("filters", 1));
        c.forward(random(1, 16, 4));
        double[][] d = c.jacobian(0).toDense();
        double[] k = c.parameters().get(0).value();
        // output (0,0) sees input rows 0..2, columns 0..2; output (1,1) the same window moved one down and right
        assertEquals(k[0], d[0][0]);
        assertEquals(k[4], d[0][5]);
        assertEquals(k[0], d[3][5]);
        assertEquals(0.0, d[0][3]);
        assertTrue(c.jacobian(0).structure().startsWith("banded block-Toeplitz"));
    }
}
