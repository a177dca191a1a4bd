package dev.chainrule.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.OptionException;
import dev.chainrule.api.Options;
import dev.chainrule.api.RandomSource;
import dev.chainrule.api.Shape;
import dev.chainrule.api.ShapeException;
import dev.chainrule.api.Tensor;
import dev.chainrule.kernels.Parallelism;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** random-flip in training: the flips as documented, reproducible, the permutation Jacobian, inference identity. */
class RandomFlipTrainingTest {
    private static final ForwardContext STEP_7 = ForwardContext.training(42, 7).atStage(0);
    private static final Shape IMAGE = Shape.image(3, 5, 7);
    private static final int N = IMAGE.size();

    @AfterEach
    void restoreThreads() {
        Parallelism.setThreads(Parallelism.defaultThreads());
    }

    private static RandomFlip flip(Shape shape, Options options) {
        return (RandomFlip) new RandomFlipProvider().create(new BuildContext(shape, options, 0));
    }

    private static RandomFlip both(double p) {
        return flip(IMAGE, Options.of("vertical", true, "p", p));
    }

    @Test
    void eachRowFlipsAsItsRandomStreamSays() {
        double p = 0.4;
        RandomFlip f = both(p);
        Tensor x = Numeric.uniform(12, N, 1, new SplittableRandom(1));
        Tensor y = f.forward(x, STEP_7);
        for (int b = 0; b < 12; b++) {
            RandomSource r = STEP_7.random(b);
            boolean h = r.uniform(0) < p;
            boolean v = r.uniform(1) < p;
            assertArrayEquals(new boolean[] {h, v}, f.flips(b), "row " + b);
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < 5; i++) {
                    for (int j = 0; j < 7; j++) {
                        double src = x.get(b, (c * 5 + (v ? 4 - i : i)) * 7 + (h ? 6 - j : j));
                        assertEquals(src, y.get(b, (c * 5 + i) * 7 + j), 0.0, "row " + b + " (" + c + ", " + i + ", " + j + ")");
                    }
                }
            }
        }
    }

    @Test
    void eachAxisFlipsWithProbabilityPAndOnlyTheEnabledOnes() {
        int rows = 4000;
        RandomFlip h = flip(Shape.image(1, 2, 2), Options.of("p", 0.3));
        h.forward(new Tensor(rows, 4), STEP_7);
        int[] count = new int[2];
        for (int b = 0; b < rows; b++) {
            boolean[] fl = h.flips(b);
            count[0] += fl[0] ? 1 : 0;
            count[1] += fl[1] ? 1 : 0;
        }
        // Binomial(4000, 0.3): sd ≈ 29, so ±180 is 6 sd
        assertEquals(1200, count[0], 180, "left–right flips");
        assertEquals(0, count[1], "vertical is off by default");
        RandomFlip v = flip(Shape.image(1, 2, 2), Options.of("horizontal", false, "vertical", true, "p", 0.3));
        v.forward(new Tensor(rows, 4), STEP_7);
        int vertical = 0;
        for (int b = 0; b < rows; b++) {
            assertFalse(v.flips(b)[0], "horizontal off");
            vertical += v.flips(b)[1] ? 1 : 0;
        }
        assertEquals(1200, vertical, 180, "upside-down flips");
        RandomFlip always = flip(IMAGE, Options.of("p", 1.0));
        Tensor x = Numeric.uniform(3, N, 1, new SplittableRandom(2));
        Tensor y = always.forward(x, STEP_7);
        assertEquals(x.get(1, 0), y.get(1, 6), 0.0, "p 1 mirrors every row");
    }

    @Test
    void theSameSeedStepAndRowGiveTheSameFlipsWhateverTheBatch() {
        Tensor x = Numeric.uniform(16, N, 1, new SplittableRandom(3));
        RandomFlip a = both(0.5);
        RandomFlip b = both(0.5);
        double[] first = a.forward(x, STEP_7).data().clone();
        assertArrayEquals(first, b.forward(x, ForwardContext.training(42, 7).atStage(0)).data(), 0.0,
                "a fresh stage under an equal context: the same flips (what --resume relies on)");
        Tensor head = new Tensor(5, N, Arrays.copyOf(x.data(), 5 * N));
        assertArrayEquals(Arrays.copyOf(first, 5 * N), b.forward(head, STEP_7).copy().data(), 0.0, "a smaller batch");
        assertFalse(Arrays.equals(first, a.forward(x, ForwardContext.training(42, 8).atStage(0)).data()),
                "the next step flips otherwise");
        assertFalse(Arrays.equals(first, a.forward(x, ForwardContext.training(43, 7).atStage(0)).data()),
                "another seed flips otherwise");
    }

    @Test
    void enablingTheVerticalAxisLeavesTheHorizontalDrawsAlone() {
        RandomFlip h = flip(IMAGE, Options.empty());
        RandomFlip hv = both(0.5);
        Tensor x = new Tensor(20, N);
        h.forward(x, STEP_7);
        hv.forward(x, STEP_7);
        for (int b = 0; b < 20; b++) {
            assertEquals(h.flips(b)[0], hv.flips(b)[0], "row " + b);
        }
    }

    @Test
    void twoForwardsUnderTheSameContextAgreeBitwise() {
        RandomFlip f = both(0.5);
        Tensor x = Numeric.uniform(6, N, 3, new SplittableRandom(4));
        double[] first = f.forward(x, STEP_7).data().clone();
        Tensor g = Numeric.uniform(6, N, 1, new SplittableRandom(5));
        double[] firstBack = f.backward(g, true).data().clone();
        f.forward(Numeric.uniform(6, N, 3, new SplittableRandom(6)), ForwardContext.training(42, 9).atStage(0));
        assertArrayEquals(first, f.forward(x, STEP_7).data(), 0.0, "forward");
        assertArrayEquals(firstBack, f.backward(g, true).data(), 0.0, "backward");
    }

    @Test
    void inferenceIsTheIdentityAndNeverDraws() {
        RandomFlip f = both(1.0);
        Tensor x = Numeric.uniform(4, N, 2, new SplittableRandom(7));
        // the inference context throws on any draw, so returning at all means nothing was drawn
        assertArrayEquals(x.data(), f.forward(x, ForwardContext.inference()).data(), 0.0);
        assertArrayEquals(x.data(), f.forward(x).data(), 0.0);
        assertArrayEquals(new boolean[2], f.flips(0));
        double[][] j = f.jacobian(1).toDense();
        for (int r = 0; r < N; r++) {
            for (int c = 0; c < N; c++) {
                assertEquals(r == c ? 1.0 : 0.0, j[r][c], 0.0);
            }
        }
        Tensor g = Numeric.uniform(4, N, 1, new SplittableRandom(8));
        assertArrayEquals(g.data(), f.backward(g, true).data(), 0.0);
        RandomFlip never = flip(IMAGE, Options.of("p", 0.0));
        assertArrayEquals(x.data(), never.forward(x, STEP_7).data(), 0.0, "p 0 is the identity in training");
    }

    @Test
    void theJacobianIsTheRowsPermutationAndBackwardItsTranspose() {
        RandomFlip f = both(0.5);
        int rows = 12;
        Tensor x = Numeric.uniform(rows, N, 1, new SplittableRandom(9));
        f.forward(x, STEP_7);
        Tensor g = Numeric.uniform(rows, N, 1, new SplittableRandom(10));
        double[] gx = f.backward(g, true).data().clone();
        boolean[] seen = new boolean[4];
        for (int b = 0; b < rows; b++) {
            boolean[] fl = f.flips(b);
            seen[(fl[0] ? 1 : 0) | (fl[1] ? 2 : 0)] = true;
            double[][] perm = new double[N][N];
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < 5; i++) {
                    for (int j = 0; j < 7; j++) {
                        perm[(c * 5 + i) * 7 + j][(c * 5 + (fl[1] ? 4 - i : i)) * 7 + (fl[0] ? 6 - j : j)] = 1.0;
                    }
                }
            }
            Jacobian jac = f.jacobian(b);
            assertTrue(Arrays.deepEquals(perm, jac.toDense()), "row " + b + ": P" + Arrays.toString(fl));
            assertArrayEquals(Numeric.rowTimes(g.rowCopy(b), perm), Arrays.copyOfRange(gx, b * N, (b + 1) * N), 0.0,
                    "backward = g·P at row " + b);
            int row = b;
            double[][] numeric = Numeric.jacobian(v -> {
                Tensor xb = x.copy();
                System.arraycopy(v, 0, xb.data(), row * N, N);
                return f.forward(xb, STEP_7).rowCopy(row);
            }, x.rowCopy(b));
            Numeric.assertClose("D_x at row " + b, numeric, perm, 1e-7);
            f.forward(Numeric.uniform(rows, N, 1, new SplittableRandom(11)), ForwardContext.inference());
            assertTrue(Arrays.deepEquals(perm, jac.toDense()), "the Jacobian holds its own copy of the flips");
            f.forward(x, STEP_7);
        }
        assertTrue(seen[0] && seen[1] && seen[2] && seen[3], "the rows cover all four cases: " + Arrays.toString(seen));
    }

    @Test
    void bitwiseTheSameOnOneAndTwoThreads() {
        Shape big = Shape.image(3, 28, 28);
        Tensor x = Numeric.uniform(64, big.size(), 1, new SplittableRandom(12));
        Tensor g = Numeric.uniform(64, big.size(), 1, new SplittableRandom(13));
        double[][] out = new double[2][];
        double[][] back = new double[2][];
        for (int t = 1; t <= 2; t++) {
            Parallelism.setThreads(t);
            RandomFlip f = flip(big, Options.of("vertical", true));
            out[t - 1] = f.forward(x, STEP_7).data().clone();
            back[t - 1] = f.backward(g, true).data().clone();
        }
        assertArrayEquals(out[0], out[1], 0.0);
        assertArrayEquals(back[0], back[1], 0.0);
    }

    @Test
    void badOptionsAndShapesAreRefused() {
        OptionException e = assertThrows(OptionException.class, () -> flip(IMAGE, Options.of("horizontal", false)));
        assertEquals("horizontal", e.key());
        assertTrue(e.getMessage().contains("both false"), e.getMessage());
        assertEquals("p", assertThrows(OptionException.class, () -> flip(IMAGE, Options.of("p", 2))).key());
        assertThrows(ShapeException.class, () -> flip(Shape.of(12), Options.empty()));
        assertThrows(IllegalArgumentException.class, () -> new RandomFlip(IMAGE, false, false, 0.5));
        RandomFlip d = flip(IMAGE, Options.empty());
        assertTrue(d.horizontal() && !d.vertical() && d.p() == 0.5, "defaults: horizontal, not vertical, p 0.5");
    }
}
