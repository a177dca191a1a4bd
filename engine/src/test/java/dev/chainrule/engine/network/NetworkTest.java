package dev.chainrule.engine.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Loss;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.Transform;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkTest {
    @Test
    void aStageReturningTheWrongSizeIsNamed() {
        Transform liar = new Transform() {
            public String type() {
                return "liar";
            }

            public int inputSize() {
                return 3;
            }

            public int outputSize() {
                return 3;
            }

            public Tensor forward(Tensor x, ForwardContext c) {
                return new Tensor(x.rows(), 2);
            }

            public Jacobian jacobian(int row) {
                return null;
            }

            public Tensor backward(Tensor g, boolean propagate) {
                return null;
            }
        };
        Network net = new Network(List.of(liar), new Loss() {
            public String type() {
                return "l";
            }

            public int inputSize() {
                return 3;
            }

            public double forward(Tensor p, int[] y) {
                return 0;
            }

            public Jacobian jacobian(int row) {
                return null;
            }

            public Tensor backward() {
                return null;
            }
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> net.predict(new Tensor(2, 3)));
        assertEquals("stage 0 (liar) returned 2×2 from forward, expected 2×3 (2 rows of its output shape 3)", e.getMessage());
    }
}
