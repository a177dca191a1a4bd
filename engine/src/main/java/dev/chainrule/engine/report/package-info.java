/**
 * report.html and its pictures (curves, the most wrong test images, probabilities), drawn from the
 * training's metrics and the test scan.
 */
package dev.chainrule.engine.report;
