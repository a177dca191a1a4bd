/**
 * The immutable provider registry: every stage, loss and optimizer provider by type id, with where it
 * came from, and the "did you mean" hints. Depends on the api and the bottom package only.
 */
package dev.chainrule.engine.registry;
