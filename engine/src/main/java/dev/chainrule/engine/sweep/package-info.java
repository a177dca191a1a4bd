/**
 * Hyperparameter sweeps ({@code runner sweep}, docs/spark.md): a base config and a grid or list of overrides,
 * every variant an ordinary run folder, run by local workers or by a distributed backend, and a summary.
 */
package dev.chainrule.engine.sweep;
