package dev.chainrule.api;

/** Service interface for {@link Loss}es. {@code context.inputSize()} is N, the size of the prediction. */
public interface LossProvider extends ComponentProvider {

    Loss create(BuildContext context);

    @Override
    default Kind kind() {
        return Kind.LOSS;
    }
}
