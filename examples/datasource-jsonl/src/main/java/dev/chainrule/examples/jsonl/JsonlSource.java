package dev.chainrule.examples.jsonl;

import dev.chainrule.api.OptionException;
import dev.chainrule.api.Options;
import dev.chainrule.api.Shape;
import dev.chainrule.api.data.DataContext;
import dev.chainrule.api.data.DataException;
import dev.chainrule.api.data.DataSet;
import dev.chainrule.api.data.Features;
import dev.chainrule.api.data.Table;
import dev.chainrule.api.data.Targets;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The {@code jsonl} loader: reads the options, then the training file and the optional test file. */
final class JsonlSource {
    private JsonlSource() {
    }

    /** What one file gave: a row of features per object, with its label text or target values and its line. */
    private static final class Rows {
        List<String> features; // as given, else the first object's keys besides the label or targets
        final List<double[]> x = new ArrayList<>();
        final List<String> labels = new ArrayList<>();
        final List<double[]> y = new ArrayList<>();
        final List<Integer> lines = new ArrayList<>();
    }

    static DataSet load(DataContext ctx) {
        Options o = ctx.options();
        String path = key(o, "path");
        if (path == null) {
            throw new OptionException("path", "required: the JSON Lines file to read");
        }
        String label = key(o, "label");
        List<String> targets = keys(o, "target");
        if ((label == null) == (targets == null)) {
            throw new OptionException(label == null ? "label" : "target", label == null
                    ? "give label (the class key, for classification) or target (a key or keys, for regression)"
                    : "give label or target, not both");
        }
        List<String> features = keys(o, "features");
        for (String f : features == null ? List.<String>of() : features) {
            if (f.equals(label) || targets != null && targets.contains(f)) {
                throw new OptionException("features", "'" + f + "' is the " + (label != null ? "label" : "target")
                        + ", not a feature");
            }
        }
        String test = key(o, "test");

        Rows train = read(ctx, path, features, label, targets);
        List<String> classes = label != null ? classNames(train.labels) : null;
        Table trainTable = table(path, train, classes, targets);
        Table testTable = test == null ? null
                : table(test, read(ctx, test, train.features, label, targets), classes, targets);
        return new DataSet(trainTable, testTable, path + ": " + trainTable.size() + " rows × "
                + train.features.size() + " features, " + (label != null ? classes.size() + " classes"
                        : targets.size() + " target(s)"));
    }

