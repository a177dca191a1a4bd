/**
 * The runner's entry point and wiring: {@code Main} maps exceptions to exit codes and {@code RunnerModule}
 * binds the parts for Guice. The composition root: it may use every package, and none uses it.
 */
package dev.chainrule.runner.app;
