package dev.chainrule.runner.robustness;

import dev.chainrule.engine.plugins.PluginHostileSources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.google.inject.Module;
import com.google.inject.util.Modules;
import dev.chainrule.runner.Cli;
import dev.chainrule.engine.train.InMemorySamples;
import dev.chainrule.engine.plugins.PluginSettings;
import dev.chainrule.engine.train.DataSource;
import dev.chainrule.engine.train.SyntheticIdx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken plugin jars (issue 14, item 6; issue 10, bad input): a jar no config uses never runs;
 * a jar that calls System.exit cannot make the runner exit 0; a hanging initializer, a FIFO or a link to
 * /dev/zero named *.jar cannot hang any command; and every failure of plugin code is one line naming the
 * jar, the type and the cause, exit 2, never "internal error".
 */
@Tag("slow") // over ~5 s: `mvn -B test` leaves it out, `mvn -B verify` runs it (README, Development)
class PluginRobustnessTest {
    static final String CONFIG = """
            {"name": "hostile", "seed": 3,
             "network": {"layers": [{"type": "dense", "units": 8}, {"type": "TYPE"}, {"type": "dense", "units": 3},
                                    {"type": "softmax"}]},
             "training": {"optimizer": {"learningRate": 0.3}, "batchSize": 4, "epochs": 1}}
            """;

    @TempDir
    Path tmp;

    Module blobData() {
        DataSource ds = mock(DataSource.class);
        when(ds.load(any())).thenReturn(InMemorySamples.blobSplit());
        return b -> b.bind(DataSource.class).toInstance(ds);
    }

    Module env(Map<String, String> vars) {
        return b -> b.bind(PluginSettings.class).toInstance(new PluginSettings(vars));
    }

