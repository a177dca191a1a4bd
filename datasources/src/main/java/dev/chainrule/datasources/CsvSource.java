package dev.chainrule.datasources;

import dev.chainrule.api.OptionException;
import dev.chainrule.api.Options;
import dev.chainrule.api.Shape;
import dev.chainrule.api.data.DataContext;
import dev.chainrule.api.data.DataException;
import dev.chainrule.api.data.DataSet;
import dev.chainrule.api.data.Features;
import dev.chainrule.api.data.Table;
import dev.chainrule.api.data.Targets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/** The {@code csv} source's loading: see {@link CsvProvider} for the options and rules. */
final class CsvSource {
    /** Files of at least this many bytes are parsed in two halves on two threads. */
    static final int PARALLEL_BYTES = 1 << 20;

    private static final int NUMERIC = 0;
    private static final int CATEGORICAL = 1;

    private CsvSource() {
    }

    /** One file's bytes, shown name and where its data starts. */
    private record Source(String shown, byte[] bytes, int dataStart, int firstDataLine, String[] names,
            boolean header) {
    }

    /** The columns' roles, decided on the training file and reused for the test file. */
    private static final class Plan {
        String[] names;
        int ncols;
        int labelCol = -1;
        int[] targetCols = new int[0];
        int[] featureCols;
        int[] featureKind; // per entry of featureCols: NUMERIC or CATEGORICAL
        String missing;
        byte delim;
        boolean header;

        int[] role;
        int[] slot;
        int numCols;
        int textCols;

        void assign() {
            role = new int[ncols];
            slot = new int[ncols];
            numCols = 0;
            textCols = 0;
            for (int c = 0; c < ncols; c++) {
                int r = CsvChunk.SKIP;
                if (c == labelCol) {
                    r = CsvChunk.TEXT;
                }
                for (int t : targetCols) {
                    r = t == c ? CsvChunk.NUM : r;
                }
                for (int i = 0; i < featureCols.length; i++) {
                    if (featureCols[i] == c) {
                        r = featureKind[i] == NUMERIC ? CsvChunk.NUM : CsvChunk.TEXT;
                    }
                }
                role[c] = r;
                slot[c] = r == CsvChunk.NUM ? numCols++ : r == CsvChunk.TEXT ? textCols++ : -1;
            }
        }

        String headerNote() {
            return header ? "header has " + ncols : "the first row has " + ncols;
        }
    }

    /** A whole file parsed: its rows' numeric cells, text ids and lines, and per-column counts. */
    private static final class Parsed {
        int rows;
        double[] num;
        int[][] text;
        ByteDict[] dicts;
        int[] lines;
        int[] ok;
        int[] bad;
        int[] firstBad;
        String[] firstBadValue;
        int[] firstEmpty;
    }

