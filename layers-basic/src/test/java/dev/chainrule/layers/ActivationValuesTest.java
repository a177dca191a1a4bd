package dev.chainrule.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Tensor;
import org.junit.jupiter.api.Test;

/** Hand values from the notes (with docs/math.md's corrections). */
class ActivationValuesTest {

    @Test
    void sigmoidAtZeroIsOneHalfWithSlopeOneQuarter() {
        Sigmoid s = new Sigmoid(1);
        assertEquals(0.5, s.forward(Tensor.row(0)).get(0, 0));
        assertEquals(0.25, s.jacobian(0).toDense()[0][0]); // σ(1−σ) = 1/4, not 1−σ = 1/2
    }

    @Test
    void sigmoidIsFiniteAndAccurateWhenSaturated() {
        Sigmoid s = new Sigmoid(4);
        double[] y = s.forward(Tensor.row(-1000, -30, 30, 1000)).data();
        assertEquals(0.0, y[0]);
        assertEquals(Math.exp(-30) / (1 + Math.exp(-30)), y[1], 1e-28);
        assertEquals(1.0, y[3]);
        double[] d = s.jacobian(0).toDense()[1];
        double expected = Math.exp(-30) / Math.pow(1 + Math.exp(-30), 2);
        assertEquals(expected, d[1], 1e-15 * expected);
        assertEquals(0.0, s.jacobian(0).toDense()[0][0]);
    }

    @Test
    void tanhAndReluByHand() {
        Tanh t = new Tanh(2);
        t.forward(Tensor.row(0, 25));
        assertEquals(1.0, t.jacobian(0).toDense()[0][0]);
        double sech2 = 4 * Math.exp(-50) / Math.pow(1 + Math.exp(-50), 2);
        assertEquals(sech2, t.jacobian(0).toDense()[1][1], 1e-15 * sech2);
        Relu r = new Relu(3);
        assertArrayEquals(new double[] {0, 0, 2}, r.forward(Tensor.row(-1, 0, 2)).data());
        double[][] d = r.jacobian(0).toDense();
        assertEquals(0.0, d[0][0]);
        assertEquals(0.0, d[1][1], "relu'(0) is taken as 0");
        assertEquals(1.0, d[2][2]);
    }

    @Test
    void softmaxOfEqualLogitsIsUniform() {
        Softmax s = new Softmax(4);
        for (double v : s.forward(Tensor.row(7, 7, 7, 7)).data()) {
            assertEquals(0.25, v, 1e-16);
        }
        for (double v : s.forward(Tensor.row(1000, 1000, 1000, 1000)).data()) {
            assertEquals(0.25, v, 1e-16);
        }
    }

    @Test
    void softmaxJacobianOnAWorkedThreeVector() {
        // x = (0, ln 2, ln 5): e^x = (1, 2, 5), s = (1/8, 2/8, 5/8).
        Softmax sm = new Softmax(3);
        double[] s = sm.forward(Tensor.row(0, Math.log(2), Math.log(5))).data();
        assertArrayEquals(new double[] {0.125, 0.25, 0.625}, s, 1e-15);
        // diag(s) − s sᵀ, by hand in 64ths: diagonal s_i − s_i² = 7/64, 12/64, 15/64;
        // off-diagonal −s_i s_l = −2/64, −5/64, −10/64.
        double[][] expected = {
            {7 / 64.0, -2 / 64.0, -5 / 64.0},
            {-2 / 64.0, 12 / 64.0, -10 / 64.0},
            {-5 / 64.0, -10 / 64.0, 15 / 64.0}};
        Jacobian j = sm.jacobian(0);
        double[][] d = j.toDense();
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(expected[i], d[i], 1e-15);
        }
        // each row sums to 0: adding a constant to every logit leaves s unchanged
        for (double[] row : d) {
            assertEquals(0.0, row[0] + row[1] + row[2], 1e-15);
        }
        assertTrue(j.structure().contains("diag(s)"));
    }
}