    /** Reads every non-blank line of {@code path} as a flat object and takes the features and the label or targets. */
    private static Rows read(DataContext ctx, String path, List<String> features, String label, List<String> targets) {
        Rows rows = new Rows();
        rows.features = features;
        int line = 0;
        try (BufferedReader in = Files.newBufferedReader(ctx.resolve(path), StandardCharsets.UTF_8)) {
            for (String text; (text = in.readLine()) != null; ) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                String where = path + " line " + line;
                Map<String, Object> obj = FlatJson.parse(line == 1 ? stripBom(text) : text, where);
                if (rows.features == null) { // every other key, in the first object's order
                    rows.features = new ArrayList<>(obj.keySet());
                    rows.features.removeAll(label != null ? List.of(label) : targets);
                    if (rows.features.isEmpty()) {
                        throw new DataException(where + ": no key besides the " + (label != null ? "label" : "targets")
                                + " to learn from");
                    }
                }
                rows.x.add(numbers(obj, rows.features, where));
                if (label != null) {
                    rows.labels.add(labelText(obj, label, where));
                } else {
                    rows.y.add(numbers(obj, targets, where));
                }
                rows.lines.add(line);
            }
        } catch (NoSuchFileException e) {
            throw new DataException(path + ": no such file (" + ctx.resolve(path).toAbsolutePath() + ")");
        } catch (CharacterCodingException e) {
            throw new DataException(path + " line " + (line + 1) + " or later: not UTF-8 text");
        } catch (IOException e) {
            throw new DataException(path + ": " + e, e);
        }
        if (rows.x.isEmpty()) {
            throw new DataException(path + " line " + Math.max(line, 1) + ": no JSON object in the file (it is empty)");
        }
        return rows;
    }

    private static double[] numbers(Map<String, Object> obj, List<String> keys, String where) {
        double[] out = new double[keys.size()];
        for (int j = 0; j < out.length; j++) {
            String k = keys.get(j);
            Object v = obj.get(k);
            if (!(v instanceof Double d)) {
                throw new DataException(where + ", key '" + k + "': " + (obj.containsKey(k) ? Options.show(v)
                        + " is not a number" : "missing (every object needs the feature and target keys)"));
            }
            out[j] = d;
        }
        return out;
    }

    /** A label as its class name: a string as it is, a number as written without a needless {@code .0}. */
    private static String labelText(Map<String, Object> obj, String label, String where) {
        Object v = obj.get(label);
        if (v instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : d.toString();
        }
        if (v instanceof String || v instanceof Boolean) {
            return v.toString();
        }
        throw new DataException(where + ", key '" + label + "': " + (obj.containsKey(label) ? "a null label"
                : "missing (every object needs the label)"));
    }

    /** The distinct labels, sorted: numerically when every one is a number, else as text. */
    private static List<String> classNames(List<String> labels) {
        TreeSet<String> distinct = new TreeSet<>(labels);
        boolean numeric = distinct.stream().allMatch(l -> l.matches("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?"));
        List<String> names = new ArrayList<>(distinct);
        if (numeric) {
            names.sort(Comparator.comparingDouble(Double::parseDouble));
        }
        return names;
    }

    /** The rows as a table: the labels as class indices into {@code classes}, or the target values. */
    private static Table table(String path, Rows rows, List<String> classes, List<String> targets) {
        int n = rows.x.size();
        int w = rows.features.size();
        double[] x = new double[n * w];
        for (int r = 0; r < n; r++) {
            System.arraycopy(rows.x.get(r), 0, x, r * w, w);
        }
        Targets t;
        if (classes != null) {
            Map<String, Integer> index = new HashMap<>();
            classes.forEach(c -> index.put(c, index.size()));
            int[] labels = new int[n];
            for (int r = 0; r < n; r++) {
                Integer c = index.get(rows.labels.get(r));
                if (c == null) {
                    throw new DataException(path + " line " + rows.lines.get(r) + ": label '" + rows.labels.get(r)
                            + "' is not a class of the training file; classes: " + String.join(", ", classes));
                }
                labels[r] = c;
            }
            t = Targets.classes(labels, classes);
        } else {
            double[] y = new double[n * targets.size()];
            for (int r = 0; r < n; r++) {
                System.arraycopy(rows.y.get(r), 0, y, r * targets.size(), targets.size());
            }
            t = Targets.regression(y, targets);
        }
        List<Integer> lines = rows.lines;
        return new Table(path, Shape.of(w), Features.float64(x, w), t, rows.features, r -> path + " line " + lines.get(r));
    }

    /** A string option, or null when absent. */
    private static String key(Options o, String name) {
        Object v = o.asMap().get(name);
        if (v == null || v instanceof String s && !s.isBlank()) {
            return (String) v;
        }
        throw new OptionException(name, "expected a key (a non-empty string), got " + Options.show(v));
    }

    /** A key or a list of distinct keys, or null when absent. */
    private static List<String> keys(Options o, String name) {
        Object v = o.asMap().get(name);
        if (v == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (Object k : v instanceof List<?> l ? l : List.of(v)) {
            if (!(k instanceof String s) || s.isBlank() || out.contains(s)) {
                throw new OptionException(name, "expected a key or a list of distinct keys (non-empty strings), got "
                        + Options.show(v));
            }
            out.add(s);
        }
        if (out.isEmpty()) {
            throw new OptionException(name, "an empty list; give at least one key");
        }
        return out;
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }
}
