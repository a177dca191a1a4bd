package dev.chainrule.examples.jsonl;

import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Plugin;
import dev.chainrule.api.data.DataSourceProvider;

/**
 * {@code jsonl}: a JSON Lines file, one flat JSON object per line, such as
 * {@code {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2, "species": "setosa"}}.
 *
 * <pre>
 * "data": {"type": "jsonl", "path": "iris.jsonl", "label": "species", "testSplit": 0.2, "standardize": true}
 * "data": {"type": "jsonl", "path": "houses.jsonl", "target": ["price", "rent"], "features": ["rooms", "area"]}
 * </pre>
 *
 * <p>Options: {@code path} (required), {@code test} (a second file with the same keys), {@code label} (the
 * class key: classification) or {@code target} (a key or a list of keys: regression), {@code features} (the
 * feature keys in order; default every other key, in the first object's order). {@code testSplit},
 * {@code scaling} and {@code standardize} are the engine's keys: this source only reads.
 *
 * <p>The file: UTF-8, blank lines skipped. Features and targets must be numbers; a label may be a string, a
 * number or a boolean. Class names are the distinct labels, sorted (numerically when all are numbers). Bad
 * input is a {@code DataException} of one line naming the file, the line and the key:
 * {@code iris.jsonl line 17, key 'petal_width': 'wide' is not a number}. Keys other than the features and
 * the label or targets are ignored.
 */
@Plugin("jsonl")
public final class JsonlProvider extends DataSourceProvider.Base {
    public JsonlProvider() {
        super("a JSON Lines file (one flat JSON object per line): numeric features, a label or targets",
                JsonlSource::load,
                new OptionSpec("path", "file", null, "the .jsonl file, relative to the config's folder"),
                new OptionSpec("test", "file", "none", "a test file with the same keys (else the engine splits)"),
                new OptionSpec("label", "key", "none", "the class key (classification); give label or target"),
                new OptionSpec("target", "key or list of keys", "none", "the value key(s) to predict (regression)"),
                new OptionSpec("features", "list of keys", "every other key",
                        "the feature keys, in this order (default: the first object's order)"));
    }
}
