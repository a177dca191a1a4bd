package dev.chainrule.api;

/** Service interface for {@link Layer}s (stages with parameters). */
public interface LayerProvider extends ComponentProvider {

    /** A new layer for rows of {@code context.inputSize()}, parameters initialised from {@code context.seed()}. */
    Layer create(BuildContext context);

    @Override
    default Kind kind() {
        return Kind.LAYER;
    }
}
