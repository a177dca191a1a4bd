package dev.chainrule.engine.predict;

import dev.chainrule.api.Shape;
import dev.chainrule.api.data.DataException;
import dev.chainrule.api.support.Images;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.io.SafeFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A saved model's inputs prepared the way its training data was: a picture for an image model (MNIST's
 * digit preparation for the IDX models; the image-folder's decode, resize and 1/255 for the others), or the rows
 * of a CSV file for a table model (columns matched by the recorded feature names, categorical columns one-hot
 * as {@code column=value}); then the recorded scaling. A picture for a table model, or a table for an image
 * model, is refused naming both shapes.
 */
public final class ModelInputs {
    /** Pictures of more pixels are refused before decoding. */
    public static final long MAX_PIXELS = 40_000_000L;

    private final Shape shape;
    private final RunConfig.Fitted fitted;

    public ModelInputs(Shape shape, RunConfig.Fitted fitted) {
        this.shape = shape;
        this.fitted = fitted;
    }

    /** Whether the model takes pictures: a C×H×W input with H and W above 1. */
    public boolean takesImages() {
        return shape.rank() == 3 && shape.dim(1) > 1 && shape.dim(2) > 1;
    }

    /** Whether {@code file} is a table by its name ({@code .csv}, {@code .csv.gz}). */
    public static boolean isTable(Path file) {
        String n = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".csv") || n.endsWith(".csv.gz");
    }

    /** One picture as the model's input row. */
    public double[] image(Path file) {
        String shown = file.toString();
        if (!takesImages()) {
            throw new BadInputException(shown + ": the model takes " + describe() + ", not a picture; give a CSV file "
                    + "of rows with those columns");
        }
        if (fitted == null) {
            if (shape.dim(0) != 1 || shape.dim(1) != shape.dim(2)) {
                throw new BadInputException(shown + ": this IDX model takes " + shape + " samples; predict prepares "
                        + "pictures for square one-channel models only");
            }
            return Predictions.load(file, shape.dim(1));
        }
        Path real = SafeFiles.regular(file, shown);
        try {
            return fromPixels(Images.decode(real, shown, MAX_PIXELS));
        } catch (DataException e) {
            throw new BadInputException(e.getMessage(), e);
        }
    }

    /**
     * A picture held in memory (an upload) as the model's input row, prepared as {@link #image(Path)} prepares a
     * file of the same bytes: for image-folder models (a recorded fit) only; the IDX models' digit preparation
     * is {@link MnistPreprocessor}'s.
     *
     * @param maxPixels a picture of more pixels is refused from its header, before decoding
     */
    public double[] image(byte[] encoded, String shown, long maxPixels) {
        if (!takesImages()) {
            throw new BadInputException(shown + ": the model takes " + describe() + ", not a picture");
        }
        if (fitted == null) {
            throw new BadInputException(shown + ": this IDX model takes digits, prepared by MnistPreprocessor");
        }
        try {
            return fromPixels(Images.decode(encoded, shown, maxPixels));
        } catch (DataException e) {
            throw new BadInputException(e.getMessage(), e);
        }
    }

    private double[] fromPixels(Images.Pixels p) {
        byte[] chw = Images.toCHW(p, shape.dim(0), shape.dim(1), shape.dim(2));
        double[] x = new double[chw.length];
        for (int i = 0; i < chw.length; i++) {
            x[i] = (chw[i] & 0xff) / 255.0;
        }
        return scaled(x);
    }

    /** Whether the model takes table rows whose columns it can name (a recorded fit with feature names). */
    public boolean takesRows() {
        return !takesImages() && fitted != null && !fitted.features().isEmpty();
    }

    /** The columns a row must give, in feature order: numeric ones by name, a categorical one once. */
    public List<String> columns() {
        return fitted == null ? List.of() : distinctColumns(fitted.features());
    }

    /** A categorical column's known values (from its {@code column=value} features), or null for a numeric one. */
    public List<String> categories(String column) {
        if (fitted == null || fitted.features().contains(column)) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String f : fitted.features()) {
            if (f.startsWith(column + "=")) {
                out.add(f.substring(column.length() + 1));
            }
        }
        return out.isEmpty() ? null : out;
    }

    /**
     * One row given by column name (a form), prepared as a CSV row with those columns would be; {@code shown}
     * names it in messages. Columns the model does not take are ignored.
     */
    public double[] row(Map<String, String> cells, String shown) {
        requireRows(shown);
        for (String col : distinctColumns(fitted.features())) {
            if (cells.get(col) == null) {
                throw new BadInputException(shown + ": no value for '" + col + "'; the model takes "
                        + String.join(", ", distinctColumns(fitted.features())));
            }
        }
        return convert(cells::get, shown);
    }

    /** The rows of a CSV text held in memory (an upload), as {@link #table(Path, List)} reads a file. */
    public List<double[]> table(String csv, String shown, List<String> where) {
        requireRows(shown);
        try (BufferedReader r = new BufferedReader(new java.io.StringReader(csv))) {
            return table(r, shown, where);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void requireRows(String shown) {
        if (takesImages()) {
            throw new BadInputException(shown + ": the model takes pictures of " + shape + " (C×H×W), not table rows");
        }
        if (fitted == null || fitted.features().isEmpty()) {
            throw new BadInputException(shown + ": the model records no feature names (it was trained on IDX data), so "
                    + "columns cannot be matched to its " + shape.size() + " inputs");
        }
    }

    /** A CSV file's rows as the model's input rows; {@code where} gets each row's "file line N". */
    public List<double[]> table(Path file, List<String> where) {
        String shown = file.toString();
        if (takesImages()) {
            throw new BadInputException(shown + ": the model takes pictures of " + shape + " (C×H×W), not table rows");
        }
        if (fitted == null || fitted.features().isEmpty()) {
            throw new BadInputException(shown + ": the model records no feature names (it was trained on IDX data), so "
                    + "CSV columns cannot be matched to its " + shape.size() + " inputs");
        }
        Path real = SafeFiles.regular(file, shown);
        try (InputStream raw = Files.newInputStream(real);
                InputStream in = shown.toLowerCase(Locale.ROOT).endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return table(r, shown, where);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<double[]> table(BufferedReader r, String shown, List<String> where) throws IOException {
        List<String> features = fitted.features();
        List<double[]> rows = new ArrayList<>();
        List<String> header = null;
        int line = 0;
        Map<String, Integer> column = new HashMap<>();
        String text;
        while ((text = nextRecord(r)) != null) {
            line++;
            if (line == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            if (text.isBlank()) {
                continue;
            }
            List<String> cells = fields(text, shown, line);
            if (header == null) {
                header = cells;
                for (int i = 0; i < header.size(); i++) {
                    column.putIfAbsent(header.get(i), i);
                }
                for (String f : features) {
                    String col = f.contains("=") && !column.containsKey(f) ? f.substring(0, f.indexOf('=')) : f;
                    if (!column.containsKey(col)) {
                        throw new BadInputException(shown + " line 1: no column '" + col + "'; the model takes "
                                + String.join(", ", distinctColumns(features)));
                    }
                }
                continue;
            }
            if (cells.size() != header.size()) {
                throw new BadInputException(shown + " line " + line + ": " + cells.size() + " fields, expected "
                        + header.size() + " (the header has " + header.size() + ")");
            }
            rows.add(convert(name -> column.containsKey(name) ? cells.get(column.get(name)) : null, shown + " line " + line));
            where.add(shown + " line " + line);
        }
        if (header == null) {
            throw new BadInputException(shown + ": empty file; expected a header and rows");
        }
        if (rows.isEmpty()) {
            throw new BadInputException(shown + ": a header but no rows");
        }
        return rows;
    }

    /** One row's features from its cells by column name ({@code at} names the row in messages), scaled. */
    private double[] convert(java.util.function.Function<String, String> cellOf, String at) {
        List<String> features = fitted.features();
        double[] x = new double[features.size()];
        for (int j = 0; j < features.size(); j++) {
            String f = features.get(j);
            String whole = cellOf.apply(f);
            if (whole != null || !f.contains("=")) {
                String cell = whole == null ? "" : whole.strip();
                try {
                    x[j] = Double.parseDouble(cell);
                } catch (NumberFormatException e) {
                    throw new BadInputException(at + ", column '" + f + "': '" + cell + "' is not a number");
                }
                if (!Double.isFinite(x[j])) {
                    throw new BadInputException(at + ", column '" + f + "': '" + cell + "' is not a finite number");
                }
            } else {
                String col = f.substring(0, f.indexOf('='));
                String value = f.substring(f.indexOf('=') + 1);
                String raw = cellOf.apply(col);
                String cell = raw == null ? "" : raw.strip();
                x[j] = cell.equals(value) ? 1 : 0;
                if (!knownCategory(features, col, cell)) {
                    throw new BadInputException(at + ", column '" + col + "': category '" + cell
                            + "' was not in the training data; known: " + categories(features, col));
                }
            }
        }
        return scaled(x);
    }

    private String describe() {
        List<String> f = fitted == null ? List.of() : fitted.features();
        return "rows of " + shape.size() + " feature" + (shape.size() == 1 ? "" : "s")
                + (f.isEmpty() ? "" : " (" + String.join(", ", distinctColumns(f)) + ")");
    }

    private static List<String> distinctColumns(List<String> features) {
        List<String> cols = new ArrayList<>();
        for (String f : features) {
            String c = f.contains("=") ? f.substring(0, f.indexOf('=')) : f;
            if (!cols.contains(c)) {
                cols.add(c);
            }
        }
        return cols;
    }

    private static boolean knownCategory(List<String> features, String col, String value) {
        return features.contains(col + "=" + value);
    }

    private static String categories(List<String> features, String col) {
        List<String> out = new ArrayList<>();
        for (String f : features) {
            if (f.startsWith(col + "=")) {
                out.add(f.substring(col.length() + 1));
            }
        }
        return String.join(", ", out);
    }

    /** A row in the data's own units (a CSV row's values, in feature order) with the recorded scaling applied. */
    public double[] row(double[] raw) {
        return scaled(raw.clone());
    }

    private double[] scaled(double[] x) {
        if (x.length != shape.size()) {
            throw new BadInputException("the input has " + x.length + " values, the model takes " + shape.size());
        }
        if (fitted != null && fitted.offset().length == x.length) {
            for (int j = 0; j < x.length; j++) {
                x[j] = (x[j] - fitted.offset()[j]) / fitted.divisor()[j];
            }
        }
        return x;
    }

    /** One CSV record: a line, or several when a quoted field holds line breaks (RFC 4180). */
    private static String nextRecord(BufferedReader r) throws IOException {
        String line = r.readLine();
        if (line == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(line);
        while (quotes(sb) % 2 == 1) {
            String more = r.readLine();
            if (more == null) {
                break;
            }
            sb.append('\n').append(more);
        }
        return sb.toString();
    }

    private static int quotes(CharSequence s) {
        int q = 0;
        for (int i = 0; i < s.length(); i++) {
            q += s.charAt(i) == '"' ? 1 : 0;
        }
        return q;
    }

    /** The comma-separated fields of a record, quotes per RFC 4180 ({@code ""} inside a quoted field is a quote). */
    static List<String> fields(String record, String shown, int line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < record.length(); i++) {
            char c = record.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < record.length() && record.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else if (c != '\r') {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new BadInputException(shown + " line " + line + ": a quoted field is not closed");
        }
        out.add(cur.toString());
        return out;
    }
}
