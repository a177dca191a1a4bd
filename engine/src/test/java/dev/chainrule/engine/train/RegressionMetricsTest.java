package dev.chainrule.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RegressionMetricsTest {

    @Test
    void aPerfectFitHasR2OneAndNoError() {
        RegressionMetrics m = new RegressionMetrics(2);
        double[] y = {1, 10, 2, 20, 4, 40};
        m.add(y.clone(), y, 3);
        assertEquals(3, m.count());
        assertEquals(1.0, m.r2(0));
        assertEquals(1.0, m.r2(1));
        assertEquals(1.0, m.r2());
        assertEquals(0.0, m.mse());
        assertEquals(0.0, m.mae());
    }

    @Test
    void predictingTheMeanHasR2Zero() {
        RegressionMetrics m = new RegressionMetrics(1);
        double[] y = {1, 2, 3, 6};
        double[] p = {3, 3, 3, 3}; // ȳ = 3
        m.add(p, y, 4);
        assertEquals(0.0, m.r2(0), 1e-15);
        // SSres = 4 + 1 + 0 + 9 = 14, MSE 3.5; MAE (2 + 1 + 0 + 3)/4 = 1.5
        assertEquals(3.5, m.mse(0));
        assertEquals(1.5, m.mae(0));
        assertEquals(3.0, m.targetMean(0));
    }

    @Test
    void handValuesPerTargetAndAveraged() {
        RegressionMetrics m = new RegressionMetrics(2);
        // target 0: y = (0, 2), p = (1, 2): SSres 1, SStot 2, R² 0.5, MSE 0.5, MAE 0.5
        // target 1: y = (4, 0), p = (2, 2): SSres 8, SStot 8, R² 0,   MSE 4,   MAE 2
        m.addRow(new double[] {1, 2}, 0, new double[] {0, 4}, 0);
        m.addRow(new double[] {2, 2}, 0, new double[] {2, 0}, 0);
        assertEquals(0.5, m.r2(0));
        assertEquals(0.0, m.r2(1));
        assertEquals(0.25, m.r2());
        assertEquals(0.5, m.mse(0));
        assertEquals(4.0, m.mse(1));
        assertEquals(2.25, m.mse());
        assertEquals(1.25, m.mae());
        // a worse-than-the-mean model has negative R²
        RegressionMetrics w = new RegressionMetrics(1);
        w.add(new double[] {2, 0}, new double[] {0, 2}, 2);
        assertEquals(-3.0, w.r2(0)); // 1 − 8/2
    }

    @Test
    void theSameRowsInTheSameOrderGiveTheSameBitsWhateverTheBatches() {
        SplittableRandom rng = new SplittableRandom(5);
        int rows = 101;
        int t = 3;
        double[] p = new double[rows * t];
        double[] y = new double[rows * t];
        for (int k = 0; k < p.length; k++) {
            y[k] = rng.nextDouble(-5, 5);
            p[k] = y[k] + rng.nextGaussian();
        }
        RegressionMetrics whole = new RegressionMetrics(t);
        whole.add(p, y, rows);
        RegressionMetrics byRow = new RegressionMetrics(t);
        for (int r = 0; r < rows; r++) {
            byRow.addRow(p, r * t, y, r * t);
        }
        for (int j = 0; j < t; j++) {
            assertEquals(Double.doubleToRawLongBits(whole.r2(j)), Double.doubleToRawLongBits(byRow.r2(j)));
            assertEquals(Double.doubleToRawLongBits(whole.mse(j)), Double.doubleToRawLongBits(byRow.mse(j)));
        }
        assertTrue(whole.r2() > 0.8 && whole.r2() < 1, whole::toString);
    }

    @Test
    void r2IsStableForTargetsFarFromZero() {
        // y = 1e9 + (−1, 0, 1): SStot = 2; the textbook Σy² − nȳ² loses every digit here
        RegressionMetrics m = new RegressionMetrics(1);
        m.add(new double[] {1e9 - 0.5, 1e9, 1e9 + 0.5}, new double[] {1e9 - 1, 1e9, 1e9 + 1}, 3);
        // SSres = 0.25 + 0 + 0.25 = 0.5, R² = 1 − 0.5/2
        assertEquals(0.75, m.r2(0), 1e-12);
    }

    @Test
    void aConstantTargetAndNoRows() {
        RegressionMetrics m = new RegressionMetrics(1);
        assertTrue(Double.isNaN(m.r2()));
        assertTrue(Double.isNaN(m.mse()));
        m.add(new double[] {7, 7}, new double[] {7, 7}, 2);
        assertEquals(1.0, m.r2(0));
        m.add(new double[] {8}, new double[] {7}, 1);
        assertEquals(0.0, m.r2(0));
        assertThrows(IndexOutOfBoundsException.class, () -> m.r2(1));
        assertThrows(IllegalArgumentException.class, () -> new RegressionMetrics(0));
        assertThrows(IllegalArgumentException.class, () -> m.add(new double[] {1}, new double[] {1, 2}, 2));
    }
}
