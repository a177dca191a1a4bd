package dev.chainrule.testkit;

import dev.chainrule.api.Activation;
import dev.chainrule.api.ActivationProvider;
import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.Stage;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Activation} plugin passes: output shape (n → n), {@code D_x} against finite
 * differences at random and saturated (|x| ≈ 30) points, backward equals {@code g·D} row by row, batch
 * equals single rows, ServiceLoader discovery under the type id, unknown options rejected, deterministic
 * forward.
 */
public abstract class ActivationContract extends StageContract {

    @Override
    protected abstract ActivationProvider provider();

    @Override
    protected final Class<? extends ComponentProvider> serviceInterface() {
        return ActivationProvider.class;
    }

    @Override
    protected Stage stageFrom(BuildContext context) {
        return provider().create(context);
    }

    /** The same check and message as {@code verify-plugin}'s. */
    @Test
    void mapsRnToRn() {
        recordAll(ContractChecks.kindShapes(provider().kind(), this::stage, inputSizes()));
    }
}
