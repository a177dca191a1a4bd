/**
 * The built-in losses as a plugin (cross-entropy, softmax cross-entropy, mean squared error) with their
 * providers. Depends on the api only, never on the runner.
 */
package dev.chainrule.losses;
