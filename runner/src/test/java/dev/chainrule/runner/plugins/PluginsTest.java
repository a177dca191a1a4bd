package dev.chainrule.runner.plugins;

import dev.chainrule.engine.plugins.PluginSettings;
import dev.chainrule.engine.plugins.PluginJars;

import dev.chainrule.engine.plugins.PluginJarBuilder;
import dev.chainrule.engine.plugins.TestPlugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Module;
import dev.chainrule.api.ActivationProvider;
import dev.chainrule.runner.Cli;
import dev.chainrule.engine.train.InMemorySamples;
import dev.chainrule.engine.train.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin jars end to end through the real CLI: the example plugin (compiled from examples/plugin-swish in
 * process) is listed, described, verified and trained with; a run records it and evaluate finds it again;
 * each broken-jar case gives its one line.
 */
class PluginsTest {
    static final String CONFIG = """
            {"name": "blobs-swish", "seed": 7,
             "network": {"layers": [{"type": "dense", "units": 8}, {"type": "swish"},
                                    {"type": "dense", "units": 6}, {"type": "leaky-relu", "alpha": 0.05},
                                    {"type": "dense", "units": 3}]},
             "loss": {"type": "label-smoothing-cross-entropy", "smoothing": 0.05},
             "training": {"optimizer": {"learningRate": 0.3}, "batchSize": 4, "epochs": 4}}
            """;

    @TempDir
    static Path shared;
    static Path exampleJar;

    @TempDir
    Path tmp;

    @BeforeAll
    static void buildExample() throws IOException {
        exampleJar = PluginJarBuilder.example().build(shared.resolve("plugin-swish-0.1.0.jar"));
    }

    static Module blobData() {
        DataSource ds = mock(DataSource.class);
        when(ds.load(any())).thenReturn(InMemorySamples.blobSplit());
        return b -> b.bind(DataSource.class).toInstance(ds);
    }