    static DataSet load(DataContext ctx) {
        Options o = ctx.options();
        String path = Opts.required(o, "path", "the CSV file to read");
        String testPath = Opts.string(o, "test");
        boolean header = !(o.asMap().get("header") instanceof Boolean b) || b; // validated by its OptionSpec
        String delimText = o.asMap().containsKey("delimiter") ? Opts.string(o, "delimiter") : ",";
        if (delimText.length() != 1 || delimText.charAt(0) > 127 || "\"\r\n".indexOf(delimText.charAt(0)) >= 0) {
            throw new OptionException("delimiter", "must be one ASCII character other than a quote or a line break, got "
                    + Options.show(delimText));
        }
        String missing = o.asMap().get("missing") instanceof String m ? m : "error"; // a choice its OptionSpec validated
        Object label = o.asMap().get("label");
        List<String> targets = o.asMap().get("target") instanceof Number n ? List.of(n.toString())
                : Opts.strings(o, "target");
        if ((label == null) == (targets == null)) {
            throw new OptionException(label == null ? "label" : "target", label == null
                    ? "give label (the class column, for classification) or target (column or columns, for regression)"
                    : "give label or target, not both");
        }
        List<String> categorical = Opts.strings(o, "categorical");
        List<String> columns = Opts.strings(o, "columns");

        long t0 = System.nanoTime();
        Source train = read(ctx.resolve(path), path, header, (byte) delimText.charAt(0));
        Plan plan = new Plan();
        plan.names = train.names();
        plan.ncols = train.names().length;
        plan.missing = missing;
        plan.delim = (byte) delimText.charAt(0);
        plan.header = header;
        if (label != null) {
            plan.labelCol = column(train, label, "label");
        } else {
            plan.targetCols = new int[targets.size()];
            for (int i = 0; i < targets.size(); i++) {
                plan.targetCols[i] = column(train, targets.get(i), "target");
            }
        }
        Set<Integer> declaredCat = new LinkedHashSet<>();
        if (categorical != null) {
            for (String c : categorical) {
                int col = column(train, c, "categorical");
                if (col == plan.labelCol || contains(plan.targetCols, col)) {
                    throw new OptionException("categorical", "column '" + plan.names[col] + "' is the "
                            + (col == plan.labelCol ? "label" : "target") + ", not a feature");
                }
                declaredCat.add(col);
            }
        }
        Set<Integer> kept = null;
        if (columns != null) {
            kept = new LinkedHashSet<>();
            for (String c : columns) {
                kept.add(column(train, c, "columns"));
            }
        }
        List<Integer> feats = new ArrayList<>();
        for (int c = 0; c < plan.ncols; c++) {
            final int cc = c;
            boolean isTarget = c == plan.labelCol || Arrays.stream(plan.targetCols).anyMatch(t -> t == cc);
            if (!isTarget && (kept == null || kept.contains(c))) {
                feats.add(c);
            }
        }
        if (feats.isEmpty()) {
            throw new DataException(train.shown() + ": no feature columns left (columns: " + String.join(", ", plan.names)
                    + ")");
        }
        plan.featureCols = feats.stream().mapToInt(Integer::intValue).toArray();
        plan.featureKind = new int[plan.featureCols.length];
        for (int i = 0; i < plan.featureCols.length; i++) {
            plan.featureKind[i] = declaredCat.contains(plan.featureCols[i]) ? CATEGORICAL : NUMERIC;
        }
        plan.assign();

        Parsed p = parse(train, plan);
        // undeclared columns that are mostly not numbers are categorical; a few bad cells are errors
        List<String> detected = new ArrayList<>();
        for (int i = 0; i < plan.featureCols.length; i++) {
            int c = plan.featureCols[i];
            if (plan.featureKind[i] == NUMERIC && p.bad[c] > 0 && p.bad[c] >= p.ok[c]) {
                plan.featureKind[i] = CATEGORICAL;
                detected.add(plan.names[c]);
            }
        }
        if (!detected.isEmpty()) {
            plan.assign();
            p = parse(train, plan);
            List<String> notes = new ArrayList<>();
            for (String d : detected) {
                int c = Arrays.asList(plan.names).indexOf(d);
                notes.add("'" + d + "' (" + categories(p, plan, c).size() + " categories)");
            }
            ctx.progress().accept(train.shown() + ": not numeric, so one-hot encoded: " + String.join(", ", notes)
                    + " (declare them in categorical to say so)");
        }
        checkNumbers(train, plan, p);

        List<String> classNames = null;
        Map<String, Integer> classIndex = null;
        if (plan.labelCol >= 0) {
            ByteDict d = p.dicts[plan.slot[plan.labelCol]];
            if (p.firstEmpty[plan.labelCol] >= 0) {
                throw lineError(train, p.firstEmpty[plan.labelCol], "empty label in column '" + plan.names[plan.labelCol]
                        + "'");
            }
            List<String> names = new ArrayList<>();
            for (int id = 0; id < d.size(); id++) {
                names.add(d.name(id));
            }
            classNames = sorted(names);
            classIndex = new HashMap<>();
            for (int i = 0; i < classNames.size(); i++) {
                classIndex.put(classNames.get(i), i);
            }
        }
        // the categories of each categorical column and the means of the numeric ones, from the training file
        List<List<String>> cats = new ArrayList<>();
        double[] means = new double[plan.ncols];
        List<String> featureNames = new ArrayList<>();
        for (int i = 0; i < plan.featureCols.length; i++) {
            int c = plan.featureCols[i];
            if (plan.featureKind[i] == CATEGORICAL) {
                List<String> cs = categories(p, plan, c);
                cats.add(cs);
                for (String v : cs) {
                    featureNames.add(plan.names[c] + "=" + v);
                }
            } else {
                cats.add(null);
                featureNames.add(plan.names[c]);
                if (missing.equals("mean") && p.firstEmpty[c] >= 0) {
                    double sum = 0;
                    int n = 0;
                    for (int r = 0; r < p.rows; r++) {
                        double v = p.num[r * plan.numCols + plan.slot[c]];
                        if (v == v) {
                            sum += v;
                            n++;
                        }
                    }
                    means[c] = n == 0 ? 0 : sum / n;
                }
            }
        }
        Table trainTable = table(train, plan, p, classIndex, classNames, cats, means, featureNames, ctx);
        ctx.progress().accept(String.format(Locale.ROOT, "csv %s: %d rows × %d features in %.2f s", train.shown(),
                trainTable.size(), trainTable.featureCount(), (System.nanoTime() - t0) / 1e9));
        Table testTable = null;
        if (testPath != null) {
            Source test = read(ctx.resolve(testPath), testPath, header, plan.delim);
            if (header && !Arrays.equals(test.names(), plan.names)) {
                throw new DataException(test.shown() + " line " + (test.firstDataLine() - 1)
                        + ": the header differs from " + train.shown() + "'s: expected " + String.join(", ", plan.names)
                        + "; got " + String.join(", ", test.names()));
            }
            Parsed tp = parse(test, plan);
            checkNumbers(test, plan, tp);
            if (plan.labelCol >= 0 && tp.firstEmpty[plan.labelCol] >= 0) {
                throw lineError(test, tp.firstEmpty[plan.labelCol], "empty label in column '"
                        + plan.names[plan.labelCol] + "'");
            }
            testTable = table(test, plan, tp, classIndex, classNames, cats, means, featureNames, ctx);
        }
        String what = trainTable.isClassification() ? classNames.size() + " classes"
                : trainTable.targetCount() + (trainTable.targetCount() == 1 ? " target" : " targets");
        String desc = "csv " + train.shown() + ": " + trainTable.size() + " rows × " + trainTable.featureCount()
                + " features, " + what + (testTable == null ? "" : "; test " + testTable.name() + ": "
                        + testTable.size() + " rows");
        return new DataSet(trainTable, testTable, desc);
    }

