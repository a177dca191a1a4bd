/**
 * The Java facade: {@link dev.chainrule.engine.Chainrule} (load a config, train, resume, load a model,
 * gradcheck), {@link dev.chainrule.engine.Model} (predict, evaluate, save), {@link dev.chainrule.engine.Trained}
 * and {@link dev.chainrule.engine.TrainingListener}; {@link dev.chainrule.engine.EngineModule} wires the engine
 * (Guice) for the facade and for the command line. See docs/java-api.md. Uses the engine's packages; none of
 * them uses it.
 */
package dev.chainrule.engine;
