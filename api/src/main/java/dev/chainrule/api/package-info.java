/**
 * The plugin SPI: what a stage, layer, activation, transform, loss and optimizer is, their providers (with
 * their {@code Base} classes) and typed options, shapes, tensors, the Jacobian interface and the forward
 * context with its counter-based randomness. Helpers that make a stage shorter to write live in
 * {@code dev.chainrule.api.support}, which depends on this package and never the other way; training (the
 * network, reverse mode, optimizer steps) lives in the engine. A plugin jar compiles against the api alone;
 * it depends on nothing but the JDK (checked by the runner's ArchitectureTest), so it can be supplied at run
 * time without dragging a library along.
 */
package dev.chainrule.api;
