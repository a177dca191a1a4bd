/**
 * Whole engine operations that a front end (the command line, the Java facade) calls: a training run into a
 * run folder ({@link dev.chainrule.engine.run.TrainingRun}), loading and evaluating a saved model
 * ({@link dev.chainrule.engine.run.ModelLoader}) and gradcheck ({@link dev.chainrule.engine.run.Gradcheck}).
 * Uses base, config, io, output, pipeline, plugins, registry, report and train; nothing uses it but the facade.
 */
package dev.chainrule.engine.run;
