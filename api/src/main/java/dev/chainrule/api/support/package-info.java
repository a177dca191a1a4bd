/**
 * The plugin kit: helpers a stage may use and the built-in stages use too, none of which the SPI
 * ({@code dev.chainrule.api}) needs. {@link dev.chainrule.api.support.ShapedStage} answers the five shape
 * accessors; {@link dev.chainrule.api.support.ElementwiseActivation} is every element-wise activation's base
 * (φ and φ′, or both together, and range hooks for vector code and the thread split);
 * {@link dev.chainrule.api.support.VjpJacobian} makes a Jacobian from a VJP at a copied base point; and the
 * structured Jacobians (dense, diagonal, identity, Kronecker, softmax) keep the shape of the matrix they stand
 * for, so checks and {@code explain} multiply them without materializing zeros. Depends on the api package
 * and the JDK only; nothing in the api package depends on it.
 */
package dev.chainrule.api.support;
