package dev.chainrule.optimizers;

import dev.chainrule.api.OptimizerProvider;
import dev.chainrule.api.OptionException;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Plugin;

/** {@code sgd}: see {@link Sgd}. The learning rate defaults to 0.1, what chainrule configs always had. */
@Plugin("sgd")
public final class SgdProvider extends OptimizerProvider.Base {
    static final OptionSpec LR = CommonOptions.learningRate(0.1);
    static final OptionSpec MOMENTUM = OptionSpec.number("momentum", "μ, heavy-ball momentum (0: none)")
            .withDefault(0.0).range(0, false, 1, true);
    static final OptionSpec DAMPENING = OptionSpec.number("dampening", "τ, the velocity takes (1 − τ)·d")
            .withDefault(0.0).range(0, 1);
    static final OptionSpec NESTEROV = OptionSpec.bool("nesterov",
            "Nesterov momentum (needs momentum > 0 and dampening 0)").withDefault(false);
    static final OptionSpec WD = CommonOptions.weightDecay(0.0, "L2 penalty added to the gradient (λ·θ)");

    public SgdProvider() {
        super("stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay "
                + "(torch.optim.SGD)", c -> {
                    double mu = MOMENTUM.numberValue(c.options());
                    double tau = DAMPENING.numberValue(c.options());
                    boolean nesterov = NESTEROV.boolValue(c.options());
                    if (nesterov && (mu == 0 || tau != 0)) {
                        throw new OptionException("nesterov", "true needs momentum > 0 and dampening 0, got momentum "
                                + mu + " and dampening " + tau);
                    }
                    return new Sgd(LR.numberValue(c.options()), mu, tau, nesterov, WD.numberValue(c.options()),
                            CommonOptions.CLIP_NORM.numberValue(c.options()));
                }, LR, MOMENTUM, DAMPENING, NESTEROV, WD, CommonOptions.CLIP_NORM);
    }

    /** One: the momentum buffer (counted even without momentum: a plain-SGD run's live heap needed that margin, measured). */
    @Override
    public int stateSlots() {
        return 1;
    }
}
