/**
 * The built-in losses as a plugin with their providers: on class labels cross-entropy and softmax
 * cross-entropy; on value targets (and class labels as one-hot rows) mean squared error, mean absolute error
 * and Huber. Depends on the api only, never on the runner.
 */
package dev.chainrule.losses;
