/**
 * The bottom of the runner: the two exceptions that decide exit codes (bad input: 2, failed check: 1) and
 * the terminal the commands print to. Every runner package may use it; it uses none of them (the entry
 * point and the wiring live in {@code app}).
 */
package dev.chainrule.engine.base;
