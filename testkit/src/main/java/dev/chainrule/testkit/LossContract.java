package dev.chainrule.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.Loss;
import dev.chainrule.api.LossProvider;
import dev.chainrule.api.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Loss} plugin passes: finite value and a 1×N Jacobian per row, {@code D_p}
 * against finite differences at ordinary and extreme predictions ({@link #predictions}), backward rows equal
 * the Jacobians, batch equals the sum of single rows, labels outside {@code [0, N)} rejected naming the row
 * and label, ServiceLoader discovery, unknown options rejected.
 */
public abstract class LossContract extends ContractSupport {
    /** Rows per test batch. */
    protected static final int BATCH = 4;

    @Override
    protected abstract LossProvider provider();

    @Override
    protected final Class<? extends ComponentProvider> serviceInterface() {
        return LossProvider.class;
    }

    @Override
    protected Object build(BuildContext context) {
        return provider().create(context);
    }

    @Override
    protected int[] inputSizes() {
        return new int[] {2, 3, 10};
    }

    protected Loss loss(int n) {
        return provider().create(context(n, 0));
    }

    /**
     * A batch of predictions where the loss is defined: by default entries in [−2, 2], or ±30 when
     * {@code extreme}. A loss on probabilities overrides this to return rows of a probability vector.
     */
    protected Tensor predictions(int rows, int n, boolean extreme, SplittableRandom rng) {
        return extreme ? saturated(rows, n, rng) : uniform(rows, n, 2, rng);
    }

    private static int[] labels(int rows, int n, SplittableRandom rng) {
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = rng.nextInt(n);
        }
        return y;
    }

    @Test
    void valueIsFiniteAndJacobianIsOneRowOfN() {
        forEach(inputSizes(), n -> {
            SplittableRandom rng = new SplittableRandom(n);
            Loss l = loss(n);
            assertEquals(n, l.inputSize());
            double v = l.forward(predictions(BATCH, n, false, rng), labels(BATCH, n, rng));
            assertTrue(Double.isFinite(v), () -> "loss " + v);
            assertEquals(1, l.jacobian(0).rows());
            assertEquals(n, l.jacobian(0).cols());
            assertEquals(BATCH, l.backward().rows());
            assertEquals(n, l.backward().cols());
        });
    }

    @Test
    void jacobianMatchesFiniteDifferences() {
        forEach(inputSizes(), n -> {
            SplittableRandom rng = new SplittableRandom(100 + n);
            Tensor p = predictions(BATCH, n, false, rng);
            int[] y = labels(BATCH, n, rng);
            for (int r = 0; r < BATCH; r++) {
                record(checker.checkLossJacobian(loss(n), p, y, r));
            }
        });
    }

    @Test
    void jacobianMatchesFiniteDifferencesAtExtremePoints() {
        forEach(inputSizes(), n -> {
            SplittableRandom rng = new SplittableRandom(200 + n);
            Tensor p = predictions(BATCH, n, true, rng);
            int[] y = labels(BATCH, n, rng);
            for (int r = 0; r < BATCH; r++) {
                record(checker.checkLossJacobian(loss(n), p, y, r));
            }
        });
    }

    @Test
    void backwardRowsAreTheJacobians() {
        forEach(inputSizes(), n -> {
            SplittableRandom rng = new SplittableRandom(300 + n);
            Loss l = loss(n);
            l.forward(predictions(BATCH, n, false, rng), labels(BATCH, n, rng));
            Tensor g = l.backward().copy();
            double[][] rows = new double[BATCH][];
            for (int b = 0; b < BATCH; b++) {
                rows[b] = l.jacobian(b).toDense()[0];
                record(checker.checkVjp(l.type() + " D_p at row " + b, l.jacobian(b), new double[] {1.0}));
            }
            record(checker.compare(l.type() + " backward vs jacobian rows", g.toArray(), rows, null));
        });
    }

    @Test
    void aBatchOfNRowsEqualsNSingleRows() {
        forEach(inputSizes(), n -> {
            SplittableRandom rng = new SplittableRandom(400 + n);
            record(checker.checkLossBatchEqualsRows(loss(n), predictions(BATCH, n, false, rng), labels(BATCH, n, rng)));
        });
    }

    @Test
    void labelsOutsideTheClassesAreRejectedNamingRowAndLabel() {
        int n = 3;
        Tensor p = predictions(2, n, false, new SplittableRandom(5));
        for (int bad : new int[] {-1, n}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> loss(n).forward(p, new int[] {0, bad}));
            assertTrue(e.getMessage().contains("label " + bad) && e.getMessage().contains("row 1"), e::getMessage);
        }
    }

    @Test
    void forwardIsDeterministic() {
        SplittableRandom rng = new SplittableRandom(6);
        Tensor p = predictions(BATCH, 4, false, rng);
        int[] y = labels(BATCH, 4, rng);
        assertEquals(loss(4).forward(p, y), loss(4).forward(p, y));
    }
}
