package dev.chainrule.engine.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chainrule.engine.Chainrule;
import dev.chainrule.engine.Trained;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.io.AtomicFiles;
import dev.chainrule.engine.train.EpochMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sweep file read and checked, every variant's config resolved: nothing is written until {@link #prepare}.
 *
 * <pre>{@code
 * {"name": "lr-batch",                                  // optional: the file name
 *  "base": "../configs/mnist-3layer.json",              // a config file (relative to this file) or an object
 *  "grid": {"training.optimizer.learningRate": [0.05, 0.1], "training.batchSize": [16, 32]},
 *  "variants": [{"seed": 1}, {"seed": 2, "network.layers[0].units": 64}],   // or a list instead of a grid
 *  "workers": 2}                                        // optional: local workers (--workers wins)
 * }</pre>
 *
 * A key is a config field's path (dots, {@code [i]} for an array entry); its value replaces the field. Each
 * variant is named {@code <base name>-<nn>}, its resolved config written to {@code configs/<name>.json} (train
 * that file alone and you get the same bits) and its run to the run folder {@code <name>/}.
 */
public final class Sweep {
    private static final Pattern SEGMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(?:\\[(\\d+)])?");
    private static final List<String> FIELDS = List.of("name", "base", "grid", "variants", "workers");

    /** One variant: its run name, the overridden fields as written, its resolved config as JSON text. */
    public record Variant(String name, Map<String, String> settings, String configJson) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** A finished variant's row of the summary (serializable: a Spark task returns it). */
    public record Result(String name, Map<String, String> settings, boolean regression, double finalAccuracy,
            double bestAccuracy, double finalLoss, double bestLoss, int epochs, double seconds, String runFolder)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private final String name;
    private final List<Variant> variants;
    private final Integer workers;
    private final String source;

    private Sweep(String name, List<Variant> variants, Integer workers, String source) {
        this.name = name;
        this.variants = List.copyOf(variants);
        this.workers = workers;
        this.source = source;
    }

    public String name() {
        return name;
    }

    public List<Variant> variants() {
        return variants;
    }

    /** The sweep file's {@code workers}, or null. */
    public Integer workers() {
        return workers;
    }

