package dev.chainrule.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.Transform;
import dev.chainrule.api.support.ShapedStage;
import dev.chainrule.api.support.VjpJacobian;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The plugin author's bug the checker must name: {@code jacobian(row)} returns a Jacobian that reads the
 * stage's input tensor when it is read, instead of the base point at the time it was taken.
 */
class LiveBufferJacobianTest {
    /** {@code y_i = x_i²}, {@code D_x = diag(2x)}; {@code copy} picks the right or the planted Jacobian. */
    static final class Square extends ShapedStage implements Transform {
        private final boolean copy;
        private Tensor x;
        private Tensor y;

        Square(int n, boolean copy) {
            super("square", Shape.of(n), Shape.of(n));
            this.copy = copy;
        }

        @Override
        public Tensor forward(Tensor in, ForwardContext context) {
            x = in;
            y = Tensor.reuse(y, in.rows(), inputSize());
            for (int i = 0; i < in.data().length; i++) {
                y.data()[i] = in.data()[i] * in.data()[i];
            }
            return y;
        }

        @Override
        public Jacobian jacobian(int row) {
            if (copy) {
                return VjpJacobian.at(x, row, outputSize(), inputSize(), "diag(2x)", Square::vjp);
            }
            // the bug: the lambda reads the field x when the Jacobian is read, not when it was taken
            return VjpJacobian.constant(outputSize(), inputSize(), "diag(2x)",
                    (w, g, go, out, oo) -> vjp(x.data(), row * inputSize(), g, go, out, oo));
        }

        private static void vjp(double[] w, double[] g, int go, double[] out, int oo) {
            vjp(w, 0, g, go, out, oo);
        }

        private static void vjp(double[] w, int wo, double[] g, int go, double[] out, int oo) {
            for (int k = 0; k < out.length - oo && k < g.length - go; k++) {
                out[oo + k] = 2 * w[wo + k] * g[go + k];
            }
        }

        @Override
        public Tensor backward(Tensor g, boolean propagate) {
            Tensor gx = new Tensor(g.rows(), g.cols());
            for (int i = 0; i < g.data().length; i++) {
                gx.data()[i] = 2 * x.data()[i] * g.data()[i];
            }
            return gx;
        }
    }

    private static Tensor batch() {
        SplittableRandom rng = new SplittableRandom(5);
        Tensor x = new Tensor(4, 3);
        for (int i = 0; i < x.data().length; i++) {
            x.data()[i] = rng.nextDouble(-2, 2);
        }
        return x;
    }

    @Test
    void aJacobianReadingTheLiveInputIsNamedWithTheFix() {
        CheckResult r = new JacobianChecker().checkInputJacobian(new Square(3, false), batch(), 3);
        assertFalse(r.passed());
        assertEquals("FAIL square D_x at row 3: the Jacobian read the stage's live buffers after the next forward; "
                + "copy the base point in jacobian(row) (reading it again threw java.lang.ArrayIndexOutOfBoundsException: "
                + "Index 9 out of bounds for length 9)", r.describe());
        CheckResult first = new JacobianChecker().checkInputJacobian(new Square(3, false), batch(), 0);
        assertEquals("FAIL square D_x at row 0: the Jacobian read the stage's live buffers after the next forward; "
                + "copy the base point in jacobian(row) (its values changed)", first.describe());
    }

    @Test
    void theAdapterCopiesTheBasePointSoTheSameStagePasses() {
        for (int row = 0; row < 4; row++) {
            CheckResult r = new JacobianChecker().checkInputJacobian(new Square(3, true), batch(), row);
            assertTrue(r.passed(), r::describe);
        }
    }
}
