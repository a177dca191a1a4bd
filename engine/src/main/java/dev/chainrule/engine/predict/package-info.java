/**
 * A saved model's inputs prepared as its training data were (ModelInputs: MNIST's digit preparation, an
 * image folder's decode and resize, CSV rows matched by the recorded feature names, the recorded scaling) and
 * ranked answers (Predictions), for {@code runner predict}, {@code runner serve} and the Java facade.
 */
package dev.chainrule.engine.predict;
