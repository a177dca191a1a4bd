package dev.chainrule.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    @Test
    void mapsRnToRn() {
        forEach(inputSizes(), n -> assertEquals(n, stage(n, 0).outputSize(), "an activation maps R^n to R^n"));
    }
}
