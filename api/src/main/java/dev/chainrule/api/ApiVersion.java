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
 * compare a prediction with real values (regression) as well as class labels; defaults keep every 2.0 loss
 * as it was (class labels only), so 2.0 jars load and behave unchanged.
 */
public final class ApiVersion {
    public static final int MAJOR = 2;
    public static final int MINOR = 1;
    public static final String VERSION = MAJOR + "." + MINOR;

    private ApiVersion() {
    }
}
