package dev.chainrule.testkit;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.Layer;
import dev.chainrule.api.LayerProvider;
import dev.chainrule.api.Stage;
import dev.chainrule.api.InPlaceUpdate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Layer} plugin passes. Extend it in a JUnit 5 test, return the provider and
 * valid options, and list bad options: output shape, {@code D_x} and every {@code D_θ} against finite
 * differences at random and saturated (|x| ≈ 30) points, backward equals {@code g·D} row by row (and the
 * parameter gradients {@code Σ_b g_b·D_θ}), batch equals single rows, ServiceLoader discovery under the
 * type id, bad options rejected naming the key, deterministic forward for a given seed; the
 * {@link InPlaceUpdate} fast path against backward followed by the step it stands for.
 */
public abstract class LayerContract extends StageContract {

    @Override
    protected abstract LayerProvider provider();

    @Override
    protected final Class<? extends ComponentProvider> serviceInterface() {
        return LayerProvider.class;
    }

    @Override
    protected Stage stageFrom(BuildContext context) {
        return provider().create(context);
    }

    @Test
    void inPlaceUpdateEqualsBackwardThenTheLinearStep() {
        Assumptions.assumeTrue(stage(inputSizes()[0], 1) instanceof InPlaceUpdate,
                () -> provider().type() + " has no InPlaceUpdate fast path; nothing to compare");
        recordAll(checks().inPlaceUpdate(this::stage, inputSizes()));
    }

    @Test
    void parameterJacobiansMatchFiniteDifferencesAtRandomPoints() {
        recordAll(checks().parameterJacobians(this::stage, inputSizes(), false));
    }

    @Test
    void parameterJacobiansMatchFiniteDifferencesAtSaturatedPoints() {
        recordAll(checks().parameterJacobians(this::stage, inputSizes(), true));
    }
}
