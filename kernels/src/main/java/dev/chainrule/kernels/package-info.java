/**
 * Numeric fast paths shared by the built-in and third-party stages: SIMD loops through the incubating
 * vector API with plain-loop fallbacks, and the deterministic thread pool. The API is plain
 * {@code double[]} arrays and indices, so this module depends on nothing, not even the plugin api;
 * results do not depend on the number of threads or on whether SIMD is present.
 */
package dev.chainrule.kernels;
