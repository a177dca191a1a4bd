/**
 * The built-in stages as a plugin: dense layer and the element-wise and softmax activations, with their
 * providers. Each class states the notes' math (see docs/math.md); the fast paths it calls live in the
 * kernels module. Depends on the api and kernels only, never on the runner, like a third-party jar.
 */
package dev.chainrule.layers;
