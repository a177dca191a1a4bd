/**
 * Throughput measurement (what {@code runner bench} reports): timed forward and training passes over samples,
 * with warm-up and repetitions, and the per-stage profile. Uses config, network, registry and train.
 */
package dev.chainrule.engine.timing;
