/**
 * Plugin jars: the plugins folder and its precedence, loading the jars into a provider registry, and the
 * run's plugins.json record. Runs once the folder is settled and before a config is resolved; it does
 * not read configs.
 */
package dev.chainrule.engine.plugins;
