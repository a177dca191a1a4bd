/**
 * {@code runner predict}: preprocesses images the MNIST way and prints the model's probabilities.
 */
package dev.chainrule.engine.predict;
