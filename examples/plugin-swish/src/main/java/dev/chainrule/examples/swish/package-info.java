/**
 * An example plugin built outside the framework: activations (swish, leaky ReLU) and a label-smoothing loss
 * compiled against the api alone, with the testkit's contract tests. It shows what a third-party jar needs
 * and nothing more.
 */
package dev.chainrule.examples.swish;
