package dev.chainrule.api;

/** Service interface for {@link Activation}s (parameter-free maps R^n → R^n). */
public interface ActivationProvider extends ComponentProvider {

    Activation create(BuildContext context);

    @Override
    default Kind kind() {
        return Kind.ACTIVATION;
    }
}