    private static Table table(Source src, Plan plan, Parsed p, Map<String, Integer> classIndex, List<String> classNames,
            List<List<String>> cats, double[] means, List<String> featureNames, DataContext ctx) {
        int n = p.rows;
        Targets targets;
        if (plan.labelCol >= 0) {
            ByteDict d = p.dicts[plan.slot[plan.labelCol]];
            int[] map = new int[d.size()];
            for (int id = 0; id < d.size(); id++) {
                Integer k = classIndex.get(d.name(id));
                if (k == null) {
                    int[] codes = p.text[plan.slot[plan.labelCol]];
                    int row = 0;
                    while (codes[row] != id) {
                        row++;
                    }
                    throw lineError(src, p.lines[row], "label '" + d.name(id) + "' in column '"
                            + plan.names[plan.labelCol] + "' is not a class of the training file; classes: "
                            + String.join(", ", classNames));
                }
                map[id] = k;
            }
            int[] codes = p.text[plan.slot[plan.labelCol]];
            int[] labels = new int[n];
            for (int r = 0; r < n; r++) {
                labels[r] = map[codes[r]];
            }
            targets = Targets.classes(labels, classNames);
        } else {
            int t = plan.targetCols.length;
            double[] values = new double[n * t];
            List<String> names = new ArrayList<>();
            for (int j = 0; j < t; j++) {
                names.add(plan.names[plan.targetCols[j]]);
                int s = plan.slot[plan.targetCols[j]];
                for (int r = 0; r < n; r++) {
                    values[r * t + j] = p.num[r * plan.numCols + s];
                }
            }
            targets = Targets.regression(values, names);
        }
        int width = featureNames.size();
        double[] x;
        boolean direct = width == plan.numCols && plan.targetCols.length == 0;
        for (int i = 0; i < plan.featureCols.length && direct; i++) {
            direct = plan.featureKind[i] == NUMERIC && p.firstEmpty[plan.featureCols[i]] < 0;
        }
        if (direct) {
            x = p.num; // numeric columns only, in file order, nothing to fill: the parse is the table
        } else {
            x = new double[n * width];
            int off = 0;
            for (int i = 0; i < plan.featureCols.length; i++) {
                int c = plan.featureCols[i];
                if (plan.featureKind[i] == NUMERIC) {
                    int s = plan.slot[c];
                    double fill = plan.missing.equals("mean") ? means[c] : 0.0;
                    for (int r = 0; r < n; r++) {
                        double v = p.num[r * plan.numCols + s];
                        x[r * width + off] = v == v ? v : fill;
                    }
                    off++;
                } else {
                    List<String> cs = cats.get(i);
                    ByteDict d = p.dicts[plan.slot[c]];
                    int[] map = new int[d.size()];
                    List<String> unknown = new ArrayList<>();
                    for (int id = 0; id < d.size(); id++) {
                        String v = d.name(id);
                        map[id] = v.isEmpty() ? -1 : cs.indexOf(v);
                        if (map[id] < 0 && !v.isEmpty()) {
                            unknown.add(v);
                        }
                    }
                    if (!unknown.isEmpty()) {
                        ctx.progress().accept(src.shown() + ": column '" + plan.names[c] + "': " + unknown.size()
                                + (unknown.size() == 1 ? " value" : " values") + " the training file never had (such as '"
                                + unknown.get(0) + "') encoded as all zeros");
                    }
                    int[] codes = p.text[plan.slot[c]];
                    for (int r = 0; r < n; r++) {
                        int k = map[codes[r]];
                        if (k >= 0) {
                            x[r * width + off + k] = 1.0;
                        }
                    }
                    off += cs.size();
                }
            }
        }
        int[] lines = p.lines;
        String shown = src.shown();
        return new Table(shown, Shape.of(width), Features.float64(x, n, width), targets, featureNames,
                row -> shown + " line " + lines[row]);
    }

