/**
 * Vision stages as built-in plugins: convolution, pooling, flatten, dropout and normalization. The package
 * depends on the public api and the shared kernels only, like a third-party plugin jar.
 */
package dev.chainrule.vision;
