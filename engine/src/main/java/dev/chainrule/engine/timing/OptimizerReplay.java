package dev.chainrule.engine.timing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.engine.network.Network;
import dev.chainrule.api.Optimizer;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Tensor;
import dev.chainrule.engine.config.ConfigReader;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.registry.ProviderRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Trains a network from given weights on given batches and prints the weights after each step, for
 * bench/optimizers_torch.py, which does the same in PyTorch float64 and compares. Input (a file, JSON):
 * {@code {"config": {a run config: network, loss, training.optimizer}, "classes": k, "weights": [each
 * parameter row-major], "batches": [{"x": [[...], ...], "y": [...]}, ...]}}. Output (stdout, JSON):
 * {@code {"steps": [[each parameter row-major after step 1], ...]}}.
 *
 * <p>Run: {@code java -cp runner/target/runner.jar dev.chainrule.engine.timing.OptimizerReplay in.json}.
 */
public final class OptimizerReplay {
    private OptimizerReplay() {
    }

    public static void main(String[] args) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode in = mapper.readTree(Files.readAllBytes(Path.of(args[0])));
        System.out.println(mapper.writeValueAsString(replay(in, mapper)));
    }

    static ObjectNode replay(JsonNode in, ObjectMapper mapper) {
        ProviderRegistry registry = ProviderRegistry.builtIn();
        RunConfig config = new ConfigReader(registry).resolve(in.get("config"), "replay", "replay", null);
        NetworkFactory factory = new NetworkFactory(registry);
        Network network = factory.build(config, in.get("classes").asInt());
        List<Parameter> params = network.parameters();
        JsonNode weights = in.get("weights");
        if (weights.size() != params.size()) {
            throw new IllegalArgumentException("weights: " + weights.size() + " arrays for " + params.size() + " parameters");
        }
        for (int i = 0; i < params.size(); i++) {
            params.get(i).setFromRowMajor(doubles(weights.get(i)));
        }
        Optimizer optimizer = factory.optimizer(config);
        ObjectNode out = mapper.createObjectNode();
        ArrayNode steps = out.putArray("steps");
        long step = 0;
        for (JsonNode batch : in.get("batches")) {
            JsonNode xs = batch.get("x");
            Tensor x = new Tensor(xs.size(), xs.get(0).size());
            int[] y = new int[xs.size()];
            for (int r = 0; r < xs.size(); r++) {
                for (int c = 0; c < x.cols(); c++) {
                    x.set(r, c, xs.get(r).get(c).asDouble());
                }
                y[r] = batch.get("y").get(r).asInt();
            }
            network.trainStep(x, y, optimizer, ForwardContext.training(config.seed(), step++));
            ArrayNode now = steps.addArray();
            for (Parameter p : params) {
                ArrayNode a = now.addArray();
                for (double v : p.toRowMajor()) {
                    a.add(v);
                }
            }
        }
        return out;
    }

    private static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }
}
