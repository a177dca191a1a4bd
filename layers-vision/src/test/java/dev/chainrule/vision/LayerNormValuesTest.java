package dev.chainrule.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Options;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Values the Jacobian checks cannot see: a wrong normalisation would still have a consistent derivative. */
class LayerNormValuesTest {
    @Test
    void normalisesEachSampleOverAllItsFeatures() {
        Layer l = new LayerNormProvider().create(new BuildContext(Shape.image(2, 1, 2), Options.empty(), 0));
        assertArrayEquals(new int[] {2, 1, 2}, l.parameters().get(0).shape(), "γ has the input's shape");
        l.parameters().get(0).setFromRowMajor(new double[] {1, 2, 1, 1});
        l.parameters().get(1).setFromRowMajor(new double[] {0, 0, 0, 5});
        // row 0: {1, 2, 3, 4}, mean 2.5, biased variance 1.25; row 1 constant: x̂ = 0, y = β
        double[] y = l.forward(Tensor.of(new double[][] {{1, 2, 3, 4}, {7, 7, 7, 7}})).data();
        double r = 1 / Math.sqrt(1.25 + 1e-5);
        assertArrayEquals(new double[] {-1.5 * r, 2 * -0.5 * r, 0.5 * r, 1.5 * r + 5, 0, 0, 0, 5}, y, 1e-12);
    }

    @Test
    void trainingAndInferenceAreTheSameMap() {
        Layer l = new LayerNormProvider().create(new BuildContext(Shape.of(7), Options.empty(), 0));
        Tensor x = Numeric.uniform(3, 7, 4, new SplittableRandom(1));
        double[] inference = l.forward(x).data().clone();
        assertArrayEquals(inference, l.forward(x, ForwardContext.training(5, 3).atStage(0)).data(), 0.0);
        assertEquals(0, l.buffers().size());
    }
}
