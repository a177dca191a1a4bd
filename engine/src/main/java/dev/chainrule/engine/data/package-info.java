/**
 * Data sets on disk: IDX and tar readers, the MNIST download with its checksums, splits. Depends on the
 * bottom package only.
 */
package dev.chainrule.engine.data;