    Path pluginsWith(String folder, Path... jars) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(folder));
        for (Path j : jars) {
            Files.copy(j, dir.resolve(j.getFileName()));
        }
        return dir;
    }

    Path config(String text) throws IOException {
        Path c = tmp.resolve("cfg.json");
        Files.writeString(c, text);
        return c;
    }

    Path jar(String name, PluginJarBuilder b) throws IOException {
        Files.createDirectories(tmp.resolve("build"));
        return b.build(tmp.resolve("build").resolve(name));
    }

    @Test
    void pluginsListsTheExampleTypesWithJarVersionAndSha256() throws IOException {
        Path dir = pluginsWith("plugins", exampleJar);
        Cli.Result r = Cli.run(null, "--plugins", dir.toString(), "plugins");
        assertEquals(0, r.code(), r.err());
        String sha = PluginJars.sha256(exampleJar);
        Matcher m = Pattern.compile("(?m)^activation\\s+swish\\s+dev\\.chainrule\\.examples\\.swish\\.SwishProvider\\s+(\\S+)\\s+0\\.1\\.0\\s+"
                + sha + "$").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals(dir.resolve("plugin-swish-0.1.0.jar").toString(), m.group(1));
        assertTrue(r.out().matches("(?s).*\\nloss\\s+label-smoothing-cross-entropy\\s.*"), r.out());
        assertTrue(r.out().matches("(?s).*\\nactivation\\s+sigmoid\\s+dev\\.chainrule\\.layers\\.SigmoidProvider\\s+built-in\\s+-\\s+-\\n.*"), r.out());
        assertTrue(r.out().contains("plugins folder: " + dir + " (--plugins)"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void describeShowsOptionsWithTypeDefaultAndMeaning() throws IOException {
        Path dir = pluginsWith("plugins", exampleJar);
        Cli.Result r = Cli.run(null, "describe", "leaky-relu", "--plugins", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("leaky-relu (activation): leaky ReLU"), r.out());
        // type, default and range come from the typed OptionSpec, not from parsing its text
        assertTrue(r.out().matches("(?s).*\\n  alpha\\s+number\\s+0\\.01\\s+from 0 to 1\\s+the slope for z <= 0\\n.*"), r.out());
        Cli.Result dense = Cli.run(null, "describe", "dense");
        assertTrue(dense.out().matches("(?s).*\\n  units\\s+.*\\(required\\).*"), dense.out());
        Cli.Result bad = Cli.run(null, "describe", "swsh", "--plugins", dir.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.errLine().startsWith("unknown type 'swsh'; known: ") && bad.errLine().endsWith("(did you mean 'swish'?)"),
                bad.errLine());
    }

    @Test
    void trainsWithPluginTypesRecordsTheJarAndEvaluateFindsItAgain() throws IOException {
        Path dir = pluginsWith("plugins", exampleJar);
        Path out = tmp.resolve("run");
        Cli.Result r = Cli.run(blobData(), "--plugins", dir.toString(), "train", config(CONFIG).toString(),
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("blobs-swish: test accuracy (\\d+\\.\\d\\d%)").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals("100.00%", m.group(1), "swish + leaky-relu + label smoothing learn three separated blobs");

        JsonNode rec = new ObjectMapper().readTree(out.resolve("plugins.json").toFile());
        assertEquals(dir.toAbsolutePath().toString(), rec.get("folder").asText());
        assertEquals(1, rec.get("jars").size());
        JsonNode j = rec.get("jars").get(0);
        assertEquals(dir.resolve("plugin-swish-0.1.0.jar").toAbsolutePath().toString(), j.get("path").asText());
        assertEquals(PluginJars.sha256(exampleJar), j.get("sha256").asText());
        assertEquals("0.1.0", j.get("version").asText());
        assertEquals("[\"swish\",\"leaky-relu\",\"label-smoothing-cross-entropy\"]", j.get("types").toString());

        // no --plugins: the folder the run recorded is named, but loaded only when the user opts in
        Cli.Result refused = Cli.run(blobData(), "evaluate", out.toString());
        assertEquals(2, refused.code());
        assertTrue(refused.errLine().endsWith("but no plugin in plugins (default) provides it; its folder " + dir.toAbsolutePath()
                + " is recorded in " + out.resolve("plugins.json") + ", but plugins are loaded from a run's record only with "
                + "--trust-run-plugins; pass --plugins " + dir.toAbsolutePath() + " (or --trust-run-plugins) if you trust it"),
                refused.errLine());
        Cli.Result e = Cli.run(blobData(), "evaluate", "--trust-run-plugins", out.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("blobs-swish: test accuracy " + m.group(1)), e.out());

        Files.delete(dir.resolve("plugin-swish-0.1.0.jar"));
        Cli.Result gone = Cli.run(blobData(), "evaluate", "--plugins", dir.toString(), out.toString());
        assertEquals(2, gone.code());
        assertEquals(out + ": the run used type 'swish' from plugin jar " + j.get("path").asText() + " (version 0.1.0, sha256 "
                + j.get("sha256").asText() + "), but no plugin in " + dir + " (--plugins) provides it; put that jar back or "
                + "pass --plugins DIR", gone.errLine());
    }

    @Test
    void folderPrecedenceIsOptionThenEnvironmentThenConfigThenDefault() throws IOException {
        Path fromConfig = pluginsWith("cfgplugins", exampleJar);
        Path fromEnv = pluginsWith("envplugins");
        Path fromOption = pluginsWith("optplugins");
        Files.writeString(tmp.resolve("p.json"), "{\"plugins\": \"cfgplugins\", \"network\": {\"input\": 4, \"layers\": [{\"type\": \"swish\"}]}}");
        Module noEnv = b -> b.bind(PluginSettings.class).toInstance(new PluginSettings(Map.of()));
        Module env = b -> b.bind(PluginSettings.class).toInstance(new PluginSettings(Map.of(PluginSettings.ENV, fromEnv.toString())));
        // the config's folder, relative to the config file, provides swish
        Cli.Result c = Cli.run(noEnv, "gradcheck", tmp.resolve("p.json").toString());
        assertEquals(0, c.code(), c.err() + c.out());
        // the environment beats the config: its folder is empty
        Cli.Result e = Cli.run(env, "gradcheck", tmp.resolve("p.json").toString());
        assertEquals(2, e.code());
        assertTrue(e.errLine().contains("layers[0].type: unknown type 'swish'"), e.errLine());
        // --plugins beats both
        Cli.Result o = Cli.run(env, "--plugins", fromConfig.toString(), "gradcheck", tmp.resolve("p.json").toString());
        assertEquals(0, o.code(), o.err());
        Cli.Result p = Cli.run(env, "--plugins", fromOption.toString(), "plugins");
        assertTrue(p.out().contains("plugins folder: " + fromOption + " (--plugins)"), p.out());
        // a folder asked for explicitly must exist; the default may be missing
        Cli.Result missing = Cli.run(noEnv, "--plugins", tmp.resolve("nope").toString(), "plugins");
        assertEquals(2, missing.code());
        assertEquals("plugins folder " + tmp.resolve("nope") + " (--plugins) does not exist", missing.errLine());
        Cli.Result dflt = Cli.run(noEnv, "plugins");
        assertEquals(0, dflt.code(), dflt.err());
        assertTrue(dflt.out().contains("plugins folder: plugins (default)"), dflt.out());
    }

    @Test
    void verifyPluginPassesTheExample() {
        Cli.Result r = Cli.run(null, "verify-plugin", exampleJar.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        for (String t : new String[] {"swish (activation, ", "leaky-relu (activation, ", "label-smoothing-cross-entropy (loss, "}) {
            assertTrue(Pattern.compile("(?m)^PASS " + Pattern.quote(t) + ".*: \\d+ checks, largest relative error \\S+ \\(tolerance 1e-06\\)$")
                    .matcher(r.out()).find(), r.out());
        }
        assertTrue(r.out().endsWith(exampleJar + ": all 3 type(s) passed\n"), r.out());
    }

    @Test
    void verifyPluginFailsAJacobianOffByAFactorOfTwo() throws IOException {
        Path wrong = jar("wrong.jar", new PluginJarBuilder()
                .source("com.acme.wrong.P", TestPlugins.activation("com.acme.wrong", "wrong-swish", 2.0, "", ""))
                .service(ActivationProvider.class, "com.acme.wrong.P"));
        Cli.Result r = Cli.run(null, "verify-plugin", wrong.toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(Pattern.compile("(?m)^FAIL wrong-swish \\(activation, com\\.acme\\.wrong\\.P\\): \\d+ of \\d+ checks failed; worst: "
                + "wrong-swish D_x at row \\d: worst entry .* relative error 0\\.333").matcher(r.out()).find(), r.out());
        assertEquals(wrong + ": 1 of 1 type(s) failed verification; see the FAIL lines above", r.errLine());
        // the right factor passes: the check is not simply failing everything from a test jar
        Path right = jar("right.jar", new PluginJarBuilder()
                .source("com.acme.right.P", TestPlugins.activation("com.acme.right", "right-swish", 1.0, "", ""))
                .service(ActivationProvider.class, "com.acme.right.P"));
        assertEquals(0, Cli.run(null, "verify-plugin", right.toString()).code());
    }

    @Test
    void verifyPluginChecksADataSourceWithoutDataAndFailsOneThatAcceptsAnything() throws IOException {
        Path lax = jar("lax.jar", new PluginJarBuilder()
                .source("com.acme.lax.P", """
                        package com.acme.lax;
                        import dev.chainrule.api.OptionSpec;
                        import dev.chainrule.api.Shape;
                        import dev.chainrule.api.data.*;
                        import java.util.List;
                        public final class P implements DataSourceProvider {
                            public String type() { return "lax"; }
                            public String description() { return "one row, whatever the options"; }
                            public List<OptionSpec> options() { return List.of(new OptionSpec("path", "file", null, "")); }
                            public DataSet load(DataContext c) {
                                return new DataSet(new Table("t", Shape.of(1), Features.float64(new double[] {1}, 1),
                                        Targets.classes(new int[] {0}, List.of("a")), null, null), null, null);
                            }
                        }""")
                .service(dev.chainrule.api.data.DataSourceProvider.class, "com.acme.lax.P"));
        Cli.Result r = Cli.run(null, "verify-plugin", lax.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("FAIL lax (data-source, com.acme.lax.P): 3 of 3 checks failed; worst: "), r.out());
        assertFalse(r.out().contains("ClassCastException"), r.out());
    }

    @Test
    void theSameTypeFromTwoJarsIsAnErrorNamingBoth() throws IOException {
        Path dir = pluginsWith("plugins", exampleJar);
        Files.copy(exampleJar, dir.resolve("copy-of-swish.jar"));
        Cli.Result r = Cli.run(null, "--plugins", dir.toString(), "plugins");
        assertEquals(2, r.code());
        // both jars declare their types: the clash is found from their plugin.properties, before either runs
        // (the first type in it: the processor writes them sorted by kind, then id)
        assertEquals("type 'leaky-relu' is provided twice: by the types declared (without running it) by " + dir.resolve("copy-of-swish.jar")
                + " and by the types declared (without running it) by " + dir.resolve("plugin-swish-0.1.0.jar")
                + "; remove one of them", r.errLine());
    }

    @Test
    void aJarRedefiningABuiltInTypeIsAnErrorNamingBoth() throws IOException {
        Path clash = jar("clash.jar", new PluginJarBuilder()
                .source("com.acme.clash.P", TestPlugins.activation("com.acme.clash", "sigmoid", 1.0, "", ""))
                .service(ActivationProvider.class, "com.acme.clash.P"));
        Path dir = pluginsWith("plugins", clash);
        Cli.Result r = Cli.run(null, "--plugins", dir.toString(), "train", config(CONFIG).toString());
        assertEquals(2, r.code());
        // clash.jar declares no types: it is loaded (and the clash found) when 'swish' is not found elsewhere
        assertTrue(r.errLine().endsWith("cfg.json: network.layers[1].type: type 'sigmoid' is provided twice: by "
                + "dev.chainrule.layers.SigmoidProvider (built-in) and by com.acme.clash.P (" + dir.resolve("clash.jar")
                + "); remove one of them"), r.errLine());
    }

    /**
     * A broken jar: when its types are not used, one warning line if reading it (no code run) shows the
     * problem, nothing if only loading would (it is never loaded); an error line when a type is looked for.
     */
    void brokenJar(Path broken, String cause, boolean seenWithoutLoading) throws IOException {
        Path dir = pluginsWith("plugins", exampleJar, broken);
        Path shown = dir.resolve(broken.getFileName());
        Cli.Result r = Cli.run(blobData(), "--plugins", dir.toString(), "train", config(CONFIG).toString(),
                "--out", tmp.resolve("run-ok").toString(), "--epochs", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals(seenWithoutLoading ? "warning: " + shown + ": " + cause + " (jar skipped)" : "",
                r.err().lines().filter(l -> !l.startsWith("epoch ")).findFirst().orElse(""));
        Cli.Result used = Cli.run(blobData(), "--plugins", dir.toString(), "train",
                config(CONFIG.replace("\"swish\"", "\"gelu\"")).toString(), "--out", tmp.resolve("run-bad").toString());
        assertEquals(2, used.code());
        assertTrue(used.errLine().endsWith("cfg.json: network.layers[1].type: unknown type 'gelu'; known: add, avgpool2d, batch-norm, "
                + "concat, conv2d, dense, dropout, flatten, global-avgpool, layer-norm, leaky-relu, maxpool2d, multiply, "
                + "random-flip, random-shift, relu, sigmoid, softmax, swish, tanh (did you mean 'relu'?); " + shown + " (" + cause
                + ") was skipped and might provide it"), used.errLine());
        assertEquals(2, used.err().lines().count(), "the warning, then the error: " + used.err());
    }

    @Test
    void aCorruptJarIsOneLine() throws IOException {
        Path bad = Files.writeString(Files.createDirectories(tmp.resolve("build")).resolve("corrupt.jar"), "this is not a zip file");
        brokenJar(bad, "not a jar (ZipException: zip END header not found)", true);
    }

    @Test
    void aServicesFileNamingAMissingClassIsOneLine() throws IOException {
        Path bad = jar("missing.jar", new PluginJarBuilder()
                .source("com.acme.missing.P", TestPlugins.activation("com.acme.missing", "gelu", 1.0, "", ""))
                .service(ActivationProvider.class, "com.acme.missing.Gelu"));
        brokenJar(bad, "META-INF/services/dev.chainrule.api.ActivationProvider names class com.acme.missing.Gelu, which is not in the jar", false);
    }

    @Test
    void aProviderWhoseConstructorThrowsIsOneLine() throws IOException {
        Path bad = jar("throws.jar", new PluginJarBuilder()
                .source("com.acme.throwing.P", TestPlugins.activation("com.acme.throwing", "gelu", 1.0,
                        "if (true) throw new IllegalStateException(\"licence file missing\");", ""))
                .service(ActivationProvider.class, "com.acme.throwing.P"));
        brokenJar(bad, "provider com.acme.throwing.P could not be created: its constructor threw IllegalStateException: licence file missing", false);
    }

    @Test
    void aJarBuiltForAnotherApiMajorVersionIsOneLine() throws IOException {
        Path bad = jar("api1.jar", new PluginJarBuilder()
                .source("com.acme.api1.P", TestPlugins.activation("com.acme.api1", "gelu", 1.0, "", ""))
                .service(ActivationProvider.class, "com.acme.api1.P")
                .manifest("Chainrule-Api-Version", "1.0"));
        brokenJar(bad, "built for chainrule api 1.0 but this runner has api 3.2 (major versions differ); rebuild the plugin "
                + "against api 3.x, see docs/plugins.md#migrating-from-api-1", true);
    }

    /**
     * Issue 25: an api-1 jar providing {@code dropout} is skipped and the built-in dropout serves the run; which
     * provider serves it is printed and recorded in plugins.json.
     */
    @Test
    void aSkippedJarsTypeServedByTheBuiltInIsNamedAndRecorded() throws IOException {
        for (boolean declares : new boolean[] {true, false}) {
            PluginJarBuilder b = new PluginJarBuilder()
                    .source("com.acme.old.P", TestPlugins.activation("com.acme.old", "dropout", 1.0, "", ""))
                    .service(ActivationProvider.class, "com.acme.old.P")
                    .manifest("Chainrule-Api-Version", "1.0");
            if (declares) {
                b.manifest("Chainrule-Types", "activation:dropout");
            }
            Path dir = pluginsWith("plugins-" + declares, jar("old-" + declares + ".jar", b));
            Path out = tmp.resolve("run-" + declares);
            Cli.Result r = Cli.run(blobData(), "--plugins", dir.toString(), "train", config("""
                    {"name": "blobs-dropout", "seed": 7,
                     "network": {"layers": [{"type": "dense", "units": 8}, {"type": "dropout", "rate": 0.1},
                                            {"type": "dense", "units": 3}, {"type": "softmax"}]},
                     "training": {"optimizer": {"learningRate": 0.3}, "batchSize": 4, "epochs": 1}}
                    """).toString(), "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            String note = r.err().lines().filter(l -> l.startsWith("note: ")).findFirst().orElse("");
            assertTrue(note.startsWith("note: " + dir.resolve("old-" + declares + ".jar") + " was skipped (built for chainrule api 1.0"),
                    r.err());
            // an api-1 jar is refused before its declared types are read: every used type's provider is named
            assertTrue(note.contains("dropout: dev.chainrule.vision.DropoutProvider (built-in)"), note);
            JsonNode rec = new ObjectMapper().readTree(out.resolve("plugins.json").toFile());
            assertEquals("dev.chainrule.vision.DropoutProvider", rec.path("providers").path("dropout").path("provider").asText(),
                    rec.toString());
            assertEquals("built-in", rec.path("providers").path("dropout").path("source").asText());
            assertTrue(rec.path("skipped").get(0).path("problem").asText().startsWith("built for chainrule api 1.0"),
                    rec.toString());
        }
    }

    /** The previous major names its own migration section, and DocsTest checks that the docs have it. */
    @Test
    void aJarBuiltForApi2NamesTheApi2Migration() throws IOException {
        Path bad = jar("api2.jar", new PluginJarBuilder()
                .source("com.acme.api2.P", TestPlugins.activation("com.acme.api2", "gelu", 1.0, "", ""))
                .service(ActivationProvider.class, "com.acme.api2.P")
                .manifest("Chainrule-Api-Version", "2.0"));
        brokenJar(bad, "built for chainrule api 2.0 but this runner has api 3.2 (major versions differ); rebuild the plugin "
                + "against api 3.x, see docs/plugins.md#migrating-from-api-2", true);
    }

    @Test
    void aJarWithoutApiVersionIsOneLine() throws IOException {
        Path bad = jar("noapi.jar", new PluginJarBuilder()
                .source("com.acme.noapi.P", TestPlugins.activation("com.acme.noapi", "gelu", 1.0, "", ""))
                .service(ActivationProvider.class, "com.acme.noapi.P")
                .manifest("Chainrule-Api-Version", null));
        brokenJar(bad, "its manifest has no Chainrule-Api-Version entry, so the api it was built against is unknown; "
                + "add 'Chainrule-Api-Version: 3.2' (docs/plugins.md#build-a-jar-and-drop-it-in)", true);
    }

    @Test
    void aLinkageErrorWhenAPluginRunsNamesTheJar() throws IOException {
        // compiled against an api class this runner does not have: fails only when create() runs
        Path bad = jar("future.jar", new PluginJarBuilder()
                .source("dev.chainrule.api.FutureApi", "package dev.chainrule.api; public final class FutureApi { public static void require() { } }")
                .leaveOut("dev.chainrule.api.FutureApi")
                .source("com.acme.future.P", TestPlugins.activation("com.acme.future", "gelu", 1.0, "", "dev.chainrule.api.FutureApi.require();"))
                .service(ActivationProvider.class, "com.acme.future.P"));
        Path dir = pluginsWith("plugins", exampleJar, bad);
        Cli.Result r = Cli.run(blobData(), "--plugins", dir.toString(), "train",
                config(CONFIG.replace("\"swish\"", "\"gelu\"")).toString(), "--out", tmp.resolve("run").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(dir.resolve("future.jar") + ": incompatible with this runner's api 3.2; rebuild the plugin against it "
                + "(NoClassDefFoundError: dev/chainrule/api/FutureApi) in com.acme.future.P.create", r.errLine());
        Cli.Result v = Cli.run(null, "verify-plugin", bad.toString());
        assertEquals(1, v.code());
        assertTrue(v.out().contains("FAIL gelu (activation, com.acme.future.P): 1 of 1 checks failed; worst: incompatible with this runner's api 3.2"),
                v.out());
    }

    @Test
    void verifyPluginOfABrokenJarIsOneLine() throws IOException {
        Path bad = Files.writeString(Files.createDirectories(tmp.resolve("build")).resolve("corrupt.jar"), "nope");
        Cli.Result r = Cli.run(null, "verify-plugin", bad.toString());
        assertEquals(2, r.code());
        assertEquals(bad + ": not a jar (ZipException: zip END header not found)", r.errLine());
        assertFalse(r.out().contains("PASS"));
    }
}
