package dev.chainrule.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chainrule.api.Stage;
import dev.chainrule.api.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The tests layers and activations share; see {@link LayerContract} and {@link ActivationContract}. */
public abstract class StageContract extends ContractSupport {
    /** Rows per test batch. */
    protected static final int BATCH = 4;

    /** A new stage for rows of {@code inputSize}, options {@link #validOptions()}. */
    protected abstract Stage stage(int inputSize, long seed);

    @Override
    protected Object build(dev.chainrule.api.BuildContext context) {
        return stageFrom(context);
    }

    /** Builds through the provider. */
    protected abstract Stage stageFrom(dev.chainrule.api.BuildContext context);

    @Test
    void outputHasOneRowPerInputRowAndOutputSizeColumns() {
        forEach(inputSizes(), n -> {
            Stage s = stage(n, 1);
            assertEquals(n, s.inputSize());
            Tensor y = s.forward(uniform(BATCH, n, 2, new SplittableRandom(n)));
            assertEquals(BATCH, y.rows());
            assertEquals(s.outputSize(), y.cols());
            assertEquals(s.outputSize(), s.jacobian(0).rows());
            assertEquals(n, s.jacobian(0).cols());
        });
    }

    @Test
    void inputJacobianMatchesFiniteDifferencesAtRandomPoints() {
        forEach(inputSizes(), n -> {
            Stage s = stage(n, 2);
            Tensor x = uniform(BATCH, n, 2, new SplittableRandom(100 + n));
            for (int r = 0; r < BATCH; r++) {
                record(checker.checkInputJacobian(s, x, r));
            }
        });
    }

    @Test
    void inputJacobianMatchesFiniteDifferencesAtSaturatedPoints() {
        forEach(inputSizes(), n -> {
            Stage s = stage(n, 3);
            Tensor x = saturated(BATCH, n, new SplittableRandom(200 + n));
            for (int r = 0; r < BATCH; r++) {
                record(checker.checkInputJacobian(s, x, r));
            }
        });
    }

    @Test
    void backwardIsTheRowTimesTheJacobianAtEachRow() {
        forEach(inputSizes(), n -> {
            Stage s = stage(n, 4);
            SplittableRandom rng = new SplittableRandom(300 + n);
            Tensor x = uniform(BATCH, n, 2, rng);
            Tensor g = uniform(BATCH, s.outputSize(), 1, rng);
            for (CheckResult r : checker.checkBackward(s, x, g)) {
                record(r);
            }
            s.forward(x);
            for (int b = 0; b < BATCH; b++) {
                record(checker.checkVjp(s.type() + " D_x at row " + b, s.jacobian(b), g.rowCopy(b)));
            }
        });
    }

    @Test
    void aBatchOfNRowsEqualsNSingleRows() {
        forEach(inputSizes(), n -> {
            Stage s = stage(n, 5);
            record(checker.checkBatchEqualsRows(s, uniform(BATCH, n, 3, new SplittableRandom(400 + n))));
        });
    }

    @Test
    void forwardIsDeterministic() {
        forEach(inputSizes(), n -> {
            Tensor x = uniform(BATCH, n, 2, new SplittableRandom(500 + n));
            double[] first = stage(n, 6).forward(x).data().clone();
            Stage again = stage(n, 6);
            assertArrayEquals(first, again.forward(x).data(), "same seed and input, different output");
            assertArrayEquals(first, again.forward(x).data(), "second call on the same instance differs");
        });
    }
}
