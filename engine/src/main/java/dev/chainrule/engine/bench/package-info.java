/**
 * Throughput measurement for {@code runner bench}: timed forward and training passes over samples, with
 * warm-up and repetitions. Uses the samples of {@code train} and the api.
 */
package dev.chainrule.engine.bench;
