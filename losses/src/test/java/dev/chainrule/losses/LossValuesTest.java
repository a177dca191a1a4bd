package dev.chainrule.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.chainrule.api.Tensor;
import dev.chainrule.layers.Sigmoid;
import dev.chainrule.layers.Softmax;
import org.junit.jupiter.api.Test;

/** Hand values from the notes and docs/math.md. */
class LossValuesTest {

    @Test
    void softmaxCrossEntropyIsExactAndFiniteAtHugeLogits() {
        SoftmaxCrossEntropy l = new SoftmaxCrossEntropy(2);
        // logits (1000, 0), label 0: logsumexp = 1000 + ln(1 + e^−1000) = 1000, loss 0, gradient SM − e_0 = (0, 0)
        assertEquals(0.0, l.forward(Tensor.row(1000, 0), new int[] {0}));
        assertArrayEquals(new double[] {0, 0}, l.backward().data());
        // logits (0, 1000), label 0: loss 1000 − 0 = 1000, gradient (0, 1) − (1, 0) = (−1, 1)
        assertEquals(1000.0, l.forward(Tensor.row(0, 1000), new int[] {0}));
        assertArrayEquals(new double[] {-1, 1}, l.backward().data());
        // logits (1000, 0), label 1: loss 1000, gradient (1, 0) − (0, 1) = (1, −1)
        assertEquals(1000.0, l.forward(Tensor.row(1000, 0), new int[] {1}));
        assertArrayEquals(new double[] {1, -1}, l.jacobian(0).toDense()[0]);
    }

    @Test
    void crossEntropyOfTheRoundedSoftmaxIsInfiniteWhereTheFusedFormIsNot() {
        Softmax sm = new Softmax(2);
        Tensor p = sm.forward(Tensor.row(0, 1000)); // rounds to (0, 1)
        assertEquals(0.0, p.get(0, 0));
        assertEquals(Double.POSITIVE_INFINITY, new CrossEntropy(2).forward(p, new int[] {0}));
    }

    @Test
    void crossEntropyAndItsRowJacobianByHand() {
        CrossEntropy ce = new CrossEntropy(3);
        assertEquals(-Math.log(0.25), ce.forward(Tensor.row(0.5, 0.25, 0.25), new int[] {1}), 1e-15);
        // −(1/p_y) e_yᵀ: a row, not the scalar −Σ q_i/p_i
        assertArrayEquals(new double[] {0, -4, 0}, ce.jacobian(0).toDense()[0]);
    }

    @Test
    void meanSquaredErrorByHand() {
        MeanSquaredError mse = new MeanSquaredError(2);
        // p = (0.5, 0.5), y = 0, t = (1, 0): ((−0.5)² + 0.5²)/2 = 0.25, gradient (2/2)(p − t) = (−0.5, 0.5)
        assertEquals(0.25, mse.forward(Tensor.row(0.5, 0.5), new int[] {0}));
        assertArrayEquals(new double[] {-0.5, 0.5}, mse.backward().data());
    }

    @Test
    void crossEntropyFusesWithSoftmaxOnly() {
        CrossEntropy ce = new CrossEntropy(3);
        assertInstanceOf(SoftmaxCrossEntropy.class, ce.fuseWith(new Softmax(3)));
        assertNull(ce.fuseWith(new Sigmoid(3)));
        assertNull(new MeanSquaredError(3).fuseWith(new Softmax(3)));
    }
}
