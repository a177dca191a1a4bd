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
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.Transform;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DropoutTrainingTest {
    private static final ForwardContext STEP_7 = ForwardContext.training(42, 7).atStage(3);

    private static Transform dropout(Shape shape, double rate) {
        return new DropoutProvider().create(new BuildContext(shape, Options.of("rate", rate), 0));
    }

    private static Tensor ones(int rows, int cols) {
        Tensor t = new Tensor(rows, cols);
        t.fill(1.0);
        return t;
    }

    @Test
    void trainingDropsAboutRateAndScalesTheRestByOneOverOneMinusRate() {
        double rate = 0.3;
        Transform d = dropout(Shape.of(1000), rate);
        double[] y = d.forward(ones(20, 1000), STEP_7).data();
        int dropped = 0;
        for (double v : y) {
            if (v == 0.0) {
                dropped++;
            } else {
                assertEquals(1.0 / (1.0 - rate), v, 0.0, "a kept entry is scaled by 1/(1−p)");
            }
        }
        // 20000 Bernoulli(0.3) draws: sd ≈ 65, so ±400 is more than 6 sd
        assertEquals(6000, dropped, 400, "dropped entries");
    }

    @Test
    void theMaskIsDrawnFromTheContextAsTheApiSays() {
        Transform d = dropout(Shape.of(50), 0.5);
        double[] y = d.forward(ones(3, 50), STEP_7).data();
        for (int b = 0; b < 3; b++) {
            for (int k = 0; k < 50; k++) {
                boolean drop = STEP_7.random(b).uniform(k) < 0.5;
                assertEquals(drop ? 0.0 : 2.0, y[b * 50 + k], 0.0, "row " + b + " entry " + k);
            }
        }
    }

    @Test
    void sameContextSameMaskOtherStepOtherMaskOtherRowsDiffer() {
        Transform a = dropout(Shape.image(2, 4, 4), 0.5);
        Transform b = dropout(Shape.image(2, 4, 4), 0.5);
        Tensor x = Numeric.uniform(2, 32, 1, new SplittableRandom(1));
        double[] first = a.forward(x, STEP_7).data().clone();
        assertArrayEquals(first, b.forward(x, ForwardContext.training(42, 7).atStage(3)).data(), 0.0,
                "a fresh stage under an equal context draws the same mask");
        assertArrayEquals(first, a.forward(x, STEP_7).data(), 0.0, "the same stage again under the same context");
        assertFalse(java.util.Arrays.equals(first, a.forward(x, ForwardContext.training(42, 8).atStage(3)).data()),
                "the next step draws another mask");
        assertFalse(java.util.Arrays.equals(first, a.forward(x, ForwardContext.training(42, 7).atStage(4)).data()),
                "another stage position draws another mask");
        assertFalse(java.util.Arrays.equals(first, a.forward(x, ForwardContext.training(43, 7).atStage(3)).data()),
                "another seed draws another mask");
        Tensor same = new Tensor(2, 32);
        same.fill(1.0);
        double[] y = a.forward(same, STEP_7).data();
        assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOfRange(y, 0, 32), java.util.Arrays.copyOfRange(y, 32, 64)),
                "two rows of one batch get different masks");
    }

    @Test
    void inferenceIsTheIdentityAndNeverDraws() {
        Transform d = dropout(Shape.of(10), 0.9);
        Tensor x = Numeric.uniform(3, 10, 2, new SplittableRandom(3));
        assertArrayEquals(x.data(), d.forward(x, ForwardContext.inference()).data(), 0.0);
        assertArrayEquals(x.data(), d.forward(x).data(), 0.0);
        double[][] j = d.jacobian(1).toDense();
        for (int i = 0; i < 10; i++) {
            assertEquals(1.0, j[i][i], 0.0);
        }
        Tensor g = Numeric.uniform(3, 10, 1, new SplittableRandom(4));
        assertArrayEquals(g.data(), d.backward(g, true).data(), 0.0);
    }

    @Test
    void rateZeroIsTheIdentityInTrainingToo() {
        Transform d = dropout(Shape.of(10), 0.0);
        Tensor x = Numeric.uniform(3, 10, 2, new SplittableRandom(3));
        assertArrayEquals(x.data(), d.forward(x, STEP_7).data(), 0.0);
    }

    @Test
    void trainingJacobianIsTheMaskOverOneMinusRateAndMatchesCentralDifferences() {
        double rate = 0.4;
        Transform d = dropout(Shape.image(2, 3, 3), rate);
        Tensor x = Numeric.uniform(3, 18, 1, new SplittableRandom(5));
        double[] y = d.forward(x, STEP_7).data().clone();
        Tensor g = Numeric.uniform(3, 18, 1, new SplittableRandom(6));
        double[] gx = d.backward(g, true).data().clone();
        for (int b = 0; b < 3; b++) {
            double[][] j = d.jacobian(b).toDense();
            int row = b;
            // perturb row b inside the whole batch: a batch of one would be row 0 and get row 0's mask
            double[][] numericInBatch = Numeric.jacobian(v -> {
                Tensor xb = x.copy();
                System.arraycopy(v, 0, xb.data(), row * 18, 18);
                return d.forward(xb, STEP_7).rowCopy(row);
            }, x.rowCopy(b));
            d.forward(x, STEP_7);
            Numeric.assertClose("D_x at row " + b, numericInBatch, j, 1e-7);
            for (int k = 0; k < 18; k++) {
                double expected = STEP_7.random(b).uniform(k) < rate ? 0.0 : 1.0 / (1.0 - rate);
                assertEquals(expected, j[k][k], 0.0, "diagonal " + k + " of row " + b);
                assertEquals(expected * x.get(b, k), y[b * 18 + k], 0.0);
                assertEquals(expected * g.get(b, k), gx[b * 18 + k], 0.0, "backward = g∘mask/(1−p)");
            }
        }
    }

    @Test
    void rateOutsideZeroToOneIsRefusedNamingTheOption() {
        for (double bad : new double[] {1.0, 1.5, -0.01}) {
            OptionException e = assertThrows(OptionException.class, () -> dropout(Shape.of(4), bad));
            assertEquals("rate", e.key());
            assertTrue(e.getMessage().contains("[0, 1)"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new Dropout(Shape.of(4), 1.0));
    }
}
