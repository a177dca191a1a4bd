/**
 * JMH benchmarks and stage timings of the built-in stages and the kernels (profile {@code bench}, out of the
 * default build). A package of its own: it uses the layers and kernels only through their public api, as a
 * plugin would, and puts no class into their packages.
 */
package dev.chainrule.jmh;
