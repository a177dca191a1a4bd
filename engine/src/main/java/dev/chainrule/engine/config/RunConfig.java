package dev.chainrule.engine.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A config with every default filled in (docs/config.md lists them). {@link #source()} is where
 * it was read from, for messages; it is not part of the JSON.
 *
 * @param input the network's input width, or 0 until the data's feature count fills it in
 * @param plugins the plugins folder the config named (absolute), or null; kept so a saved config says where
 *     its types came from (a run's record: loaded only with --trust-run-plugins, see PluginSettings)
 */
public record RunConfig(String source, String name, long seed, Data data, int input, List<ComponentSpec> layers,
        ComponentSpec loss, Training training, String plugins) {

    public RunConfig(String source, String name, long seed, Data data, int input, List<ComponentSpec> layers,
            ComponentSpec loss, Training training) {
        this(source, name, seed, data, input, layers, loss, training, null);
    }

    /**
     * Where a run's samples come from: a named data set ({@code mnist}), a folder with the four IDX files, or a
     * data-source plugin's typed entry (docs/data.md).
     *
     * @param type      a data-source type ({@code csv}, {@code image-folder}, {@code npy}, a plugin's), or null
     *                  for the two built-in IDX forms
     * @param options   the entry's options for the data source, as written (relative paths resolve against
     *                  {@code base})
     * @param base      the folder relative paths resolve against: the config file's folder (absolute)
     * @param testSplit the fraction of the rows held out as test data when the source has no test data (0:
     *                  the source must have it)
     * @param scale     {@code none}, {@code standardize} or {@code minmax}: fitted on the training split only
     * @param seed      the config's seed, which the test split uses
     * @param fitted    what the engine learned from the training data (class names, scaling), recorded with
     *                  the model so evaluate, predict and serve prepare inputs the same way; null until loaded
     */
    public record Data(String dataset, String dir, String type, Map<String, Object> options, String base,
            double testSplit, String scale, long seed, Fitted fitted) {
        public static final List<String> SCALES = List.of("none", "standardize", "minmax");

        public Data(String dataset, String dir) {
            this(dataset, dir, null, Map.of(), null, 0, "none", 0, null);
        }

        public Data {
            options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
        }

        /** A data-source plugin's entry (not one of the two IDX forms). */
        public boolean typed() {
            return type != null;
        }

        public Data withFitted(Fitted f) {
            return new Data(dataset, dir, type, options, base, testSplit, scale, seed, f);
        }

        public Data withSeed(long s) {
            return new Data(dataset, dir, type, options, base, testSplit, scale, s, fitted);
        }

        /** The entry as a config file has it. */
        public Map<String, Object> toJsonMap() {
            Map<String, Object> d = new LinkedHashMap<>();
            if (dataset != null) {
                d.put("dataset", dataset);
            }
            if (dir != null) {
                d.put("dir", dir);
            }
            if (type != null) {
                d.put("type", type);
                d.putAll(options);
                if (testSplit > 0) {
                    d.put("testSplit", testSplit);
                }
                d.put("scaling", scale);
                d.put("base", base);
            }
            if (fitted != null) {
                d.put("fitted", fitted.toJsonMap());
            }
            return d;
        }
    }

    /**
     * What the engine learned from the training data and records with the model: the class names (a
     * classifier) or target names (a regressor), the feature names, and the scaling {@code x' = (x − offset) /
     * divisor} per feature (empty arrays: none); for a regressor under {@code standardize} also the targets'
     * {@code y' = (y − targetOffset) / targetDivisor}, which the network learns and predictions undo.
     */
    public record Fitted(List<String> classes, List<String> targets, List<String> features, String scale,
            double[] offset, double[] divisor, double[] targetOffset, double[] targetDivisor) {
        public Fitted(List<String> classes, List<String> targets, List<String> features, String scale,
                double[] offset, double[] divisor) {
            this(classes, targets, features, scale, offset, divisor, null, null);
        }

        public Fitted {
            targetOffset = targetOffset == null ? new double[0] : targetOffset.clone();
            targetDivisor = targetDivisor == null ? new double[0] : targetDivisor.clone();
            classes = classes == null ? null : List.copyOf(classes);
            targets = targets == null ? null : List.copyOf(targets);
            features = features == null ? List.of() : List.copyOf(features);
            offset = offset == null ? new double[0] : offset.clone();
            divisor = divisor == null ? new double[0] : divisor.clone();
        }

        public boolean regression() {
            return targets != null;
        }

        /** A prediction of target {@code t} back in the target's own units. */
        public double unscaleTarget(int t, double v) {
            return targetOffset.length == 0 ? v : v * targetDivisor[t] + targetOffset[t];
        }

        public Map<String, Object> toJsonMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (classes != null) {
                m.put("classes", classes);
            }
            if (targets != null) {
                m.put("targets", targets);
            }
            m.put("features", features);
            m.put("scale", scale);
            if (offset.length > 0) {
                m.put("offset", offset);
                m.put("divisor", divisor);
            }
            if (targetOffset.length > 0) {
                m.put("targetOffset", targetOffset);
                m.put("targetDivisor", targetDivisor);
            }
            return m;
        }
    }

    /**
     * {@code training.optimizer}: a registered optimizer type and its options (every default written out by
     * {@link ConfigReader}, so {@code learningRate} is always there).
     */
    public record Optimizer(String type, Map<String, Object> options) {
        public Optimizer {
            options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
        }

        public double learningRate() {
            return ((Number) options.get("learningRate")).doubleValue();
        }

        public Optimizer withLearningRate(double lr) {
            Map<String, Object> o = new LinkedHashMap<>(options);
            o.put("learningRate", lr);
            return new Optimizer(type, o);
        }

        public ComponentSpec asSpec() {
            return new ComponentSpec(type, options);
        }
    }

    /**
     * The learning rate of epoch e (1-based) of E: {@code constant} α; {@code step} α·γ^⌊(e−1)/stepEpochs⌋;
     * {@code exponential} α·γ^(e−1); {@code cosine} α_min + (α − α_min)·(1 + cos(π(e−1)/E))/2.
     */
    public record Schedule(String type, int stepEpochs, double gamma, double minLearningRate) {
        public static final Schedule CONSTANT = new Schedule("constant", 1, 1.0, 0.0);

        public double rate(double lr0, int epoch, int epochs) {
            return switch (type) {
                case "step" -> lr0 * Math.pow(gamma, (epoch - 1) / stepEpochs);
                case "exponential" -> lr0 * Math.pow(gamma, epoch - 1);
                case "cosine" -> minLearningRate
                        + (lr0 - minLearningRate) * (1 + Math.cos(Math.PI * (epoch - 1) / epochs)) / 2;
                default -> lr0;
            };
        }

        Map<String, Object> toJsonMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", type);
            switch (type) {
                case "step" -> {
                    m.put("stepEpochs", stepEpochs);
                    m.put("gamma", gamma);
                }
                case "exponential" -> m.put("gamma", gamma);
                case "cosine" -> m.put("minLearningRate", minLearningRate);
                default -> { }
            }
            return m;
        }
    }

    /**
     * Early stopping: a seeded share {@code validationFraction} of the training set is held out; after each
     * epoch its mean loss is measured, and training stops once it has not improved by more than
     * {@code minDelta} for {@code patience} epochs; the weights of the best epoch are restored.
     */
    public record EarlyStopping(int patience, double validationFraction, double minDelta) {
        Map<String, Object> toJsonMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("patience", patience);
            m.put("validationFraction", validationFraction);
            m.put("minDelta", minDelta);
            return m;
        }
    }

    /**
     * @param schedule        the learning-rate schedule ({@link Schedule#CONSTANT} by default)
     * @param earlyStopping   null when training runs all epochs
     * @param checkpointEvery also checkpoint every this many samples within an epoch (0: at epoch ends only)
     */
    public record Training(Optimizer optimizer, int batchSize, int epochs, boolean shuffle, int evalBatchSize,
            Schedule schedule, EarlyStopping earlyStopping, int checkpointEvery, int shards) {

        public Training(Optimizer optimizer, int batchSize, int epochs, boolean shuffle, int evalBatchSize) {
            this(optimizer, batchSize, epochs, shuffle, evalBatchSize, Schedule.CONSTANT, null, 0);
        }

        /** One shard: the one-machine trainer. */
        public Training(Optimizer optimizer, int batchSize, int epochs, boolean shuffle, int evalBatchSize,
                Schedule schedule, EarlyStopping earlyStopping, int checkpointEvery) {
            this(optimizer, batchSize, epochs, shuffle, evalBatchSize, schedule, earlyStopping, checkpointEvery, 1);
        }

        public Training withOptimizer(Optimizer o) {
            return new Training(o, batchSize, epochs, shuffle, evalBatchSize, schedule, earlyStopping, checkpointEvery,
                    shards);
        }

        public Training withBatchSize(int b) {
            return new Training(optimizer, b, epochs, shuffle, evalBatchSize, schedule, earlyStopping, checkpointEvery,
                    shards);
        }

        public Training withEpochs(int e) {
            return new Training(optimizer, batchSize, e, shuffle, evalBatchSize, schedule, earlyStopping, checkpointEvery,
                    shards);
        }

        /** {@code training.shards}: each batch split into this many contiguous shards (docs/spark.md). */
        public Training withShards(int k) {
            return new Training(optimizer, batchSize, epochs, shuffle, evalBatchSize, schedule, earlyStopping,
                    checkpointEvery, k);
        }
    }

    public RunConfig {
        layers = List.copyOf(layers);
        if (data != null && data.seed() != seed) {
            // the test split of a data source is drawn from the config's seed
            data = data.withSeed(seed);
        }
    }

    public RunConfig withInput(int n) {
        return new RunConfig(source, name, seed, data, n, layers, loss, training, plugins);
    }

    /** network.input defaults to the data's features; a given one must match them. */
    public RunConfig resolveInput(int features) {
        if (input == 0) {
            return withInput(features);
        }
        if (input != features) {
            throw new ConfigException(source, "network.input", input + " but the data has " + features
                    + " features per sample; remove network.input or make them equal");
        }
        return this;
    }

    /** The type ids the run uses (its stages', then its loss'), as plugins.json records them. */
    public List<String> types() {
        List<String> used = new java.util.ArrayList<>();
        for (ComponentSpec c : layers) {
            used.add(c.type());
        }
        used.add(loss.type());
        return used;
    }

    public RunConfig withData(Data d) {
        return new RunConfig(source, name, seed, d, input, layers, loss, training, plugins);
    }

    /** The data from a folder of IDX files ({@code --data DIR}), kept as an absolute path. */
    public RunConfig withDataDir(java.nio.file.Path dir) {
        return withData(new Data(null, dir.toAbsolutePath().normalize().toString()));
    }

    public RunConfig withName(String n) {
        return new RunConfig(source, n, seed, data, input, layers, loss, training, plugins);
    }

    public RunConfig withSeed(long s) {
        return new RunConfig(source, name, s, data, input, layers, loss, training, plugins);
    }

    public RunConfig withLayers(List<ComponentSpec> l) {
        return new RunConfig(source, name, seed, data, input, l, loss, training, plugins);
    }

    public RunConfig withLoss(ComponentSpec l) {
        return new RunConfig(source, name, seed, data, input, layers, l, training, plugins);
    }

    public RunConfig withTraining(Training t) {
        return new RunConfig(source, name, seed, data, input, layers, loss, t, plugins);
    }

    /** The resolved config as a JSON-shaped map, in the same layout a config file has. */
    public Map<String, Object> toJsonMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("seed", seed);
        if (plugins != null) {
            m.put("plugins", plugins);
        }
        m.put("data", data.toJsonMap());
        m.put("network", networkJson());
        m.put("loss", loss.toJsonMap());
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("optimizer", training.optimizer().asSpec().toJsonMap());
        t.put("batchSize", training.batchSize());
        t.put("epochs", training.epochs());
        t.put("shuffle", training.shuffle());
        t.put("evalBatchSize", training.evalBatchSize());
        t.put("schedule", training.schedule().toJsonMap());
        if (training.earlyStopping() != null) {
            t.put("earlyStopping", training.earlyStopping().toJsonMap());
        }
        t.put("checkpointEvery", training.checkpointEvery());
        if (training.shards() != 1) {
            // written only when set, so a one-shard run's config.json is what it was before shards existed
            t.put("shards", training.shards());
        }
        m.put("training", t);
        return m;
    }

    /** {@code {"input": n, "layers": [...]}}. */
    public Map<String, Object> networkJson() {
        Map<String, Object> n = new LinkedHashMap<>();
        if (input > 0) {
            n.put("input", input);
        }
        List<Object> ls = new ArrayList<>();
        for (ComponentSpec c : layers) {
            ls.add(c.toJsonMap());
        }
        n.put("layers", ls);
        return n;
    }
}
