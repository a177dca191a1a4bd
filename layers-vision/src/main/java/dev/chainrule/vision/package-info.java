/**
 * Vision stages as built-in plugins: convolution, pooling, flatten, dropout, normalization and augmentation
 * (random shifts and flips). The package depends on the public api and the shared kernels only, like a
 * third-party plugin jar.
 */
package dev.chainrule.vision;