    /** A bad cell in a numeric column, or an empty cell where no filling was asked for: the earliest one. */
    private static void checkNumbers(Source src, Plan plan, Parsed p) {
        int badLine = Integer.MAX_VALUE;
        int badCol = -1;
        int emptyLine = Integer.MAX_VALUE;
        int emptyCol = -1;
        for (int c = 0; c < plan.ncols; c++) {
            if (plan.role[c] == CsvChunk.NUM && p.bad[c] > 0 && p.firstBad[c] < badLine) {
                badLine = p.firstBad[c];
                badCol = c;
            }
            boolean isTarget = c == plan.labelCol || contains(plan.targetCols, c);
            if (plan.role[c] != CsvChunk.SKIP && p.firstEmpty[c] >= 0 && (plan.missing.equals("error") || isTarget)
                    && p.firstEmpty[c] < emptyLine) {
                emptyLine = p.firstEmpty[c];
                emptyCol = c;
            }
        }
        if (badCol >= 0 && badLine <= emptyLine) {
            throw lineError(src, badLine, "column '" + plan.names[badCol] + "': '" + p.firstBadValue[badCol]
                    + "' is not a number (" + p.ok[badCol] + " cells of this column are"
                    + (contains(plan.targetCols, badCol) ? ", and a regression target must be)" : "; declare it in categorical if it is a category)"));
        }
        if (emptyCol >= 0) {
            boolean isTarget = emptyCol == plan.labelCol || contains(plan.targetCols, emptyCol);
            throw lineError(src, emptyLine, "empty cell in column '" + plan.names[emptyCol] + "'"
                    + (isTarget ? " (a " + (emptyCol == plan.labelCol ? "label" : "target") + " cannot be missing)"
                            : "; set missing to mean or zero to fill empty cells"));
        }
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /** The distinct non-empty values of a text column, sorted. */
    private static List<String> categories(Parsed p, Plan plan, int c) {
        ByteDict d = p.dicts[plan.slot[c]];
        List<String> vs = new ArrayList<>();
        for (int id = 0; id < d.size(); id++) {
            String v = d.name(id);
            if (!v.isEmpty()) {
                vs.add(v);
            }
        }
        return sorted(vs);
    }

    /** Sorted numerically when every value is a number, else by text. */
    static List<String> sorted(List<String> values) {
        boolean numeric = true;
        for (String v : values) {
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            numeric &= !Double.isNaN(FastDouble.parse(b, 0, b.length));
        }
        List<String> out = new ArrayList<>(values);
        if (numeric) {
            out.sort(Comparator.<String>comparingDouble(v -> {
                byte[] b = v.getBytes(StandardCharsets.UTF_8);
                return FastDouble.parse(b, 0, b.length);
            }).thenComparing(Comparator.naturalOrder()));
        } else {
            out.sort(Comparator.naturalOrder());
        }
        return out;
    }

    private static int column(Source src, Object key, String option) {
        String[] names = src.names();
        if (key instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && d >= 0 && d < names.length) {
                return (int) d;
            }
            throw new DataException(src.shown() + ": no column " + n + " for " + option + "; the file has "
                    + names.length + " columns (0.." + (names.length - 1) + ")");
        }
        if (!(key instanceof String s)) {
            throw new OptionException(option, "must be a column name or a 0-based column index, got " + Options.show(key));
        }
        for (int c = 0; c < names.length; c++) {
            if (names[c].equals(s)) {
                return c;
            }
        }
        if (!src.header() && s.matches("[0-9]+") && Integer.parseInt(s) < names.length) {
            return Integer.parseInt(s);
        }
        throw new DataException(src.shown() + ": no column '" + s + "' for " + option + "; columns: "
                + String.join(", ", names));
    }

