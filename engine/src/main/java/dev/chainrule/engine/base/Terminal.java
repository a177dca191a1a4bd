package dev.chainrule.engine.base;

import java.io.PrintWriter;

/**
 * Where the runner talks: results on {@code out}, progress and errors on {@code err}; {@code interactive}
 * when a person watches a terminal (a redrawn progress bar), else plain progress lines.
 */
public record Terminal(PrintWriter out, PrintWriter err, boolean interactive) {
}
