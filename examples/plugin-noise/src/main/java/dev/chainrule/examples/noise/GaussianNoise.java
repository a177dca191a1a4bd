package dev.chainrule.examples.noise;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.Transform;
import dev.chainrule.api.support.IdentityJacobian;
import dev.chainrule.api.support.ShapedStage;

/**
 * Additive Gaussian noise, a regulariser: in training {@code y = x + σ·ε} with ε drawn per entry from the
 * forward context's random source (so the draws depend on (seed, stage, step, sample) only, and
 * {@code train --resume} draws what an uninterrupted run draws); in inference {@code y = x}. The noise does
 * not depend on x, so {@code D_x = I} in both modes.
 */
public final class GaussianNoise extends ShapedStage implements Transform {
    private final double sigma;
    private Tensor y;

    public GaussianNoise(BuildContext context) {
        super(context, context.inputShape());
        sigma = NoiseProvider.SIGMA.numberValue(context.options());
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext context) {
        y = Tensor.reuse(y, x.rows(), x.cols());
        System.arraycopy(x.data(), 0, y.data(), 0, x.size());
        if (context.training()) {
            for (int b = 0; b < x.rows(); b++) {
                var random = context.random(b);
                for (int k = 0; k < x.cols(); k++) {
                    y.data()[y.offset(b) + k] += sigma * random.gaussian(k);
                }
            }
        }
        return y;
    }

    @Override
    public Jacobian jacobian(int row) {
        return new IdentityJacobian(inputSize());
    }

    @Override
    public Tensor backward(Tensor g, boolean propagate) {
        return propagate ? g.copy() : null;
    }
}
