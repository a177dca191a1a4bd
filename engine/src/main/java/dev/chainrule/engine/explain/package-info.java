/**
 * {@code runner explain}: prints each stage's Jacobian blocks for one sample, as the notes write them.
 */
package dev.chainrule.engine.explain;
