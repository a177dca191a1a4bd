package dev.chainrule.runner.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A config with every default filled in (docs/runner-reference.md lists them). {@link #source()} is where
 * it was read from, for messages; it is not part of the JSON.
 *
 * @param input the network's input width, or 0 until the data's feature count fills it in
 */
public record RunConfig(String source, String name, long seed, Data data, int input, List<ComponentSpec> layers,
        ComponentSpec loss, Training training) {

    /** Either a named data set ({@code mnist}) or a folder with the four IDX files. */
    public record Data(String dataset, String dir) {
    }

    public record Optimizer(String type, double learningRate, double momentum) {
    }

    public record Training(Optimizer optimizer, int batchSize, int epochs, boolean shuffle, int evalBatchSize) {
    }

    public RunConfig {
        layers = List.copyOf(layers);
    }

    public RunConfig withInput(int n) {
        return new RunConfig(source, name, seed, data, n, layers, loss, training);
    }

    public RunConfig withData(Data d) {
        return new RunConfig(source, name, seed, d, input, layers, loss, training);
    }

    public RunConfig withName(String n) {
        return new RunConfig(source, n, seed, data, input, layers, loss, training);
    }

    public RunConfig withSeed(long s) {
        return new RunConfig(source, name, s, data, input, layers, loss, training);
    }

    public RunConfig withLayers(List<ComponentSpec> l) {
        return new RunConfig(source, name, seed, data, input, l, loss, training);
    }

    public RunConfig withLoss(ComponentSpec l) {
        return new RunConfig(source, name, seed, data, input, layers, l, training);
    }

    public RunConfig withTraining(Training t) {
        return new RunConfig(source, name, seed, data, input, layers, loss, t);
    }

    /** The resolved config as a JSON-shaped map, in the same layout a config file has. */
    public Map<String, Object> toJsonMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("seed", seed);
        Map<String, Object> d = new LinkedHashMap<>();
        if (data.dataset() != null) {
            d.put("dataset", data.dataset());
        }
        if (data.dir() != null) {
            d.put("dir", data.dir());
        }
        m.put("data", d);
        m.put("network", networkJson());
        m.put("loss", loss.toJsonMap());
        Map<String, Object> t = new LinkedHashMap<>();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", training.optimizer().type());
        o.put("learningRate", training.optimizer().learningRate());
        o.put("momentum", training.optimizer().momentum());
        t.put("optimizer", o);
        t.put("batchSize", training.batchSize());
        t.put("epochs", training.epochs());
        t.put("shuffle", training.shuffle());
        t.put("evalBatchSize", training.evalBatchSize());
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
