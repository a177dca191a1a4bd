package dev.chainrule.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.Optimizer;
import dev.chainrule.api.OptimizerProvider;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Parameter;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Optimizer} plugin passes, on a tiny problem (two parameters, summed gradients
 * of a batch): one step equals the formula the plugin declares ({@link #expectedStep}); the same inputs give
 * the same bits; {@code linearStep}, when present, is exactly the step taken; the state buffers are live and
 * restoring them into a fresh optimizer continues bit for bit (a checkpoint round trip); a
 * {@code learningRate} option with a default exists (schedules need it) and {@code setLearningRate} takes
 * effect; ServiceLoader discovery and option validation as for every kind.
 */
public abstract class OptimizerContract extends ContractSupport {
    /** The batch size the summed gradients stand for. */
    protected static final int BATCH = OptimizerChecks.BATCH;

    @Override
    protected abstract OptimizerProvider provider();

    @Override
    protected final Class<? extends ComponentProvider> serviceInterface() {
        return OptimizerProvider.class;
    }

    @Override
    protected Object build(BuildContext context) {
        return provider().create(context);
    }

    protected Optimizer optimizer() {
        return provider().create(context(1, 0));
    }

    /**
     * The declared formula: the weights after {@code steps} steps of an optimizer built with
     * {@link #validOptions()}, from {@code w0}, when step k (0-based) sees the summed gradients
     * {@code sums[k]} over a batch of {@code batch}. Computed independently of the optimizer, as plainly as
     * possible. Each array is one parameter's values.
     */
    protected abstract double[][] expectedStep(double[][] w0, double[][][] sums, int batch);

    /** Relative tolerance of {@link #stepMatchesTheDeclaredFormula} (rounding of a different evaluation order). */
    protected double tolerance() {
        return 1e-13;
    }

    @Test
    void stepMatchesTheDeclaredFormula() {
        SplittableRandom rng = new SplittableRandom(7);
        double[][] w0 = OptimizerChecks.problem(OptimizerChecks.SIZES, 1, rng);
        double[][][] sums = OptimizerChecks.gradients(3, rng);
        List<Parameter> ps = OptimizerChecks.params(w0);
        OptimizerChecks.run(optimizer(), ps, sums, 0, 3);
        double[][] expected = expectedStep(w0, sums, BATCH);
        for (int i = 0; i < w0.length; i++) {
            for (int j = 0; j < w0[i].length; j++) {
                double e = expected[i][j];
                double a = ps.get(i).value()[j];
                assertTrue(Math.abs(a - e) <= tolerance() * Math.max(1, Math.abs(e)),
                        "parameter " + i + " [" + j + "] after 3 steps: optimizer " + a + ", declared formula " + e);
            }
        }
    }

    @Test
    void sameInputsGiveTheSameBits() {
        record(OptimizerChecks.deterministic(this::optimizer));
    }

    @Test
    void linearStepWhenPresentIsTheStepTaken() {
        record(OptimizerChecks.linearStepConsistent(this::optimizer));
    }

    @Test
    void stateRestoredIntoAFreshOptimizerContinuesBitForBit() {
        record(OptimizerChecks.stateRoundTrip(this::optimizer));
    }

    @Test
    void learningRateIsAnOptionAndSchedulesCanSetIt() {
        OptionSpec lr = provider().options().stream().filter(o -> o.name().equals("learningRate")).findFirst()
                .orElse(null);
        assertTrue(lr != null && !lr.required(), "an optimizer needs a learningRate option with a default");
        record(OptimizerChecks.learningRateSettable(this::optimizer));
    }
}
