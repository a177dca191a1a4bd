package dev.chainrule.api;

/**
 * A parameter-free stage that may change size or shape, such as max pooling ({@code C×H×W → C×H/2×W/2}),
 * flatten or dropout. Its only Jacobian is {@link #jacobian(int)}, {@code D_x f} (m×n), often sparse: a
 * selection matrix for max pooling, the identity for flatten.
 */
public interface Transform extends Stage {
}
