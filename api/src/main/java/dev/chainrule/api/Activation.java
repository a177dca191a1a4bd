package dev.chainrule.api;

/**
 * A parameter-free map {@code R^n → R^n} such as sigmoid or softmax. Its only Jacobian is
 * {@link #jacobian(int)}, {@code D_x f} (n×n): diagonal for elementwise maps, {@code diag(s) − s sᵀ} for
 * softmax.
 */
public interface Activation extends Stage {
    @Override
    default int outputSize() {
        return inputSize();
    }
}
