package dev.chainrule.testkit;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.Layer;
import dev.chainrule.api.LayerProvider;
import dev.chainrule.api.Stage;
import dev.chainrule.api.InPlaceUpdate;

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

    @Override
    protected java.util.List<Family> families(ContractChecks.StageFactory f, int[] sizes) {
        java.util.List<Family> out = new java.util.ArrayList<>(super.families(f, sizes));
        ContractChecks c = checks();
        out.add(new Family("D_θ matches finite differences at random points", () -> c.parameterJacobians(f, sizes, false)));
        out.add(new Family("D_θ matches finite differences at saturated points", () -> c.parameterJacobians(f, sizes, true)));
        // only a layer with the fast path has one to compare: no test (rather than a skipped one) otherwise
        if (f.create(sizes[0], 1) instanceof InPlaceUpdate) {
            out.add(new Family("InPlaceUpdate equals backward then the linear step", () -> c.inPlaceUpdate(f, sizes)));
        }
        return out;
    }
}