    /** Reads and checks {@code file}; every variant's config is resolved by {@code engine} (bad ones: one line). */
    public static Sweep read(Path file, Chainrule engine) {
        ObjectMapper mapper = JsonMapper.builder()
                .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
        String shown = file.toString();
        JsonNode root;
        try {
            root = mapper.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BadInputException(shown + ": " + (e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e.getMessage().lines().findFirst().orElse("unreadable")));
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(shown + ": a sweep file is a JSON object with \"base\" and \"grid\" or \"variants\"");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new BadInputException(shown + ": unknown field '" + f + "'; a sweep file has " + FIELDS);
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        JsonNode base = root.get("base");
        ObjectNode baseTree;
        Path baseDir;
        String baseName;
        if (base != null && base.isTextual()) {
            Path bf = dir.resolve(base.asText()).normalize();
            try {
                JsonNode t = mapper.readTree(Files.readString(bf, StandardCharsets.UTF_8));
                if (!(t instanceof ObjectNode o)) {
                    throw new BadInputException(shown + ": base: " + bf + " is not a JSON object");
                }
                baseTree = o;
            } catch (IOException e) {
                throw new BadInputException(shown + ": base: cannot read " + bf + " (" + e.getClass().getSimpleName()
                        + ")");
            }
            baseDir = bf.getParent();
            String fn = bf.getFileName().toString();
            baseName = fn.endsWith(".json") ? fn.substring(0, fn.length() - 5) : fn;
        } else if (base instanceof ObjectNode o) {
            baseTree = o;
            baseDir = dir;
            baseName = "run";
        } else {
            throw new BadInputException(shown + ": base: must be a config file's path or a config object");
        }
        if (baseTree.hasNonNull("name")) {
            baseName = baseTree.get("name").asText();
        }
        String sweepName = root.hasNonNull("name") ? root.get("name").asText() : stripJson(file.getFileName().toString());
        Integer workers = null;
        if (root.has("workers")) {
            JsonNode w = root.get("workers");
            if (!w.isInt() || w.asInt() < 1 || w.asInt() > 256) {
                throw new BadInputException(shown + ": workers: must be an integer from 1 to 256, got " + w);
            }
            workers = w.asInt();
        }
        List<LinkedHashMap<String, JsonNode>> overrides = overrides(root, shown);
        List<Variant> out = new ArrayList<>();
        int width = Math.max(2, String.valueOf(overrides.size()).length());
        for (int i = 0; i < overrides.size(); i++) {
            Map<String, JsonNode> o = overrides.get(i);
            ObjectNode tree = baseTree.deepCopy();
            String variantName = baseName + "-" + String.format(Locale.ROOT, "%0" + width + "d", i + 1);
            Map<String, String> settings = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : o.entrySet()) {
                set(tree, e.getKey(), e.getValue(), shown);
                settings.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
            }
            tree.put("name", variantName);
            RunConfig c;
            try {
                c = engine.configIn(tree.toString(), shown + " variant " + (i + 1) + " " + settings, variantName,
                        baseDir);
            } catch (BadInputException e) {
                throw new BadInputException(e.getMessage().lines().findFirst().orElse("") + hint(o.keySet()));
            }
            try {
                out.add(new Variant(variantName, settings, mapper.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(c.toJsonMap())));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return new Sweep(sweepName, out, workers, shown);
    }

    private static String hint(java.util.Set<String> keys) {
        return " (sweep keys " + keys + " are config field paths, e.g. training.optimizer.learningRate, "
                + "network.layers[0].units)";
    }

    /** The grid's cartesian product (last key fastest) or the variants list, each a map of key to value. */
    private static List<LinkedHashMap<String, JsonNode>> overrides(JsonNode root, String shown) {
        JsonNode grid = root.get("grid");
        JsonNode list = root.get("variants");
        if ((grid == null) == (list == null)) {
            throw new BadInputException(shown + ": give exactly one of \"grid\" (key → list of values) and "
                    + "\"variants\" (a list of key → value objects)");
        }
        List<LinkedHashMap<String, JsonNode>> out = new ArrayList<>();
        if (grid != null) {
            if (!grid.isObject() || grid.isEmpty()) {
                throw new BadInputException(shown + ": grid: empty; give at least one config field with a list of values");
            }
            out.add(new LinkedHashMap<>());
            for (Map.Entry<String, JsonNode> e : grid.properties()) {
                if (!(e.getValue() instanceof ArrayNode values) || values.isEmpty()) {
                    throw new BadInputException(shown + ": grid: '" + e.getKey() + "' has no values; give a non-empty list");
                }
                List<LinkedHashMap<String, JsonNode>> next = new ArrayList<>();
                for (LinkedHashMap<String, JsonNode> partial : out) {
                    for (JsonNode v : values) {
                        LinkedHashMap<String, JsonNode> m = new LinkedHashMap<>(partial);
                        m.put(e.getKey(), v);
                        next.add(m);
                    }
                }
                out = next;
            }
        } else {
            if (!(list instanceof ArrayNode a) || a.isEmpty()) {
                throw new BadInputException(shown + ": variants: empty; give a non-empty list of key → value objects");
            }
            for (JsonNode v : a) {
                if (!v.isObject()) {
                    throw new BadInputException(shown + ": variants: each entry is an object of config field → value, got "
                            + v);
                }
                LinkedHashMap<String, JsonNode> m = new LinkedHashMap<>();
                v.properties().forEach(e -> m.put(e.getKey(), e.getValue()));
                out.add(m);
            }
        }
        if (out.size() > 10_000) {
            throw new BadInputException(shown + ": " + out.size() + " variants; at most 10000");
        }
        return out;
    }

    /** Sets the field at {@code path} of {@code tree}, making missing objects; the reader checks the result. */
    static void set(ObjectNode tree, String path, JsonNode value, String shown) {
        String[] parts = path.split("\\.", -1);
        ObjectNode at = tree;
        for (int i = 0; i < parts.length; i++) {
            Matcher m = SEGMENT.matcher(parts[i]);
            if (!m.matches()) {
                throw new BadInputException(shown + ": sweep key '" + path + "' is not a config field path"
                        + hint(java.util.Set.of(path)));
            }
            String field = m.group(1);
            boolean last = i == parts.length - 1;
            if (m.group(2) != null) {
                JsonNode arr = at.get(field);
                int idx = Integer.parseInt(m.group(2));
                if (!(arr instanceof ArrayNode a) || idx >= a.size()) {
                    throw new BadInputException(shown + ": sweep key '" + path + "': the base config has no "
                            + field + "[" + idx + "]");
                }
                if (last) {
                    a.set(idx, value);
                    return;
                }
                if (!(a.get(idx) instanceof ObjectNode o)) {
                    throw new BadInputException(shown + ": sweep key '" + path + "': " + field + "[" + idx
                            + "] is not an object");
                }
                at = o;
            } else if (last) {
                at.set(field, value);
            } else {
                JsonNode child = at.get(field);
                if (child == null) {
                    child = at.putObject(field);
                } else if (!(child instanceof ObjectNode)) {
                    throw new BadInputException(shown + ": sweep key '" + path + "': " + field + " is not an object");
                }
                at = (ObjectNode) child;
            }
        }
    }

    private static String stripJson(String fn) {
        return fn.endsWith(".json") ? fn.substring(0, fn.length() - 5) : fn;
    }

    /** The sweep's folder: {@code out}, or runs/&lt;name&gt;-&lt;time&gt;; it must be new or empty. */
    public Path folder(Path out) {
        Path dir = out != null ? out : Path.of("runs", name + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
        if (Files.exists(dir)) {
            try (var s = Files.list(dir)) {
                if (!Files.isDirectory(dir) || s.findAny().isPresent()) {
                    throw new BadInputException((out == null ? dir : "--out " + out) + ": exists and is not an empty "
                            + "folder; choose another");
                }
            } catch (IOException e) {
                throw new BadInputException(dir + ": cannot read (" + e.getMessage() + ")");
            }
        }
        return dir.toAbsolutePath().normalize();
    }

    /** Makes the sweep folder and writes every variant's config to {@code configs/<name>.json}. */
    public void prepare(Path dir) {
        try {
            Files.createDirectories(dir.resolve("configs"));
            for (Variant v : variants) {
                AtomicFiles.write(dir.resolve("configs").resolve(v.name() + ".json"),
                        (v.configJson() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new BadInputException(dir + ": cannot write the sweep's configs (" + e.getMessage() + ")");
        }
    }

    /**
     * Trains one variant into {@code dir/<name>/}, its console lines into {@code dir/logs/<name>.log}: an
     * engine of its own (built-in plugins and the environment's folder), the config file {@link #prepare} wrote,
     * exactly as {@code runner train dir/configs/<name>.json --out dir/<name>} would.
     */
    public static Result runOne(Variant v, Path dir) {
        Path logs = dir.resolve("logs");
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new BadInputException(logs + ": cannot make (" + e.getMessage() + ")");
        }
        long start = System.nanoTime();
        try (PrintStream log = new PrintStream(Files.newOutputStream(logs.resolve(v.name() + ".log")), true,
                StandardCharsets.UTF_8)) {
            Chainrule engine = Chainrule.builder().console(log, log).build();
            RunConfig c = engine.config(dir.resolve("configs").resolve(v.name() + ".json"));
            Trained t = engine.train(c, dir.resolve(v.name()));
            return result(v, t, (System.nanoTime() - start) / 1e9);
        } catch (IOException e) {
            throw new BadInputException(logs + ": cannot write (" + e.getMessage() + ")");
        }
    }

    private static Result result(Variant v, Trained t, double seconds) {
        List<EpochMetrics> es = t.epochs();
        EpochMetrics last = es.get(es.size() - 1);
        boolean regression = last.isRegression();
        double bestAcc = Double.NaN;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (EpochMetrics m : es) {
            bestAcc = regression ? Double.NaN : Double.isNaN(bestAcc) ? m.testAccuracy() : Math.max(bestAcc, m.testAccuracy());
            bestLoss = Math.min(bestLoss, m.testLoss());
        }
        return new Result(v.name(), v.settings(), regression, regression ? Double.NaN : t.testAccuracy(), bestAcc,
                last.testLoss(), bestLoss, es.size(), seconds, t.runFolder().toString());
    }

    /** Every variant on {@code workers} threads of this JVM (each its own engine), results in variant order. */
    public List<Result> runLocal(Path dir, int workers, java.util.function.Consumer<Result> done) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(workers, variants.size())), r -> {
            Thread t = new Thread(r, "sweep-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Result>> fs = new ArrayList<>();
            for (Variant v : variants) {
                fs.add(pool.submit(() -> {
                    Result r = runOne(v, dir);
                    done.accept(r);
                    return r;
                }));
            }
            List<Result> out = new ArrayList<>();
            for (Future<Result> f : fs) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Best first: highest final accuracy (a regression: lowest final loss), then name. */
    public static List<Result> ranked(List<Result> results) {
        List<Result> r = new ArrayList<>(results);
        r.sort(Comparator.comparingDouble((Result x) -> x.regression() ? x.finalLoss() : -x.finalAccuracy())
                .thenComparing(Result::name));
        return r;
    }

    /** Writes {@code summary.csv} and {@code summary.txt} (the table) into the sweep folder; returns the table. */
    public String writeSummary(Path dir, List<Result> results, double wallSeconds) {
        List<Result> r = ranked(results);
        List<String> keys = new ArrayList<>();
        for (Result x : r) {
            for (String k : x.settings().keySet()) {
                if (!keys.contains(k)) {
                    keys.add(k);
                }
            }
        }
        StringBuilder csv = new StringBuilder("rank,name");
        for (String k : keys) {
            csv.append(',').append(csvField(k));
        }
        csv.append(",finalAccuracy,bestAccuracy,finalLoss,bestLoss,epochs,seconds,runFolder\n");
        List<String[]> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("rank", "name"));
        head.addAll(keys);
        head.addAll(List.of("final acc", "best acc", "final loss", "best loss", "epochs", "seconds"));
        rows.add(head.toArray(String[]::new));
        for (int i = 0; i < r.size(); i++) {
            Result x = r.get(i);
            csv.append(i + 1).append(',').append(csvField(x.name()));
            List<String> row = new ArrayList<>(List.of(String.valueOf(i + 1), x.name()));
            for (String k : keys) {
                String v = x.settings().getOrDefault(k, "");
                csv.append(',').append(csvField(v));
                row.add(v);
            }
            csv.append(String.format(Locale.ROOT, ",%s,%s,%s,%s,%d,%.2f,%s%n", num(x.finalAccuracy()),
                    num(x.bestAccuracy()), num(x.finalLoss()), num(x.bestLoss()), x.epochs(), x.seconds(),
                    csvField(x.runFolder())));
            row.addAll(List.of(pct(x.finalAccuracy()), pct(x.bestAccuracy()), String.format(Locale.ROOT, "%.4f",
                    x.finalLoss()), String.format(Locale.ROOT, "%.4f", x.bestLoss()), String.valueOf(x.epochs()),
                    String.format(Locale.ROOT, "%.1f", x.seconds())));
            rows.add(row.toArray(String[]::new));
        }
        int[] w = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int j = 0; j < row.length; j++) {
                w[j] = Math.max(w[j], row[j].length());
            }
        }
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "sweep %s: %d variants in %.1f s, best first%n", name, r.size(),
                wallSeconds));
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int j = 0; j < row.length; j++) {
                line.append(j == 0 ? "" : "  ").append(String.format(Locale.ROOT, "%-" + w[j] + "s", row[j]));
            }
            table.append(line.toString().stripTrailing()).append('\n');
        }
        try {
            AtomicFiles.write(dir.resolve("summary.csv"), (csv.toString()).getBytes(StandardCharsets.UTF_8));
            AtomicFiles.write(dir.resolve("summary.txt"), (table.toString()).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BadInputException(dir + ": cannot write the summary (" + e.getMessage() + ")");
        }
        return table.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.valueOf(v);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    @Override
    public String toString() {
        return source;
    }
}
