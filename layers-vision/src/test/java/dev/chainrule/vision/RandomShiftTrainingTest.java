package dev.chainrule.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.OptionException;
import dev.chainrule.api.Options;
import dev.chainrule.api.RandomSource;
import dev.chainrule.api.Shape;
import dev.chainrule.api.ShapeException;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.Transform;
import dev.chainrule.kernels.Parallelism;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** random-shift in training: the shifts as documented, reproducible, the selection Jacobian, inference identity. */
class RandomShiftTrainingTest {
    private static final ForwardContext STEP_7 = ForwardContext.training(42, 7).atStage(0);
    private static final Shape IMAGE = Shape.image(3, 5, 7);
    private static final int N = IMAGE.size();

    @AfterEach
    void restoreThreads() {
        Parallelism.setThreads(Parallelism.defaultThreads());
    }

    private static RandomShift shift(Shape shape, Options options) {
        return (RandomShift) new RandomShiftProvider().create(new BuildContext(shape, options, 0));
    }

    private static RandomShift shift(int max, double fill) {
        return shift(IMAGE, Options.of("max", max, "fill", fill));
    }

    /** The map written out from the javadoc, one pixel at a time. */
    private static double expected(Tensor x, int b, int c, int i, int j, int dy, int dx, double fill) {
        int si = i - dy;
        int sj = j - dx;
        return si < 0 || si >= 5 || sj < 0 || sj >= 7 ? fill : x.get(b, (c * 5 + si) * 7 + sj);
    }