    private static DataException lineError(Source src, int line, String message) {
        return new DataException(src.shown() + " line " + line + ": " + message);
    }

    /** Reads the file (gunzipped when its name ends in .gz) and its header. */
    private static Source read(Path file, String shown, boolean header, byte delim) {
        byte[] b;
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE - 16) {
                throw new DataException(shown + ": " + size + " bytes, more than the 2 GiB the csv source reads");
            }
            if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
                    b = in.readAllBytes();
                }
            } else {
                b = Files.readAllBytes(file);
            }
        } catch (NoSuchFileException e) {
            throw new DataException(shown + ": no such file (" + file.toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new DataException(shown + ": cannot read (" + e.getMessage() + ")", e);
        } catch (OutOfMemoryError e) {
            throw new DataException(shown + ": too large to read into memory (" + e.getMessage() + ")");
        }
        int pos = 0;
        if (b.length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
            pos = 3;
        }
        int line = 1;
        while (pos < b.length && (b[pos] == '\n' || b[pos] == '\r')) {
            line += b[pos] == '\n' ? 1 : 0;
            pos++;
        }
        if (pos >= b.length) {
            throw new DataException(shown + ": empty file (no header and no rows)");
        }
        List<String> first = new ArrayList<>();
        int[] after = new int[2];
        record(b, pos, delim, first, after, shown, line);
        String[] names;
        int dataStart;
        int dataLine;
        if (header) {
            names = first.toArray(new String[0]);
            for (int i = 0; i < names.length; i++) {
                names[i] = names[i].strip();
            }
            dataStart = after[0];
            dataLine = line + after[1];
            boolean any = false;
            for (int i = dataStart; i < b.length && !any; i++) {
                any = b[i] != '\n' && b[i] != '\r';
            }
            if (!any) {
                throw new DataException(shown + ": a header (" + String.join(", ", names) + ") but no rows");
            }
        } else {
            names = new String[first.size()];
            for (int i = 0; i < names.length; i++) {
                names[i] = "col" + i;
            }
            dataStart = pos;
            dataLine = line;
        }
        return new Source(shown, b, dataStart, dataLine, names, header);
    }

    /** Splits the record at {@code pos} into strings; {@code after} gets the next position and the lines used. */
    private static void record(byte[] b, int pos, byte delim, List<String> out, int[] after, String shown, int line) {
        java.io.ByteArrayOutputStream field = new java.io.ByteArrayOutputStream();
        int lines = 0;
        int p = pos;
        boolean quoted = false;
        while (true) {
            if (p >= b.length) {
                if (quoted) {
                    throw new DataException(shown + " line " + line + ": unterminated quote: the field in column "
                            + out.size() + " never closes");
                }
                break;
            }
            byte c = b[p];
            if (quoted) {
                if (c == '"') {
                    if (p + 1 < b.length && b[p + 1] == '"') {
                        field.write('"');
                        p += 2;
                        continue;
                    }
                    quoted = false;
                    p++;
                    continue;
                }
                if (c == '\n') {
                    lines++;
                }
                field.write(c);
                p++;
                continue;
            }
            if (c == '"' && field.size() == 0) {
                quoted = true;
                p++;
                continue;
            }
            if (c == delim) {
                out.add(field.toString(StandardCharsets.UTF_8));
                field.reset();
                p++;
                continue;
            }
            if (c == '\n') {
                lines++;
                p++;
                break;
            }
            if (c == '\r' && (p + 1 >= b.length || b[p + 1] == '\n')) {
                p++;
                continue;
            }
            field.write(c);
            p++;
        }
        out.add(field.toString(StandardCharsets.UTF_8));
        after[0] = p;
        after[1] = lines;
    }

    /** Parses the data rows of {@code src}, in two halves on two threads when large, merged in file order. */
    private static Parsed parse(Source src, Plan plan) {
        byte[] b = src.bytes();
        int from = src.dataStart();
        int to = b.length;
        int size = to - from;
        int est = estimateRows(b, from, to);
        String[] names = plan.names;
        CsvChunk c1;
        CsvChunk c2 = null;
        // one array for both halves' numbers, the second half's rows after the first's estimated count: when
        // the estimates hold, joining the halves moves the second's rows down instead of copying both
        int w = plan.numCols;
        double[] shared = new double[(int) Math.min(Integer.MAX_VALUE - 64, (long) est * w)];
        if (size >= PARALLEL_BYTES) {
            int split = from + size / 2;
            while (split < to && b[split - 1] != '\n') {
                split++;
            }
            int est1 = (int) ((long) est * (split - from) / size);
            c1 = new CsvChunk(b, plan.delim, plan.ncols, plan.role, plan.slot, plan.numCols, plan.textCols,
                    plan.headerNote(), names, est1, shared, 0);
            if (split < to) {
                CsvChunk second = new CsvChunk(b, plan.delim, plan.ncols, plan.role, plan.slot, plan.numCols,
                        plan.textCols, plan.headerNote(), names, est - est1, shared, est1);
                final int s = split;
                Thread t = new Thread(() -> second.run(s, to, to), "csv-parse-2");
                t.setDaemon(true);
                t.start();
                c1.run(from, split, to);
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DataException(src.shown() + ": interrupted while parsing");
                }
                if (c1.error == null && c1.end == split) {
                    c2 = second;
                } else if (c1.error == null) {
                    c1.run(c1.end, to, to); // the split fell inside a quoted field: go on alone
                }
            } else {
                c1.run(from, to, to);
            }
        } else {
            c1 = new CsvChunk(b, plan.delim, plan.ncols, plan.role, plan.slot, plan.numCols, plan.textCols,
                    plan.headerNote(), names, est, shared, 0);
            c1.run(from, to, to);
        }
        int base = src.firstDataLine();
        if (c1.error != null) {
            throw lineError(src, base + c1.error.line, c1.error.getMessage());
        }
        int base2 = base + c1.linesSeen;
        if (c2 != null && c2.error != null) {
            throw lineError(src, base2 + c2.error.line, c2.error.getMessage());
        }
        Parsed p = new Parsed();
        int n1 = c1.rows;
        int n = n1 + (c2 == null ? 0 : c2.rows);
        p.rows = n;
        if (c2 == null) {
            p.num = c1.num; // rowBase 0: its own or the shared array
        } else if (c1.num == shared && c2.num == shared) {
            System.arraycopy(shared, c2.rowBase * w, shared, n1 * w, c2.rows * w);
            p.num = shared;
        } else {
            p.num = new double[n * w];
            System.arraycopy(c1.num, c1.rowBase * w, p.num, 0, n1 * w);
            System.arraycopy(c2.num, c2.rowBase * w, p.num, n1 * w, c2.rows * w);
        }
        p.lines = new int[n];
        for (int r = 0; r < n1; r++) {
            p.lines[r] = base + c1.lines[r];
        }
        p.dicts = c1.dicts;
        p.text = new int[plan.textCols][];
        for (int t = 0; t < plan.textCols; t++) {
            p.text[t] = Arrays.copyOf(c1.text[t], n);
        }
        p.ok = c1.ok.clone();
        p.bad = c1.bad.clone();
        p.firstBad = new int[plan.ncols];
        p.firstEmpty = new int[plan.ncols];
        p.firstBadValue = c1.firstBadValue.clone();
        for (int c = 0; c < plan.ncols; c++) {
            p.firstBad[c] = c1.firstBad[c] < 0 ? -1 : base + c1.firstBad[c];
            p.firstEmpty[c] = c1.firstEmpty[c] < 0 ? -1 : base + c1.firstEmpty[c];
        }
        if (c2 != null) {
            for (int r = 0; r < c2.rows; r++) {
                p.lines[n1 + r] = base2 + c2.lines[r];
            }
            for (int t = 0; t < plan.textCols; t++) {
                ByteDict d2 = c2.dicts[t];
                int[] map = new int[d2.size()];
                for (int id = 0; id < d2.size(); id++) {
                    byte[] k = d2.key(id);
                    map[id] = p.dicts[t].id(k, 0, k.length);
                }
                int[] codes = c2.text[t];
                for (int r = 0; r < c2.rows; r++) {
                    p.text[t][n1 + r] = map[codes[r]];
                }
            }
            for (int c = 0; c < plan.ncols; c++) {
                p.ok[c] += c2.ok[c];
                p.bad[c] += c2.bad[c];
                if (p.firstBad[c] < 0 && c2.firstBad[c] >= 0) {
                    p.firstBad[c] = base2 + c2.firstBad[c];
                    p.firstBadValue[c] = c2.firstBadValue[c];
                }
                if (p.firstEmpty[c] < 0 && c2.firstEmpty[c] >= 0) {
                    p.firstEmpty[c] = base2 + c2.firstEmpty[c];
                }
            }
        }
        return p;
    }

    private static int estimateRows(byte[] b, int from, int to) {
        int sample = Math.min(to - from, 1 << 20);
        int nl = 0;
        for (int i = from; i < from + sample; i++) {
            nl += b[i] == '\n' ? 1 : 0;
        }
        if (nl == 0) {
            return 16;
        }
        double perRow = (double) sample / nl;
        return (int) Math.min(Integer.MAX_VALUE / 64, (to - from) / perRow * 1.02 + 16);
    }
}
