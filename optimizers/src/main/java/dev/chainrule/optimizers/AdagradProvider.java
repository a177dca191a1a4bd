package dev.chainrule.optimizers;

import dev.chainrule.api.OptimizerProvider;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Plugin;

/** {@code adagrad}: see {@link Adagrad}; torch.optim.Adagrad's defaults. */
@Plugin("adagrad")
public final class AdagradProvider extends OptimizerProvider.Base {
    static final OptionSpec LR = CommonOptions.learningRate(1e-2);
    static final OptionSpec LR_DECAY = OptionSpec.number("lrDecay", "the rate at step t is α/(1 + (t − 1)·lrDecay)")
            .withDefault(0.0).range(0, Double.MAX_VALUE);
    static final OptionSpec INITIAL = OptionSpec.number("initialAccumulatorValue",
            "the starting value of the sum of squared gradients").withDefault(0.0).range(0, Double.MAX_VALUE);
    static final OptionSpec EPS = CommonOptions.epsilon(1e-10);
    static final OptionSpec WD = CommonOptions.weightDecay(0.0, "L2 penalty added to the gradient (λ·θ)");

    public AdagradProvider() {
        super("Adagrad with learning-rate decay (torch.optim.Adagrad)", c -> new Adagrad(
                LR.numberValue(c.options()), LR_DECAY.numberValue(c.options()), WD.numberValue(c.options()),
                INITIAL.numberValue(c.options()), EPS.numberValue(c.options()),
                CommonOptions.CLIP_NORM.numberValue(c.options())),
                LR, LR_DECAY, WD, INITIAL, EPS, CommonOptions.CLIP_NORM);
    }

    /** One: the sum of squares. */
    @Override
    public int stateSlots() {
        return 1;
    }
}