    @Test
    void eachRowMovesByTheShiftItsRandomStreamGivesAndVacatedPixelsAreFill() {
        RandomShift s = shift(2, -0.5);
        Tensor x = Numeric.uniform(6, N, 1, new SplittableRandom(1));
        Tensor y = s.forward(x, STEP_7);
        for (int b = 0; b < 6; b++) {
            RandomSource r = STEP_7.random(b);
            int dy = Math.min((int) (r.uniform(0) * 5), 4) - 2;
            int dx = Math.min((int) (r.uniform(1) * 5), 4) - 2;
            assertArrayEquals(new int[] {dy, dx}, s.shift(b), "row " + b + ": the shift drawn as documented");
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < 5; i++) {
                    for (int j = 0; j < 7; j++) {
                        assertEquals(expected(x, b, c, i, j, dy, dx, -0.5), y.get(b, (c * 5 + i) * 7 + j), 0.0,
                                "row " + b + " (" + c + ", " + i + ", " + j + ") shifted by (" + dy + ", " + dx + ")");
                    }
                }
            }
        }
    }

    @Test
    void shiftsAreUniformOverMinusMaxToMax() {
        RandomShift s = shift(Shape.image(1, 5, 5), Options.of("max", 2));
        int rows = 5000;
        s.forward(new Tensor(rows, 25), STEP_7);
        int[][] counts = new int[2][5];
        for (int b = 0; b < rows; b++) {
            int[] d = s.shift(b);
            counts[0][d[0] + 2]++;
            counts[1][d[1] + 2]++;
        }
        for (int[] axis : counts) {
            for (int k : axis) {
                // Binomial(5000, 1/5): sd ≈ 28, so ±170 is 6 sd
                assertEquals(1000, k, 170, "each shift in [−2, 2] about 1/5 of the rows: " + Arrays.toString(axis));
            }
        }
    }

    @Test
    void theSameSeedStepAndRowGiveTheSameShiftWhateverTheBatch() {
        Tensor x = Numeric.uniform(8, N, 1, new SplittableRandom(2));
        RandomShift a = shift(2, 0);
        RandomShift b = shift(2, 0);
        double[] first = a.forward(x, STEP_7).data().clone();
        assertArrayEquals(first, b.forward(x, ForwardContext.training(42, 7).atStage(0)).data(), 0.0,
                "a fresh stage under an equal context: the same shifts (what --resume relies on)");
        // rows 0..2 alone: each row's shift is keyed by its row index, not by the batch it is in
        Tensor head = new Tensor(3, N, Arrays.copyOf(x.data(), 3 * N));
        assertArrayEquals(Arrays.copyOf(first, 3 * N), b.forward(head, STEP_7).copy().data(), 0.0, "a smaller batch");
        int[][] shifts = new int[8][];
        a.forward(x, STEP_7);
        for (int r = 0; r < 8; r++) {
            shifts[r] = a.shift(r);
        }
        assertFalse(Arrays.stream(shifts).allMatch(s -> Arrays.equals(s, shifts[0])), "rows get different shifts");
        assertFalse(Arrays.equals(first, a.forward(x, ForwardContext.training(42, 8).atStage(0)).data()),
                "the next step shifts otherwise");
        assertFalse(Arrays.equals(first, a.forward(x, ForwardContext.training(43, 7).atStage(0)).data()),
                "another seed shifts otherwise");
        assertFalse(Arrays.equals(first, a.forward(x, ForwardContext.training(42, 7).atStage(1)).data()),
                "another stage position shifts otherwise");
    }

    @Test
    void twoForwardsUnderTheSameContextAgreeBitwise() {
        RandomShift s = shift(2, 0.25);
        Tensor x = Numeric.uniform(5, N, 3, new SplittableRandom(3));
        double[] first = s.forward(x, STEP_7).data().clone();
        Tensor g = Numeric.uniform(5, N, 1, new SplittableRandom(4));
        double[] firstBack = s.backward(g, true).data().clone();
        s.forward(Numeric.uniform(5, N, 3, new SplittableRandom(5)), ForwardContext.training(42, 9).atStage(0));
        assertArrayEquals(first, s.forward(x, STEP_7).data(), 0.0, "forward");
        assertArrayEquals(firstBack, s.backward(g, true).data(), 0.0, "backward");
    }

    @Test
    void inferenceIsTheIdentityAndNeverDraws() {
        RandomShift s = shift(2, 1.0);
        Tensor x = Numeric.uniform(4, N, 2, new SplittableRandom(6));
        // the inference context throws on any draw, so returning at all means nothing was drawn
        assertArrayEquals(x.data(), s.forward(x, ForwardContext.inference()).data(), 0.0);
        assertArrayEquals(x.data(), s.forward(x).data(), 0.0);
        assertArrayEquals(new int[2], s.shift(3));
        double[][] j = s.jacobian(2).toDense();
        for (int r = 0; r < N; r++) {
            for (int c = 0; c < N; c++) {
                assertEquals(r == c ? 1.0 : 0.0, j[r][c], 0.0);
            }
        }
        Tensor g = Numeric.uniform(4, N, 1, new SplittableRandom(7));
        assertArrayEquals(g.data(), s.backward(g, true).data(), 0.0);
    }

    @Test
    void maxZeroIsTheIdentityInTrainingToo() {
        RandomShift s = shift(0, 1.0);
        Tensor x = Numeric.uniform(4, N, 2, new SplittableRandom(6));
        assertArrayEquals(x.data(), s.forward(x, STEP_7).data(), 0.0);
    }

    @Test
    void theJacobianIsTheSelectionMatrixOfTheRowsShiftAndBackwardItsTranspose() {
        RandomShift s = shift(2, 0.75);
        int rows = 6;
        Tensor x = Numeric.uniform(rows, N, 1, new SplittableRandom(8));
        s.forward(x, STEP_7);
        Tensor g = Numeric.uniform(rows, N, 1, new SplittableRandom(9));
        double[] gx = s.backward(g, true).data().clone();
        for (int b = 0; b < rows; b++) {
            int[] d = s.shift(b);
            double[][] sel = new double[N][N];
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < 5; i++) {
                    for (int j = 0; j < 7; j++) {
                        int si = i - d[0];
                        int sj = j - d[1];
                        if (si >= 0 && si < 5 && sj >= 0 && sj < 7) {
                            sel[(c * 5 + i) * 7 + j][(c * 5 + si) * 7 + sj] = 1.0;
                        }
                    }
                }
            }
            assertTrue(Arrays.deepEquals(sel, s.jacobian(b).toDense()), "row " + b + ": S" + Arrays.toString(d));
            double[] back = Arrays.copyOfRange(gx, b * N, (b + 1) * N);
            assertArrayEquals(Numeric.rowTimes(g.rowCopy(b), sel), back, 0.0, "backward = g·S at row " + b);
            int row = b;
            // the row perturbed inside its batch (a batch of one would be row 0 with row 0's shift)
            double[][] numeric = Numeric.jacobian(v -> {
                Tensor xb = x.copy();
                System.arraycopy(v, 0, xb.data(), row * N, N);
                return s.forward(xb, STEP_7).rowCopy(row);
            }, x.rowCopy(b));
            Numeric.assertClose("D_x at row " + b, numeric, sel, 1e-7);
        }
    }

    @Test
    void theJacobianKeepsItsShiftAfterTheNextForward() {
        RandomShift s = shift(2, 0);
        s.forward(Numeric.uniform(3, N, 1, new SplittableRandom(10)), STEP_7);
        var j = s.jacobian(1);
        double[][] before = j.toDense();
        s.forward(Numeric.uniform(3, N, 1, new SplittableRandom(11)), ForwardContext.training(1, 2).atStage(0));
        assertTrue(Arrays.deepEquals(before, j.toDense()), "the Jacobian holds its own copy of the shift");
        s.forward(Numeric.uniform(3, N, 1, new SplittableRandom(12)), ForwardContext.inference());
        assertTrue(Arrays.deepEquals(before, j.toDense()), "and keeps it after an inference pass");
    }

    @Test
    void bitwiseTheSameOnOneAndTwoThreads() {
        Shape big = Shape.image(3, 28, 28);
        Tensor x = Numeric.uniform(64, big.size(), 1, new SplittableRandom(13));
        Tensor g = Numeric.uniform(64, big.size(), 1, new SplittableRandom(14));
        double[][] out = new double[2][];
        double[][] back = new double[2][];
        for (int t = 1; t <= 2; t++) {
            Parallelism.setThreads(t);
            RandomShift s = shift(big, Options.of("max", 3));
            out[t - 1] = s.forward(x, STEP_7).data().clone();
            back[t - 1] = s.backward(g, true).data().clone();
        }
        assertArrayEquals(out[0], out[1], 0.0);
        assertArrayEquals(back[0], back[1], 0.0);
    }

    @Test
    void badOptionsAndShapesAreRefused() {
        OptionException e = assertThrows(OptionException.class, () -> shift(5, 0));
        assertEquals("max", e.key());
        assertEquals("must be below the image's height and width (3×5×7 allows up to 4), got 5", e.getMessage());
        assertEquals("max", assertThrows(OptionException.class,
                () -> shift(IMAGE, Options.of("max", -1))).key());
        assertThrows(ShapeException.class, () -> shift(Shape.of(12), Options.empty()));
        assertThrows(IllegalArgumentException.class, () -> new RandomShift(IMAGE, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> new RandomShift(IMAGE, 1, Double.NaN));
        RandomShift d = shift(IMAGE, Options.empty());
        assertEquals(2, d.max(), "default max");
        assertEquals(0.0, d.fill(), 0.0, "default fill");
    }
}
