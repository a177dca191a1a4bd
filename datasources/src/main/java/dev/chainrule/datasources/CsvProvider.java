package dev.chainrule.datasources;

import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Plugin;
import dev.chainrule.api.data.DataSourceProvider;

/**
 * {@code csv}: a table of numbers (and categories) with a header, one row per sample.
 *
 * <p>Options: {@code path} (required), {@code test} (a second file of the same columns), {@code label} (the
 * class column: a name, or a 0-based index when {@code header} is false) or {@code target} (the regression
 * column or columns), {@code header} (default true), {@code delimiter} (one character, default {@code ,}),
 * {@code categorical} (columns to one-hot encode), {@code missing} ({@code error}, {@code mean} or
 * {@code zero}: what an empty numeric cell becomes), {@code columns} (the feature columns to keep).
 *
 * <p>The file: RFC 4180 quoting ({@code ""} inside quotes, quoted delimiters and line breaks), an optional
 * UTF-8 byte order mark, CRLF or LF, blank lines skipped, gzip when the name ends in {@code .gz}. Numbers are
 * parsed exactly as {@link Double#parseDouble} does, from bytes. Features keep the file's column order; a
 * categorical column becomes one column per category ({@code col=value}, categories sorted, numerically when
 * all are numbers). An undeclared feature column whose cells are mostly not numbers is categorical (a
 * progress line says so); one with a few non-numbers is an error naming the first. Class names are the
 * label column's distinct values, sorted (numerically when all are numbers). Files of 1 MiB and more are
 * parsed in two halves on two threads; the result is the same as one thread's.
 */
@Plugin("csv")
public final class CsvProvider extends DataSourceProvider.Base {
    public CsvProvider() {
        super("a CSV file (and optionally a test file): numeric and categorical columns, a label or targets",
                CsvSource::load,
                new OptionSpec("path", "file", null, "the CSV file (.csv or .csv.gz), relative to the config's folder"),
                new OptionSpec("test", "file", "none", "a test file with the same columns (else the engine splits)"),
                new OptionSpec("label", "column name or index", "none",
                        "the class column (classification); give label or target"),
                new OptionSpec("target", "column name or list of names", "none",
                        "the value column(s) to predict (regression)"),
                OptionSpec.bool("header", "whether the first row names the columns").withDefault(true),
                new OptionSpec("delimiter", "one character", ",", "the field separator"),
                new OptionSpec("categorical", "list of column names", "none",
                        "columns to one-hot encode (columns mostly not numeric are detected)"),
                OptionSpec.choice("missing", "what an empty numeric cell becomes: an error, the column's mean"
                        + " (of the training file) or zero", "error", "mean", "zero").withDefault("error"),
                new OptionSpec("columns", "list of column names", "all",
                        "the feature columns to keep (the label or targets are always read)"));
    }
}
