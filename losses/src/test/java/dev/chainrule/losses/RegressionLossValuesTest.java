package dev.chainrule.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.Loss;
import dev.chainrule.api.Options;
import dev.chainrule.api.Tensor;
import dev.chainrule.testkit.CheckResult;
import dev.chainrule.testkit.JacobianChecker;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Hand values of the losses on value targets (docs/math.md), and the targets rule on the built-ins. */
class RegressionLossValuesTest {

    @Test
    void meanSquaredErrorOnValuesByHand() {
        MeanSquaredError mse = new MeanSquaredError(2);
        // p = (1, 2), y = (0, 4): d = (1, −2), ((1)² + (−2)²)/2 = 2.5; D_p = (2/2)·d = (1, −2)
        assertEquals(2.5, mse.forward(Tensor.row(1, 2), Tensor.row(0, 4)));
        assertArrayEquals(new double[] {1, -2}, mse.backward().data());
        assertArrayEquals(new double[] {1, -2}, mse.jacobian(0).toDense()[0]);
        assertEquals("(2/N)(p − y)ᵀ", mse.jacobian(0).structure());
        mse.forward(Tensor.row(1, 2), new int[] {1});
        assertEquals("(2/N)(p − e_y)ᵀ", mse.jacobian(0).structure());
    }

    @Test
    void aBatchIsTheSumOfItsRows() {
        MeanSquaredError mse = new MeanSquaredError(2);
        Tensor p = Tensor.of(new double[][] {{1, 2}, {0, 0}});
        Tensor y = Tensor.of(new double[][] {{0, 4}, {3, -1}});
        // row 0: 2.5; row 1: (9 + 1)/2 = 5
        assertEquals(7.5, mse.forward(p, y));
        assertArrayEquals(new double[] {1, -2, -3, 1}, mse.backward().data());
        assertArrayEquals(new double[] {-3, 1}, mse.jacobian(1).toDense()[0]);
    }

    @Test
    void meanAbsoluteErrorByHandWithAKink() {
        MeanAbsoluteError mae = new MeanAbsoluteError(3);
        // p = (1, 2, 3), y = (1, 0, 5): d = (0, 2, −2), (0 + 2 + 2)/3; D_p = (1/3)(0, 1, −1): 0 at the kink d = 0
        assertEquals(4.0 / 3, mae.forward(Tensor.row(1, 2, 3), Tensor.row(1, 0, 5)));
        double third = 1.0 / 3;
        assertArrayEquals(new double[] {0, third, -third}, mae.backward().data());
        assertEquals(0, Double.compare(0.0, mae.backward().get(0, 0)), "the subgradient at the kink is +0.0");
        // the one-sided slopes at the kink are ±1/3 and 0 lies between; the central difference, (ε − ε)/(2ε·3),
        // is exactly that 0, so the checker passes the row
        double eps = 1e-6;
        double f0 = mae.forward(Tensor.row(1, 2, 3), Tensor.row(1, 0, 5));
        assertEquals(third, (mae.forward(Tensor.row(1 + eps, 2, 3), Tensor.row(1, 0, 5)) - f0) / eps, 1e-9);
        assertEquals(-third, (f0 - mae.forward(Tensor.row(1 - eps, 2, 3), Tensor.row(1, 0, 5))) / eps, 1e-9);
        CheckResult r = new JacobianChecker().checkLossJacobian(mae, Tensor.row(1, 2, 3), Tensor.row(1, 0, 5), 0);
        assertTrue(r.passed(), r::describe);
    }

    @Test
    void huberOnBothSidesOfDelta() {
        Huber h = new Huber(2, 1.0);
        // d = 0.5 < δ: d²/2 = 0.125; d = 3 ≥ δ: δ(|d| − δ/2) = 2.5; (0.125 + 2.5)/2; D_p = (0.5, 1)/2
        assertEquals(1.3125, h.forward(Tensor.row(0.5, 3), Tensor.row(0, 0)));
        assertArrayEquals(new double[] {0.25, 0.5}, h.backward().data());
        // below the target: d = −0.5 and −3: the same value, D_p = (−0.5, −1)/2
        assertEquals(1.3125, h.forward(Tensor.row(-0.5, -3), Tensor.row(0, 0)));
        assertArrayEquals(new double[] {-0.25, -0.5}, h.backward().data());
        // at |d| = δ the two pieces meet: value δ²/2 = 0.5, slope δ = 1
        assertEquals(0.5, new Huber(1, 1.0).forward(Tensor.row(1), Tensor.row(0)));
        assertEquals(0.5, new Huber(1, 1.0).forward(Tensor.row(-1), Tensor.row(0)));
        // δ = 2, d = 3: 2(3 − 1) = 4, slope 2
        Huber h2 = new Huber(1, 2.0);
        assertEquals(4.0, h2.forward(Tensor.row(5), Tensor.row(2)));
        assertArrayEquals(new double[] {2.0}, h2.backward().data());
        assertEquals("(1/N) clamp(p − y, −δ, δ)ᵀ", h2.jacobian(0).structure());
    }

