package dev.chainrule.vision;

import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.Transform;
import dev.chainrule.api.TransformProvider;
import dev.chainrule.api.support.IdentityJacobian;
import dev.chainrule.api.support.ShapedStage;

/**
 * {@code C×H×W → C·H·W}: the row is already stored flat (channel-major), so the values pass through
 * untouched and only the shape the next stage sees changes. D_x = I.
 */
final class Flatten extends ShapedStage implements Transform {

    Flatten(String type, Shape in) {
        super(type, in, in.flat());
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext context) {
        return x;
    }

    @Override
    public Tensor backward(Tensor g, boolean propagate) {
        return propagate ? g : null;
    }

    @Override
    public Jacobian jacobian(int row) {
        return new IdentityJacobian(inputSize());
    }

    /** {@code flatten}. */
    @dev.chainrule.api.Plugin("flatten")
    public static final class Provider extends TransformProvider.Base {
        public Provider() {
            super("reshape any row (C×H×W) to a vector of its size; values unchanged, D_x = I",
                    c -> new Flatten(c.type(), c.inputShape()));
        }

        @Override
        public java.util.List<dev.chainrule.api.CheckCase> checkCases() {
            return java.util.List.of(dev.chainrule.api.CheckCase.of("2 channels of 3×4", Shape.image(2, 3, 4),
                    dev.chainrule.api.Options.empty()));
        }
    }
}
