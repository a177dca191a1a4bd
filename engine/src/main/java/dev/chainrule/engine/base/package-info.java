/**
 * The bottom of the engine: the two exceptions that decide exit codes (bad input: 2, failed check: 1) and
 * the terminal the engine prints to. Every engine package may use it; it uses none of them.
 */
package dev.chainrule.engine.base;
