/**
 * The picocli commands and the order of a run: each command reads its arguments, runs the pipeline (raw
 * config, plugins folder, provider registry, resolved config) and hands work to the packages below. It
 * is the top of the runner; nothing but {@code app} depends on it.
 */
package dev.chainrule.runner.cli;
