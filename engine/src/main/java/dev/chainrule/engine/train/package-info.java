/**
 * The training loop: samples and data sources, the SGD trainer, checkpoints, evaluation, divergence
 * checks and progress. Depends on config, data and io, never on the commands or the output side.
 */
package dev.chainrule.engine.train;
