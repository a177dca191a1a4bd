/**
 * {@code runner serve} and {@code train --serve}: a local, read-only web page of run folders (curves,
 * pictures, live epochs) and a drawn digit's prediction, saliency and Jacobians. Reads runs through the
 * output side's file formats and reuses predict's preprocessing and explain's descriptions; the commands
 * use it, it never uses them.
 */
package dev.chainrule.serve;
