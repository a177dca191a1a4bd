/**
 * Structured Jacobians (dense, diagonal, identity, Kronecker, softmax) that stages return from
 * {@code jacobian(row)}: each keeps the shape of the matrix it stands for, so that checks and
 * {@code explain} can multiply them without materializing zeros. Depends on the api package only.
 */
package dev.chainrule.api.jacobian;
