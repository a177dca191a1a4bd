/**
 * The run pipeline: a config file becomes a resolved run config in one direction (raw config, plugins
 * folder, provider registry, resolved and validated config). It is the only package that knows both the
 * config and the plugins, so neither of them depends on the other.
 */
package dev.chainrule.engine.pipeline;
