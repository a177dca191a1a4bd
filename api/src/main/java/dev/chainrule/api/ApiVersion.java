package dev.chainrule.api;

/**
 * The SPI's version. A plugin jar built against this api records it in its manifest as
 * {@code Chainrule-Api-Version}; the runner refuses a jar whose major version differs, naming the migration
 * section of docs/plugins.md.
 *
 * <p>2.0: shapes, forward context (mode, step, random source), transforms, batch-coupled stages, buffers,
 * optimizer-neutral layers ({@code Layer.backwardAndStep} replaced by {@link InPlaceUpdate}), the optimizer
 * kind, typed option specs and provider base classes.
 *
 * <p>2.1: loss targets: {@link Loss.Targets}, {@link Loss#targets()} and {@link Loss#forward(Tensor, Tensor)}
 * compare a prediction with real values (regression) as well as class labels; a new kind, data sources
 * ({@code dev.chainrule.api.data}).
 *
 * <p>3.0: the api package is the SPI only. The plugin kit and the structured Jacobians move to
 * {@code dev.chainrule.api.support} (with a shaped-stage base, a Jacobian-from-VJP adapter and one element-wise
 * base for built-ins and plugins); {@code Network} and {@code Sgd} leave the api (training is the engine's);
 * {@code Options}' typed getters are gone (read options through their {@link OptionSpec}).
 *
 * <p>3.2 (additive): {@link Tensor#size()} and {@link Tensor#reuseFront}, whose views of the front of a larger
 * buffer let the built-in stages keep one buffer for every batch size; plugins are never handed a view.
 */
public final class ApiVersion {
    public static final int MAJOR = 3;
    public static final int MINOR = 2;
    public static final String VERSION = MAJOR + "." + MINOR;

    private ApiVersion() {
    }
}
