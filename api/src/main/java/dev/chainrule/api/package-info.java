/**
 * The plugin api: what a stage, layer, activation, transform, loss and optimizer is, their providers and
 * typed options, shapes, tensors and the forward context with its counter-based randomness. A plugin jar
 * compiles against this package alone; it depends on nothing but the JDK (checked by the runner's
 * ArchitectureTest), so it can be supplied at run time without dragging a library along.
 */
package dev.chainrule.api;
