/**
 * An example data-source plugin built outside the framework: {@code jsonl} reads JSON Lines files with a
 * small strict parser of its own (a plugin jar carries no JSON library) and hands the engine a table; the
 * engine splits, scales and records it as it does for the built-in {@code csv}. See {@link
 * dev.chainrule.examples.jsonl.JsonlProvider} for the options.
 */
package dev.chainrule.examples.jsonl;
