/**
 * One optimizer step on one sample printed as the notes' chain rule (what {@code runner explain} shows): each
 * stage's shapes, base points and Jacobian blocks, the row vector carried backwards and the parameter
 * gradients. Uses base, config, network, pipeline and train.
 */
package dev.chainrule.engine.explain;
