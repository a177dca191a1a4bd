package dev.chainrule.runner.plugins;

import dev.chainrule.engine.plugins.MnistSubset;
import dev.chainrule.engine.plugins.PluginJarBuilder;
import dev.chainrule.engine.plugins.TestPlugins;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.ActivationProvider;
import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.Options;
import dev.chainrule.api.Stage;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.TransformProvider;
import dev.chainrule.layers.ReluProvider;
import dev.chainrule.runner.Cli;
import dev.chainrule.testkit.CheckResult;
import dev.chainrule.testkit.ContractChecks;
import dev.chainrule.testkit.JacobianChecker;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's "Why" list, one test (or two) per weakness of api 1.0, each of which would have failed there.
 * The method names start with the bullet's number; each comment quotes the bullet.
 */
class WhyListTest {
    static final Path ROOT = PluginJarBuilder.EXAMPLE.getParent().getParent();

    @TempDir
    static Path shared;
    static Path data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void mnist() throws IOException {
        data = MnistSubset.write(shared.resolve("mnist-300"), 300, 100);
    }

    Path jar(String name, PluginJarBuilder b) throws IOException {
        Files.createDirectories(tmp.resolve("build"));
        return b.build(tmp.resolve("build").resolve(name));
    }

    Path plugins(Path... jars) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        for (Path j : jars) {
            Files.copy(j, dir.resolve(j.getFileName()));
        }
        return dir;
    }

    Path config(String name, String layers, String training) throws IOException {
        Path c = tmp.resolve(name + ".json");
        Files.writeString(c, """
                {"name": "%s", "seed": 11, "data": {"dir": "%s"}, "network": {"layers": [%s]},
                 "training": {"optimizer": {"learningRate": 0.3}, "batchSize": 10, "epochs": 1%s}}
                """.formatted(name, data.toString().replace("\\", "\\\\"), layers, training));
        return c;
    }

    static Path affine(Path dir, String name, boolean gradBias, boolean stepBias) throws IOException {
        Files.createDirectories(dir);
        return new PluginJarBuilder().source("t.affine.P", TestPlugins.affine("t.affine", "affine", gradBias, stepBias))
                .service(dev.chainrule.api.LayerProvider.class, "t.affine.P").build(dir.resolve(name));
    }

    // 1. "No shapes. BuildContext passes a flat width only ... a max-pool read an 8×28×28 input as 1×6272 and
    //    trained on." Now the data's 1×28×28 reaches the pool, and a pool after a flat stage is refused before
    //    training with one line naming the entry and both shapes.
    @Test
    void w1_aPoolAfterAFlatStageIsRefusedBeforeTrainingNamingTheEntryAndBothShapes() throws IOException {
        Path dir = plugins(ExamplesTest.jar("plugin-avgpool", shared));
        Cli.Result r = Cli.run(null, "--plugins", dir.toString(), "train",
                config("flat", "{\"type\": \"dense\", \"units\": 32}, {\"type\": \"avgpool-2x2\"}", "").toString(),
                "--out", tmp.resolve("run").toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.errLine().contains("network.layers[1]") && r.errLine().contains("avgpool-2x2 takes C×H×W")
                && r.errLine().contains("layers[0] (dense) gives 32"), r.errLine());
        assertFalse(Files.exists(tmp.resolve("run").resolve("model.json")));
    }

    // 2. "No kind fits a parameter-free stage that changes size ... explain prints an empty 'parameters'; an
    //    Activation with another outputSize() passes verify-plugin but fails ActivationContract."
    @Test
    void w2a_explainShowsATransformWithItsShapesAndParametersNone() throws IOException {
        Path dir = plugins(ExamplesTest.jar("plugin-avgpool", shared));
        Cli.Result r = Cli.run(null, "--plugins", dir.toString(), "explain", config("ex",
                "{\"type\": \"avgpool-2x2\"}, {\"type\": \"dense\", \"units\": 10}, {\"type\": \"softmax\"}", "").toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("[0] avgpool-2x2 1×28×28→1×14×14 (transform), parameters: none"), r.out());
    }

    @Test
    void w2b_anActivationThatChangesSizeFailsVerifyPluginWithTheContractsOwnMessage() throws Exception {
        Path jar = jar("grow.jar", new PluginJarBuilder().source("t.grow.P", TestPlugins.growingActivation("t.grow", "grow"))
                .service(ActivationProvider.class, "t.grow.P"));
        Cli.Result r = Cli.run(null, "verify-plugin", jar.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        // what ActivationContract.mapsRnToRn asserts, on the same provider
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
            ActivationProvider p = ServiceLoader.load(ActivationProvider.class, loader).stream()
                    .map(ServiceLoader.Provider::get).filter(q -> q.type().equals("grow")).findFirst().orElseThrow();
            CheckResult contract = ContractChecks.kindShapes(ComponentProvider.Kind.ACTIVATION,
                    (n, seed) -> p.create(new BuildContext(n, Options.empty(), seed)), new int[] {1}).get(0);
            assertFalse(contract.passed());
            assertTrue(contract.what().contains("an activation maps R^n to R^n, but outputSize() is 2"), contract.what());
            assertTrue(r.out().contains("FAIL grow (activation, ") && r.out().contains(contract.what()), r.out());
        }
    }

    // 3. "Parameter is at most 2-D ... a conv kernel loses its 4-D shape in model.json." A layer whose
    //    parameters are shaped like the 1×28×28 input keeps that rank-3 shape in model.json.
    @Test
    void w3_aParameterOfRankThreeKeepsItsShapeInModelJson() throws IOException {
        Path dir = plugins(affine(tmp.resolve("build"), "affine.jar", true, true));
        Cli.Result r = Cli.run(null, "--plugins", dir.toString(), "train", config("rank3",
                "{\"type\": \"affine\"}, {\"type\": \"dense\", \"units\": 10}, {\"type\": \"softmax\"}", "").toString(),
                "--out", tmp.resolve("run").toString());
        assertEquals(0, r.code(), r.out() + r.err());
        String model = Files.readString(tmp.resolve("run").resolve("model.json")).replaceAll("\\s+", "");
        assertTrue(model.contains("\"name\":\"w\",\"shape\":[1,28,28]") || model.matches("(?s).*\"w\".*\\[1,28,28].*"), model);
    }

    // 4. "No training/inference mode and no random source ... masks were not reproduced by train --resume."
    @Test
    void w4a_resumingARunWithANoiseStageIsBitwiseTheUninterruptedRun() throws IOException {
        Path dir = plugins(ExamplesTest.jar("plugin-noise", shared));
        String layers = "{\"type\": \"gaussian-noise\", \"sigma\": 0.3}, {\"type\": \"dense\", \"units\": 16}, "
                + "{\"type\": \"sigmoid\"}, {\"type\": \"dense\", \"units\": 10}, {\"type\": \"softmax\"}";
        Path whole = tmp.resolve("whole");
        Cli.Result a = Cli.run(null, "--plugins", dir.toString(), "train", config("noise", layers, "").toString(),
                "--epochs", "2", "--out", whole.toString());
        assertEquals(0, a.code(), a.out() + a.err());
        // the same run stopped after its first epoch, then told it has two and resumed from its checkpoint
        Path cut = tmp.resolve("cut");
        Cli.Result b = Cli.run(null, "--plugins", dir.toString(), "train", config("noise", layers, "").toString(),
                "--epochs", "1", "--out", cut.toString());
        assertEquals(0, b.code(), b.out() + b.err());
        Path cfg = cut.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replaceFirst("\"epochs\"\\s*:\\s*1", "\"epochs\" : 2"));
        Cli.Result c = Cli.run(null, "--plugins", dir.toString(), "train", "--resume", cut.toString());
        assertEquals(0, c.code(), c.out() + c.err());
        assertArrayEquals(Files.readAllBytes(whole.resolve("weights.bin")), Files.readAllBytes(cut.resolve("weights.bin")),
                "the noise of epoch 2 is drawn from (seed, stage, step, row): the same after a resume");
    }

    @Test
    void w4b_aStageThatDrawsInInferenceFailsVerifyPlugin() throws IOException {
        Path jar = jar("noisy.jar", new PluginJarBuilder().source("t.noisy.P", TestPlugins.noisyInInference("t.noisy", "noisy"))
                .service(TransformProvider.class, "t.noisy.P"));
        Cli.Result r = Cli.run(null, "verify-plugin", jar.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("FAIL noisy (transform, ") && r.out().contains("draws randomness in inference"), r.out());
    }

    // 5. "Per-row contract only ... batch normalization cannot pass verify-plugin or gradcheck ... no place for
    //    non-trained state." batch-center passes on the whole batch, and its running mean is saved and used.
    @Test
    void w5_aBatchCoupledStagePassesVerifyPluginOnTheWholeBatchAndKeepsItsBuffer() throws IOException {
        Path jar = ExamplesTest.jar("plugin-batch-center", shared);
        Cli.Result v = Cli.run(null, "verify-plugin", jar.toString());
        assertEquals(0, v.code(), v.out() + v.err());
        assertTrue(v.out().contains("PASS batch-center (transform, ") && v.out().contains("per-row checks"), v.out());
        Path dir = plugins(jar);
        Cli.Result g = Cli.run(null, "--plugins", dir.toString(), "gradcheck", config("bc",
                "{\"type\": \"dense\", \"units\": 8}, {\"type\": \"batch-center\"}, {\"type\": \"dense\", \"units\": 10},"
                        + " {\"type\": \"softmax\"}", "").toString(), "--columns", "10");
        assertEquals(0, g.code(), g.out() + g.err());
        assertTrue(g.out().contains("PASS layers[1] batch-center"), g.out());
    }

    // 6. "Layer.backwardAndStep builds plain SGD into every layer ... A layer whose fused step forgot the bias
    //    update passed verify-plugin and gradcheck and trained, without a word, to a worse model."
    @Test
    void w6_aFusedStepThatForgetsTheBiasFailsVerifyPluginNamingTheParameter() throws IOException {
        Cli.Result bad = Cli.run(null, "verify-plugin", affine(tmp.resolve("b"), "affine.jar", true, false).toString());
        assertEquals(1, bad.code(), bad.out() + bad.err());
        assertTrue(bad.out().contains("FAIL affine (layer, ") && bad.out().contains("step of parameter b"), bad.out());
        Cli.Result good = Cli.run(null, "verify-plugin", affine(tmp.resolve("g"), "affine.jar", true, true).toString());
        assertEquals(0, good.code(), good.out() + good.err());
    }

    // issue 25: plain-SGD training takes the fused step, so gradcheck checks it too and names it in the line
    @Test
    void w6b_gradcheckChecksTheFusedStepPlainSgdTrainsThrough() throws IOException {
        String layers = "{\"type\": \"affine\"}, {\"type\": \"dense\", \"units\": 10}, {\"type\": \"softmax\"}";
        Path forgets = plugins(affine(tmp.resolve("b"), "affine.jar", true, false));
        Cli.Result r = Cli.run(null, "--plugins", forgets.toString(), "gradcheck", config("gc", layers, "").toString(),
                "--columns", "10", "--samples", "2");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(Pattern.compile("(?m)^FAIL layers\\[0] affine .*fused SGD step \\(InPlaceUpdate.backwardAndUpdate\\)")
                .matcher(r.out()).find(), r.out());
        assertTrue(r.out().contains("layers[0] affine fused SGD step (InPlaceUpdate.backwardAndUpdate): step of parameter b"),
                r.out());
        // the type is named once: "layers[0] affine D_w", never "layers[0] affine affine D_w"
        assertFalse(r.out().contains("affine affine"), r.out());
        // the dense layer's fused step is right
        assertTrue(Pattern.compile("(?m)^PASS layers\\[1] dense .*fused SGD step \\(InPlaceUpdate.backwardAndUpdate\\) ")
                .matcher(r.out()).find(), r.out());
        // an optimizer with state never takes the fused step: not checked, not named
        Cli.Result adam = Cli.run(null, "--plugins", forgets.toString(), "gradcheck", adamConfig(layers).toString(), "--columns", "10", "--samples", "2");
        assertEquals(0, adam.code(), adam.out() + adam.err());
        assertFalse(adam.out().contains("InPlaceUpdate"), adam.out());

        // the input gradient taken after the layer stepped its own w
        String late = TestPlugins.affine("t.affine", "affine", true, true);
        int at = late.lastIndexOf("Tensor out = propagate ? inputGradient(g) : null;");
        late = late.substring(0, at) + "Tensor out = null;" + late.substring(at + "Tensor out = propagate ? inputGradient(g) : null;".length());
        int ret = late.lastIndexOf("return out;");
        late = late.substring(0, ret) + "if (propagate) out = inputGradient(g); " + late.substring(ret);
        Path lateDir = Files.createDirectories(tmp.resolve("late"));
        Path lateJar = new PluginJarBuilder().source("t.affine.P", late).service(dev.chainrule.api.LayerProvider.class, "t.affine.P")
                .build(tmp.resolve("late-affine.jar"));
        Files.copy(lateJar, lateDir.resolve("affine.jar"));
        Cli.Result l = Cli.run(null, "--plugins", lateDir.toString(), "gradcheck", config("gcl", layers, "").toString(),
                "--columns", "10", "--samples", "2");
        assertEquals(1, l.code(), l.out() + l.err());
        assertTrue(l.out().contains("layers[0] affine fused SGD step (InPlaceUpdate.backwardAndUpdate): input gradient vs backward"),
                l.out());
    }

    Path adamConfig(String layers) throws IOException {
        Path c = tmp.resolve("adam.json");
        Files.writeString(c, """
                {"name": "adam", "seed": 11, "data": {"dir": "%s"}, "network": {"layers": [%s]},
                 "training": {"optimizer": {"type": "adam", "learningRate": 0.01}, "batchSize": 10, "epochs": 1}}
                """.formatted(data.toString().replace("\\", "\\\\"), layers));
        return c;
    }

    // 7. "gradcheck's per-layer lines passed for a layer whose backward dropped the bias gradient ... only the
    //    whole-network line failed, as 'worst entry (1, 59)', naming neither layer nor parameter."
    @Test
    void w7_gradcheckFailsABackwardThatDropsTheBiasGradientNamingLayerTypeAndParameter() throws IOException {
        Path dir = plugins(affine(tmp.resolve("build"), "affine.jar", false, true));
        Cli.Result r = Cli.run(null, "--plugins", dir.toString(), "gradcheck", config("gc",
                "{\"type\": \"affine\"}, {\"type\": \"dense\", \"units\": 10}, {\"type\": \"softmax\"}", "").toString(),
                "--columns", "10", "--samples", "2");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(Pattern.compile("(?m)^FAIL layers\\[0] affine ").matcher(r.out()).find(), r.out());
        assertTrue(r.out().contains("layers[0] affine backward: gradient of parameter b"), r.out());
        Matcher whole = Pattern.compile("(?m)^\\s+FAIL network parameter gradient.*worst at (.*)$").matcher(r.out());
        assertTrue(whole.find(), r.out());
        assertTrue(whole.group(1).startsWith("layers[0] affine parameter b entry "), whole.group(1));
    }

    // 8. "verify-plugin checks default options at sizes 1, 3, 6 only; a plugin cannot declare the cases that
    //    matter ... At a relu kink or a max-pool tie it fails with 'relative error 0.333' and no hint."
    @Test
    void w8a_verifyPluginChecksTheDeclaredCasesAndCatchesAMistakeOnlyTwoChannelsShow() throws IOException {
        String pool = Files.readString(ROOT.resolve("examples/plugin-avgpool/src/main/java/dev/chainrule/examples/avgpool/AvgPool2x2.java"));
        // the slip: every output's window taken in channel 0 (Jacobian and backward share the VJP)
        String wrong = pool.replace("out[oo + at(o, k)] += 0.25 * g[go + o];",
                "out[oo + at(o % ((w / 2) * (h / 2)), k)] += 0.25 * g[go + o];");
        assertFalse(wrong.equals(pool), "the slip was made");
        String provider = Files.readString(ROOT.resolve(
                "examples/plugin-avgpool/src/main/java/dev/chainrule/examples/avgpool/AvgPoolProvider.java"));
        Path jar = jar("pool.jar", new PluginJarBuilder().source("dev.chainrule.examples.avgpool.AvgPool2x2", wrong)
                .source("dev.chainrule.examples.avgpool.AvgPoolProvider", provider)
                .service(TransformProvider.class, "dev.chainrule.examples.avgpool.AvgPoolProvider"));
        Cli.Result r = Cli.run(null, "verify-plugin", jar.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("FAIL avgpool-2x2 (transform, ") && r.out().contains("case '2 channels of 5×5'"), r.out());
    }

    @Test
    void w8b_aReluKinkIsReportedAsANonDifferentiablePointNotAsAWrongJacobian() {
        Stage relu = new ReluProvider().create(new BuildContext(3, Options.empty(), 0));
        Tensor x = Tensor.row(0.0, 1.5, -0.7);
        CheckResult r = new JacobianChecker().checkInputJacobian(relu, x, 0);
        assertTrue(r.passed(), r.describe());
        assertTrue(r.describe().contains("non-differentiable point") && r.describe().contains("input 0"), r.describe());
        // a derivative outside both one-sided slopes at the kink is still wrong, and says where
        CheckResult wrong = new JacobianChecker().check("relu with slope 3 at 0",
                new dev.chainrule.api.support.DiagonalJacobian(new double[] {3, 1, 0}, "wrong"),
                v -> relu.forward(new Tensor(1, 3, v)).rowCopy(0), x.rowCopy(0));
        assertFalse(wrong.passed());
        assertTrue(wrong.describe().contains("non-differentiable point"), wrong.describe());
    }

    // 9. "README's own plugin example extends ElementwiseActivation, a class that is not in the api (the example
    //    carries a private copy); the type id is written twice; an option's type, default and range are prose
    //    that the runner parses by substring."
    @Test
    void w9_theKitIsInTheApiTheTypeIdIsWrittenOnceAndOptionsAreTyped() throws IOException {
        Path swish = ROOT.resolve("examples/plugin-swish/src/main/java/dev/chainrule/examples/swish");
        assertFalse(Files.exists(swish.resolve("ElementwiseActivation.java")), "no private copy of the kit");
        String activation = Files.readString(swish.resolve("Swish.java"));
        String provider = Files.readString(swish.resolve("SwishProvider.java"));
        assertTrue(activation.contains("import dev.chainrule.api.support.ElementwiseActivation;"));
        assertEquals(1, (activation + provider).split("@Plugin\\(\"swish\"\\)", -1).length - 1, "the type id is given once");
        assertFalse(provider.contains("super(\"swish\""), "and not again to the Base constructor");
        // issue 19: no services file and no manifest entry repeat it (the api's annotation processor writes both)
        assertFalse(Files.exists(ROOT.resolve("examples/plugin-swish/src/main/resources/META-INF/services")));
        assertFalse(Files.readString(ROOT.resolve("examples/plugin-swish/pom.xml")).contains("Chainrule-Types"));
        assertFalse(activation.contains("type()"), "the activation does not repeat its type id");
        long code = Stream.of(activation, provider).flatMap(String::lines).map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("//") && !l.startsWith("/*") && !l.startsWith("*")
                        && !l.startsWith("import ") && !l.startsWith("package "))
                .count();
        System.out.println("[why-9] swish activation + provider: " + code + " lines of code");
        assertTrue(code <= 30, "a new activation is at most 30 lines: " + code);
        Cli.Result d = Cli.run(null, "describe", "dense");
        assertTrue(d.out().matches("(?s).*\\n  units\\s+integer\\s+\\(required\\)\\s+from 1 to 16777216\\s+.*"), d.out());
        assertTrue(d.out().contains("glorot-uniform | he-normal | zeros"), d.out());
    }

    // 10. "A plugin cannot use the framework's SIMD kernels or its deterministic thread pool; they live inside
    //     layers-basic, and the runner imports them from there."
    @Test
    void w10_theRunnerImportsNoLayersBasicInternalsAndTheKernelsModuleDependsOnNothing() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT.resolve("runner/src/main/java"))) {
            List<Path> offenders = files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    return Files.readString(f).contains("import dev.chainrule.layers.");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            assertEquals(List.of(), offenders);
        }
        String pom = Files.readString(ROOT.resolve("kernels/pom.xml"));
        String deps = pom.substring(pom.indexOf("<dependencies>"), pom.indexOf("</dependencies>"));
        for (String dep : deps.split("<dependency>")) {
            assertTrue(!dep.contains("<artifactId>") || dep.contains("<scope>test</scope>"), "kernels depends on " + dep);
        }
        assertTrue(dev.chainrule.kernels.Kernels.class.getName().startsWith("dev.chainrule.kernels."));
    }
}
