package dev.chainrule.runner.explain;

import dev.chainrule.engine.explain.Explainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.engine.network.Network;
import dev.chainrule.api.Tensor;
import dev.chainrule.runner.Cli;
import dev.chainrule.engine.train.InMemorySamples;
import dev.chainrule.engine.config.ConfigReader;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.registry.ProviderRegistry;
import dev.chainrule.engine.train.DataSource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainTest {
    @TempDir
    Path tmp;

    static com.google.inject.Module blobData() {
        DataSource ds = org.mockito.Mockito.mock(DataSource.class);
        org.mockito.Mockito.when(ds.load(org.mockito.ArgumentMatchers.any())).thenReturn(InMemorySamples.blobSplit());
        return b -> b.bind(DataSource.class).toInstance(ds);
    }

    @Test
    void printsTheChainFromTheLossDownWithJacobiansGradientsAndTheStep() throws Exception {
        Path cfg = tmp.resolve("e.json");
        Files.writeString(cfg, """
                {"name": "e", "seed": 2, "network": {"layers": [{"type": "dense", "units": 5}, {"type": "sigmoid"},
                  {"type": "dense", "units": 3}, {"type": "softmax"}]}, "training": {"optimizer": {"learningRate": 0.5}}}""");
        Cli.Result r = Cli.run(blobData(), "explain", cfg.toString(), "--sample", "4");
        assertEquals(0, r.code(), r.err());
        String o = r.out();
        assertTrue(o.startsWith("e: one step of optimizer sgd"), o);
        assertTrue(o.lines().findFirst().orElseThrow().contains("on training sample 4 (label 1)"), o);
        // the chain, in order: forward through each stage, the fused loss, then backward from the last stage
        String[] chain = {"FORWARD", "[0] dense 1×2×2→5", "[1] sigmoid 5→5", "[2] dense 5→3",
            "[3] softmax is fused with the loss cross-entropy", "BACKWARD", "D ℓ: 1×3, structure (SM(ẑ) − e_y)ᵀ",
            "[2] dense 5→3", "D_W f: 3×15, structure I_3 ⊗ xᵀ", "∂ℓ/∂W = g·D_W f (3×5)", "D_x f: 3×5, structure W",
            "g ← g·D_x f = (5)", "[1] sigmoid", "D_x f: 5×5, structure diag(σ(ẑ)∘(1−σ(ẑ)))", "[0] dense 4→5, evaluated",
            "∂ℓ/∂b = g·D_b f (5)", "CHECK", "STEP  θ ← θ − α·∇θ by optimizer sgd"};
        int at = 0;
        for (String s : chain) {
            int i = o.indexOf(s, at);
            assertTrue(i >= 0, "'" + s + "' after position " + at + " in\n" + o);
            at = i + s.length();
        }
        Matcher m = Pattern.compile("max \\|difference\\| = ([0-9.e+-]+)").matcher(o);
        assertTrue(m.find());
        assertTrue(Double.parseDouble(m.group(1)) < 1e-12, "the Jacobian chain equals backward()");
        Matcher step = Pattern.compile("loss on this sample ([0-9.e+-]+) → ([0-9.e+-]+)").matcher(o);
        assertTrue(step.find());
        assertTrue(Double.parseDouble(step.group(2)) < Double.parseDouble(step.group(1)), "the step lowers the loss");
    }

    /** The step is the config's optimizer (here Adam, with its state), not a plain SGD step; the text names it. */
    @Test
    void theStepIsTakenByTheConfigsOwnOptimizer() {
        ConfigReader reader = new ConfigReader(ProviderRegistry.builtIn());
        NetworkFactory factory = new NetworkFactory(ProviderRegistry.builtIn());
        RunConfig c = reader.parse("""
                {"name": "a", "seed": 5, "network": {"layers": [{"type": "dense", "units": 5}, {"type": "sigmoid"},
                  {"type": "dense", "units": 3}, {"type": "softmax"}]},
                 "training": {"optimizer": {"type": "adam", "learningRate": 0.01}}}""", "a.json", "a", tmp).withInput(4);
        Network explained = factory.build(c, 3);
        Network twin = factory.build(c, 3);
        Tensor x = new Tensor(1, 4);
        System.arraycopy(new double[] {0.3, -1.2, 0.8, 0.05}, 0, x.data(), 0, 4);
        StringWriter text = new StringWriter();
        Explainer.explain(new PrintWriter(text), c, explained, factory.optimizer(c), x, 2, 0);
        twin.zeroGrad();
        twin.forward(x, new int[] {2});
        twin.backward();
        factory.optimizer(c).step(twin.parameters(), 1);
        for (int k = 0; k < twin.parameters().size(); k++) {
            assertArrayEquals(twin.parameters().get(k).value(), explained.parameters().get(k).value(),
                    "parameter " + k + " after one Adam step");
        }
        String o = text.toString();
        assertTrue(o.startsWith("a: one step of optimizer adam (learningRate 0.01"), o);
        assertTrue(o.contains("STEP  θ ← θ − α·u(∇θ, state) by optimizer adam"), o);
    }

    @Test
    void aSampleOutOfRangeIsOneLine() throws Exception {
        Path cfg = tmp.resolve("e.json");
        Files.writeString(cfg, "{\"network\": {\"layers\": [{\"type\": \"dense\", \"units\": 3}, {\"type\": \"softmax\"}]}}");
        Cli.Result r = Cli.run(blobData(), "explain", cfg.toString(), "--sample", "500");
        assertEquals(2, r.code());
        assertEquals("--sample: must be an index from 0 to 119, got 500", r.errLine());
    }
}