    Path plugins(Path... jars) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        for (Path j : jars) {
            Files.copy(j, dir.resolve(j.getFileName()));
        }
        return dir;
    }

    Path config(String type) throws IOException {
        return Files.writeString(tmp.resolve(type + ".json"), CONFIG.replace("TYPE", type));
    }

    Cli.Result train(Path dir, String type) throws IOException {
        return Cli.run(Modules.combine(blobData(), env(Map.of())), "--plugins", dir.toString(), "train",
                config(type).toString(), "--out", tmp.resolve("run-" + type + "-" + System.nanoTime()).toString());
    }

    /** One line, exit 2, naming the jar, the type and the cause; never an internal error. */
    static void oneLine(Cli.Result r, Path jar, String type, String cause) {
        assertEquals(2, r.code(), r.err());
        String line = r.errLine();
        assertEquals(1, line.lines().count(), r.err());
        assertFalse(line.contains("internal error"), line);
        assertTrue(line.contains(jar.toString()), "names the jar: " + line);
        assertTrue(line.contains("'" + type + "'"), "names the type: " + line);
        assertTrue(line.contains(cause), "names the cause '" + cause + "': " + line);
    }

    @Test
    void aJarNoConfigUsesIsNeverInitialised() throws IOException {
        Path marker = tmp.resolve("ran");
        String touch = "try { java.nio.file.Files.createFile(java.nio.file.Path.of(\"" + marker
                + "\")); } catch (Exception e) { }";
        PluginHostileSources declared = new PluginHostileSources("com.acme.declared", "gelu");
        declared.staticInit = touch;
        PluginHostileSources undeclared = new PluginHostileSources("com.acme.undeclared", "mish");
        undeclared.staticInit = touch;
        undeclared.declare = false;
        Path dir = plugins(declared.build(tmp), undeclared.build(tmp));

        Cli.Result r = train(dir, "sigmoid");
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(marker), "no plugin code ran for a config of built-in types");
        // describe and the unknown-type list of a config: still nothing runs for a declared type
        Cli.Result d = Cli.run(env(Map.of()), "--plugins", dir.toString(), "describe", "sigmoid");
        assertEquals(0, d.code(), d.err());
        assertFalse(Files.exists(marker));

        Cli.Result used = train(dir, "gelu");
        assertEquals(0, used.code(), used.err());
        assertTrue(Files.exists(marker), "the declared jar is loaded once its type is used");
    }

    @Test
    void verifyPluginTellsAJarWithoutDeclaredTypesWhichEntryToAdd() throws IOException {
        PluginHostileSources p = new PluginHostileSources("com.acme.plain", "gelu");
        p.declare = false;
        Cli.Result r = Cli.run(null, "verify-plugin", p.build(tmp).toString());
        assertTrue(r.out().contains("\nhint: rebuild it with @Plugin(\"gelu\") on com.acme.plain.P (the api's annotation "
                + "processor then declares its types), or add the manifest entry 'Chainrule-Types: activation:gelu', so that "
                + "the runner loads this jar only when a config uses one of its types (docs/plugins-loading.md)\n"), r.out());
        PluginHostileSources d = new PluginHostileSources("com.acme.declaring", "gelu");
        assertFalse(Cli.run(null, "verify-plugin", d.build(tmp).toString()).out().contains("hint:"));
    }

    @Test
    void aHangingStaticInitializerIsNamedAndRefusedWithinTheTimeLimit() throws IOException {
        PluginHostileSources hang = new PluginHostileSources("com.acme.hang", "gelu");
        hang.staticInit = "while (System.nanoTime() != 0) { try { Thread.sleep(60_000); } catch (InterruptedException e) { } }";
        Path dir = plugins(hang.build(tmp));
        Cli.Result r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Cli.run(
                Modules.combine(blobData(), env(Map.of(PluginSettings.TIMEOUT_ENV, "1"))), "--plugins", dir.toString(),
                "train", config("gelu").toString(), "--out", tmp.resolve("run").toString()));
        oneLine(r, dir.resolve("hang.jar"), "gelu", "did not finish loading within 1 s");
        assertFalse(Files.exists(tmp.resolve("run")), "no run folder for a refused start");
    }

    @Test
    void aFifoOrALinkToDevZeroNamedJarIsRefusedAtOnceByEveryCommand() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(LockRobustnessTest.onPath("mkfifo"), "mkfifo");
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        Process mk = new ProcessBuilder("mkfifo", dir.resolve("fifo.jar").toString()).start();
        assertEquals(0, mk.waitFor());
        Files.createSymbolicLink(dir.resolve("zero.jar"), Path.of("/dev/zero"));
        Cli.Result list = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> Cli.run(env(Map.of()), "--plugins", dir.toString(), "plugins"));
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("skipped " + dir.resolve("fifo.jar") + ": not a regular file"), list.out());
        assertTrue(list.out().contains("skipped " + dir.resolve("zero.jar") + ": not a regular file"), list.out());
        Cli.Result v = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> Cli.run(null, "verify-plugin", dir.resolve("fifo.jar").toString()));
        assertEquals(2, v.code());
        assertEquals(dir.resolve("fifo.jar") + ": not a regular file (a device, FIFO or socket); a plugin jar must be a file",
                v.errLine());
        Cli.Result t = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> train(dir, "sigmoid"));
        assertEquals(0, t.code(), t.err());
        assertTrue(t.err().startsWith("warning: " + dir.resolve("fifo.jar") + ": not a regular file"), t.err());
    }

    @Test
    void createReturningNullIsOneLine() throws IOException {
        PluginHostileSources p = new PluginHostileSources("com.acme.nullcreate", "gelu");
        p.createBody = "return null;";
        oneLine(train(plugins(p.build(tmp)), "gelu"), tmp.resolve("plugins/nullcreate.jar"), "gelu",
                "create() returned null");
    }

    @Test
    void createThrowingIsOneLine() throws IOException {
        PluginHostileSources p = new PluginHostileSources("com.acme.npe", "gelu");
        p.createBody = "String s = null; return new Id(s.length(), 0);";
        oneLine(train(plugins(p.build(tmp)), "gelu"), tmp.resolve("plugins/npe.jar"), "gelu",
                "create() threw NullPointerException");
    }

    @Test
    void typeThrowingIsOneLine() throws IOException {
        PluginHostileSources p = new PluginHostileSources("com.acme.typethrows", "gelu");
        p.typeBody = "throw new IllegalStateException(\"no type today\");";
        oneLine(train(plugins(p.build(tmp)), "gelu"), tmp.resolve("plugins/typethrows.jar"), "gelu",
                "type() threw IllegalStateException: no type today");
    }

    @Test
    void optionsThrowingOrNullIsOneLine() throws IOException {
        PluginHostileSources t = new PluginHostileSources("com.acme.optthrows", "gelu");
        t.optionsBody = "throw new UnsupportedOperationException(\"later\");";
        oneLine(train(plugins(t.build(tmp)), "gelu"), tmp.resolve("plugins/optthrows.jar"), "gelu",
                "options() threw UnsupportedOperationException: later");
        Files.delete(tmp.resolve("plugins/optthrows.jar"));
        PluginHostileSources n = new PluginHostileSources("com.acme.optnull", "gelu");
        n.optionsBody = "return null;";
        oneLine(train(plugins(n.build(tmp)), "gelu"), tmp.resolve("plugins/optnull.jar"), "gelu",
                "options() returned null");
    }

    @Test
    void aThrowingStaticInitializerIsNotCalledAnIncompatibleApi() throws IOException {
        PluginHostileSources p = new PluginHostileSources("com.acme.clinit", "gelu");
        p.staticInit = "if (true) throw new IllegalStateException(\"no licence\");";
        Cli.Result r = train(plugins(p.build(tmp)), "gelu");
        oneLine(r, tmp.resolve("plugins/clinit.jar"), "gelu", "static initializer threw IllegalStateException: no licence");
        assertFalse(r.errLine().contains("incompatible"), r.errLine());
    }

    @Test
    void aStageWhoseOutputIsTheWrongSizeIsOneLine() throws IOException {
        PluginHostileSources p = new PluginHostileSources("com.acme.wide", "gelu");
        p.forwardWidth = "n + 1";
        oneLine(train(plugins(p.build(tmp)), "gelu"), tmp.resolve("plugins/wide.jar"), "gelu",
                "forward() of 2 rows of 8 inputs gave 2×9, but outputSize() says 2×8");
    }

    @Test
    void aStageThatThrowsDuringTrainingIsOneLineNamingTheJarNotAnInternalError() throws IOException {
        PluginHostileSources p = new PluginHostileSources("com.acme.boom", "gelu");
        p.forwardExtra = "if (in.rows() == 4) throw new IllegalStateException(\"boom\");";
        Cli.Result r = train(plugins(p.build(tmp)), "gelu");
        assertEquals(2, r.code(), r.err());
        assertEquals(tmp.resolve("plugins/boom.jar") + ": plugin code com.acme.boom.P$Id.forward threw "
                + "IllegalStateException: boom", r.errLine());
    }

    @Test
    void aJarWhoseManifestDeclaresOtherTypesThanItProvidesIsOneLine() throws IOException {
        PluginHostileSources p = new PluginHostileSources("com.acme.liar", "gelu");
        p.typeBody = "return \"mish\";";
        oneLine(train(plugins(p.build(tmp)), "gelu"), tmp.resolve("plugins/liar.jar"), "gelu",
                "declares Chainrule-Types: activation:gelu but its providers give activation:mish");
    }

    @Test
    void systemExitInAnUnusedJarCannotStopTheRunAndInAUsedOneCannotExitZero() throws Exception {
        PluginHostileSources quit = new PluginHostileSources("com.acme.quit", "gelu");
        quit.staticInit = "System.exit(0);";
        PluginHostileSources quitLater = new PluginHostileSources("com.acme.quitlater", "mish");
        quitLater.forwardExtra = "if (in.rows() > 2) System.exit(0);";
        Path dir = plugins(quit.build(tmp), quitLater.build(tmp));
        Path data = SyntheticIdx.write(tmp.resolve("data"), 120, 40, 8, 3);
        String cfg = CONFIG.replace("\"units\": 3", "\"units\": 10");

        Files.writeString(tmp.resolve("unused.json"), cfg.replace("TYPE", "sigmoid"));
        PluginSubprocess.Result ok = PluginSubprocess.run(tmp, Map.of(), "--plugins", dir.toString(), "train",
                "unused.json", "--data", data.toString(), "--out", "run-unused");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(Files.isRegularFile(tmp.resolve("run-unused/model.json")), "the run finished: " + ok.err());

        // while loading: the static initializer
        Files.writeString(tmp.resolve("quit.json"), cfg.replace("TYPE", "gelu"));
        PluginSubprocess.Result load = PluginSubprocess.run(tmp, Map.of(), "--plugins", dir.toString(), "train",
                "quit.json", "--data", data.toString(), "--out", "run-quit");
        assertEquals(1, load.code(), load.err());
        assertTrue(load.err().strip().startsWith(dir.resolve("quit.jar") + ": com.acme.quit.P.<clinit> called System.exit"),
                load.err());

        // while training: forward() of a training batch
        Files.writeString(tmp.resolve("later.json"), cfg.replace("TYPE", "mish"));
        PluginSubprocess.Result train = PluginSubprocess.run(tmp, Map.of(), "--plugins", dir.toString(), "train",
                "later.json", "--data", data.toString(), "--out", "run-later");
        assertEquals(1, train.code(), train.err());
        List<String> lines = train.err().lines().filter(l -> !l.startsWith("epoch ")).toList();
        assertEquals(List.of(dir.resolve("quitlater.jar") + ": com.acme.quitlater.P$Id.forward called System.exit while "
                + "the plugin ran; the runner did not finish its command (exit 1)"), lines, train.err());
        assertFalse(Files.exists(tmp.resolve("run-later/model.json")));
    }
}
