package dev.chainrule.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Options;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.kernels.Parallelism;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Winograd F(2×2, 3×3) against the direct form ({@code -Dchainrule.conv.winograd=false}, the same layer built
 * with the property set): output, input gradient, kernel gradient and bias gradient within 1e-13 normwise, on
 * odd and even outputs, valid and same padding, batches over several gradient chunks; and bitwise the same at
 * 1, 2 and 3 threads.
 */
class Conv2dWinogradTest {
    private static final String PROPERTY = "chainrule.conv.winograd";

    @AfterEach
    void restore() {
        Parallelism.setThreads(Parallelism.defaultThreads());
        System.clearProperty(PROPERTY);
    }

    private static Tensor random(int rows, int cols, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor t = new Tensor(rows, cols);
        for (int i = 0; i < t.data().length; i++) {
            t.data()[i] = rng.nextDouble(-1, 1);
        }
        return t;
    }

    private static Layer conv(Shape in, Options o, boolean winograd) {
        if (winograd) {
            System.clearProperty(PROPERTY);
        } else {
            System.setProperty(PROPERTY, "false");
        }
        try {
            return new Conv2dProvider().create(new BuildContext("conv2d", in, o, 5));
        } finally {
            System.clearProperty(PROPERTY);
        }
    }

    /** Output, dX, dK, db after one forward and backward. */
    private static double[][] run(Layer c, int batch) {
        Tensor x = random(batch, c.inputSize(), 11);
        Tensor y = c.forward(x);
        Tensor dx = c.backward(random(batch, c.outputSize(), 12), true);
        return new double[][] {y.data().clone(), dx.data().clone(), c.parameters().get(0).grad().clone(),
                c.parameters().get(1).grad().clone()};
    }

    private static double norm(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    @Test
    void winogradMatchesTheDirectFormWithin1e13Normwise() {
        Object[][] cases = {
            {Shape.image(32, 13, 13), 64, "valid", 37},   // the convnet's second layer: 11×11, odd, 3 chunks
            {Shape.image(8, 10, 9), 5, "valid", 3},
            {Shape.image(9, 7, 8), 6, "same", 17},
        };
        String[] names = {"y", "dx", "dK", "db"};
        for (Object[] cs : cases) {
            Shape in = (Shape) cs[0];
            Options o = Options.of("filters", cs[1], "padding", cs[2]);
            Layer fast = conv(in, o, true);
            Layer direct = conv(in, o, false);
            double[][] got = run(fast, (Integer) cs[3]);
            double[][] want = run(direct, (Integer) cs[3]);
            boolean anyBitDiffers = false;
            for (int i = 0; i < got.length; i++) {
                double[] d = got[i].clone();
                for (int j = 0; j < d.length; j++) {
                    d[j] -= want[i][j];
                }
                double rel = norm(d) / norm(want[i]);
                assertTrue(rel < 1e-13, in + " " + cs[2] + " " + names[i] + ": normwise " + rel);
                anyBitDiffers |= norm(d) != 0;
            }
            // the two layers must really run different arithmetic, or this test compares a form with itself
            assertTrue(anyBitDiffers, in + ": Winograd gave the direct form's bits; is it in use?");
        }
    }

    @Test
    void winogradIsBitwiseTheSameWithOneTwoOrThreeThreads() {
        Shape in = Shape.image(16, 12, 11);
        double[][] first = null;
        for (int t = 1; t <= 3; t++) {
            Parallelism.setThreads(t);
            double[][] got = run(conv(in, Options.of("filters", 12), true), 40);
            if (first == null) {
                first = got;
            } else {
                for (int i = 0; i < got.length; i++) {
                    assertArrayEquals(first[i], got[i], t + " threads, array " + i);
                }
            }
        }
        assertNotEquals(0.0, norm(first[2]));
    }
}