    @Test
    void huberDeltaComesFromTheOptionAndDefaultsToOne() {
        HuberProvider p = new HuberProvider();
        assertEquals(1.0, ((Huber) p.create(BuildContext.of(2, Options.empty()))).delta());
        assertEquals(0.25, ((Huber) p.create(BuildContext.of(2, Options.of("delta", 0.25)))).delta());
        assertThrows(IllegalArgumentException.class, () -> new Huber(2, 0));
        assertThrows(IllegalArgumentException.class, () -> new Huber(2, Double.NaN));
    }

    /** The old mse, copied from before api 2.1: one-hot e_y, (2/N)·d, Σ d² / N. */
    private static double oldMse(double[] p, int off, int n, int y, double[] grad) {
        double sum = 0.0;
        double scale = 2.0 / n;
        for (int i = 0; i < n; i++) {
            double d = p[off + i] - (i == y ? 1.0 : 0.0);
            sum += d * d;
            grad[off + i] = scale * d;
        }
        return sum / n;
    }

    @Test
    void mseOnClassLabelsIsBitwiseTheApi20Mse() {
        SplittableRandom rng = new SplittableRandom(21);
        for (int n : new int[] {1, 3, 7, 10}) {
            int rows = 33;
            double[] p = new double[rows * n];
            int[] y = new int[rows];
            for (int k = 0; k < p.length; k++) {
                p[k] = rng.nextDouble(-3, 3);
            }
            for (int r = 0; r < rows; r++) {
                y[r] = rng.nextInt(n);
            }
            double[] grad = new double[rows * n];
            double sum = 0.0;
            for (int r = 0; r < rows; r++) {
                sum += oldMse(p, r * n, n, y[r], grad);
            }
            MeanSquaredError mse = new MeanSquaredError(n);
            assertEquals(Double.doubleToRawLongBits(sum), Double.doubleToRawLongBits(mse.forward(new Tensor(rows, n, p), y)));
            assertArrayEquals(grad, mse.backward().data());
        }
    }

    @Test
    void classLabelsAreTheOneHotValueTargetsBitwise() {
        SplittableRandom rng = new SplittableRandom(22);
        int n = 5;
        int rows = 9;
        Tensor p = new Tensor(rows, n);
        Tensor oneHot = new Tensor(rows, n);
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = rng.nextInt(n);
            oneHot.set(r, y[r], 1.0);
            for (int i = 0; i < n; i++) {
                p.set(r, i, rng.nextDouble(-3, 3));
            }
        }
        for (Loss l : List.<Loss>of(new MeanSquaredError(n), new MeanAbsoluteError(n), new Huber(n, 0.7))) {
            double byLabels = l.forward(p, y);
            double[] gLabels = l.backward().data().clone();
            double byValues = l.forward(p, oneHot);
            assertEquals(Double.doubleToRawLongBits(byLabels), Double.doubleToRawLongBits(byValues), l.type());
            assertArrayEquals(gLabels, l.backward().data(), l.type());
        }
    }

    @Test
    void theBuiltInsDeclareTheirTargets() {
        Set<Loss.Targets> both = Set.of(Loss.Targets.CLASSES, Loss.Targets.VALUES);
        assertEquals(both, new MeanSquaredError(2).targets());
        assertEquals(both, new MeanAbsoluteError(2).targets());
        assertEquals(both, new Huber(2, 1).targets());
        assertEquals(Set.of(Loss.Targets.CLASSES), new CrossEntropy(2).targets());
        assertEquals(Set.of(Loss.Targets.CLASSES), new SoftmaxCrossEntropy(2).targets());
    }

    @Test
    void aClassLossGivenValuesFailsWithOneClearMessage() {
        for (Loss l : List.<Loss>of(new CrossEntropy(2), new SoftmaxCrossEntropy(2))) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> l.forward(Tensor.row(0.5, 0.5), Tensor.row(0, 1)));
            assertEquals("loss '" + l.type() + "' takes class labels, not value targets", e.getMessage());
        }
    }

    @Test
    void valueTargetsOfAnotherShapeAreRejectedNamingBoth() {
        MeanAbsoluteError mae = new MeanAbsoluteError(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mae.forward(Tensor.of(new double[][] {{1, 2}, {3, 4}}), Tensor.row(0, 4)));
        assertEquals("mae: prediction Tensor[2×2] but targets Tensor[1×2]; value targets are one row of 2 per"
                + " prediction row", e.getMessage());
    }
}
