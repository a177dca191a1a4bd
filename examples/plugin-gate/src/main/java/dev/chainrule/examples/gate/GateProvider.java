package dev.chainrule.examples.gate;

import dev.chainrule.api.MergeProvider;
import dev.chainrule.api.Plugin;
import dev.chainrule.api.Shape;
import java.util.List;

/** {@code {"name": "g", "type": "gate", "inputs": ["value", "gate"]}}: a merge plugin, no options. */
@Plugin("gate")
public final class GateProvider extends MergeProvider.Base {
    public GateProvider() {
        super("x ∘ σ(s): the first input gated by the sigmoid of the second (one shape)", Gate::new);
    }

    @Override
    public List<List<Shape>> refusedInputs() {
        return List.of(List.of(Shape.of(3), Shape.of(4)), List.of(Shape.of(3), Shape.of(3), Shape.of(3)));
    }
}
