package dev.chainrule.runner.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.runner.Cli;
import dev.chainrule.runner.app.Main;
import dev.chainrule.engine.output.RunLock;
import dev.chainrule.engine.train.SyntheticIdx;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer per run folder (issue 14, item 3): a second {@code train --resume} or {@code train --out} on a
 * folder a live runner writes is refused with one line; the lock dies with its process; and a SIGKILL to
 * the launcher {@code runner/bin/runner} takes its java with it instead of leaving an orphan that finishes
 * the run.
 */
@Tag("slow") // over ~5 s: `mvn -B test` leaves it out, `mvn -B verify` runs it (README, Development)
class LockRobustnessTest {
    /** Long enough (hundreds of epochs) that the child is still training when the test is done with it. */
    static final String SLOW = """
            {"name": "slow", "seed": 5,
             "network": {"layers": [{"type": "dense", "units": 32}, {"type": "sigmoid"},
                                    {"type": "dense", "units": 10}, {"type": "softmax"}]},
             "training": {"optimizer": {"learningRate": 0.05}, "batchSize": 2, "epochs": 500, "checkpointEvery": 50}}
            """;

    @TempDir
    Path tmp;

    @Test
    void aSecondWriterOnALiveRunFolderIsRefusedAndTheLockDiesWithItsProcess() throws Exception {
        Path data = SyntheticIdx.write(tmp.resolve("data"), 600, 50, 10, 2);
        Path cfg = Files.writeString(tmp.resolve("slow.json"), SLOW);
        Path run = tmp.resolve("run");
        Process child = PluginSubprocess.builder(tmp, Map.of(), List.of(), "train", cfg.toString(), "--data",
                data.toString(), "--out", run.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertTrue(waitFor(child, "epoch 1/500: "), "the child trains");
            for (int i = 0; i < 200 && !Files.isRegularFile(run.resolve("checkpoint/state.json")); i++) {
                Thread.sleep(50);
            }
            assertTrue(Files.isRegularFile(run.resolve("checkpoint/state.json")), "a checkpoint to resume from");

            Cli.Result resume = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> Cli.run(null, "train", "--resume", run.toString()));
            assertEquals(2, resume.code(), resume.out() + resume.err());
            assertEquals("--resume " + run + ": another runner (pid " + child.pid() + ") is writing this run folder; "
                    + "wait until it ends or stop it, then resume with train --resume", resume.errLine());

            Cli.Result again = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Cli.run(null, "train",
                    cfg.toString(), "--data", data.toString(), "--out", run.toString()));
            assertEquals(2, again.code(), again.err());
            assertTrue(again.errLine().startsWith("--out " + run + ": "), again.errLine());
            assertTrue(child.isAlive(), "the first runner goes on");
        } finally {
            child.destroyForcibly().waitFor();
        }
        // SIGKILLed: the OS dropped its lock, so nothing stale blocks a resume
        RunLock l = RunLock.acquire(run, "run");
        l.close();
    }

    @Test
    void aStartKilledBeforeItsFirstCheckpointDoesNotBlockTheSameOut() throws Exception {
        // what a SIGKILL or SIGTERM during the first epoch leaves: config, plugin record, lock file, a temp file
        Path data = SyntheticIdx.write(tmp.resolve("data"), 60, 20, 10, 2);
        Path cfg = Files.writeString(tmp.resolve("quick.json"), SLOW.replace("\"epochs\": 500", "\"epochs\": 1"));
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve("config.json"), "{\"name\": \"slow\"}");
        Files.writeString(run.resolve("plugins.json"), "{\"jars\": []}");
        Files.writeString(run.resolve(RunLock.FILE), "4711\n");
        Files.writeString(run.resolve(".metrics.jsonl.18c2.tmp"), "{");
        Cli.Result r = Cli.run(null, "train", cfg.toString(), "--data", data.toString(), "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(run.resolve("model.json")));
        assertFalse(Files.exists(run.resolve(".metrics.jsonl.18c2.tmp")));
        // a run that got as far as a checkpoint is kept: --out refuses it, --resume continues it
        Cli.Result again = Cli.run(null, "train", cfg.toString(), "--data", data.toString(), "--out", run.toString());
        assertEquals(2, again.code());
        assertTrue(again.errLine().startsWith("--out " + run + ": already holds a run"), again.errLine());
    }

    @Test
    void killingTheLauncherWithSigkillLeavesNoOrphanJava() throws Exception {
        // without them the launcher execs java itself, and there is no child to orphan
        org.junit.jupiter.api.Assumptions.assumeTrue(onPath("perl") && onPath("mkfifo"), "perl and mkfifo");
        Path root = fakeCheckout();
        Path data = SyntheticIdx.write(tmp.resolve("data"), 600, 50, 10, 2);
        Path cfg = Files.writeString(tmp.resolve("slow.json"), SLOW);
        ProcessBuilder pb = new ProcessBuilder(root.resolve("runner/bin/runner").toString(), "train", cfg.toString(),
                "--data", data.toString(), "--out", tmp.resolve("run").toString())
                .directory(tmp.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("CHAINRULE_PLUGINS");
        Process launcher = pb.start();
        List<ProcessHandle> javas = new ArrayList<>();
        try {
            assertTrue(waitFor(launcher, "epoch 1/500: "), "java trains under the launcher");
            launcher.toHandle().children().filter(h -> h.info().command().orElse("").endsWith("java"))
                    .forEach(javas::add);
            assertEquals(1, javas.size(), "the launcher's java child");
            launcher.destroyForcibly(); // SIGKILL to the script alone, as a supervisor's kill -9 of its pid
            launcher.waitFor();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (javas.get(0).isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertFalse(javas.get(0).isAlive(), "java ended with its launcher instead of training on as an orphan");
        } finally {
            javas.forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }

    /**
     * A checkout the real launcher script accepts without building: runner/bin/runner copied, and a
     * runner/target/runner.jar whose manifest starts {@link Main} on this test's class path.
     */
    private Path fakeCheckout() throws IOException {
        Path root = tmp.resolve("checkout");
        Path bin = Files.createDirectories(root.resolve("runner/bin"));
        Path script = Files.copy(Path.of("bin", "runner").toAbsolutePath(), bin.resolve("runner"));
        assertTrue(script.toFile().setExecutable(true));
        Path target = Files.createDirectories(root.resolve("runner/target/lib"));
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        List<String> cp = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            cp.add(Path.of(e).toAbsolutePath().toUri().toString());
        }
        mf.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", cp));
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target.getParent().resolve("runner.jar")), mf)) {
            out.flush();
        }
        return root;
    }

    static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    /** Reads stderr until a line holding {@code needle}; false if the stream ends first. */
    static boolean waitFor(Process p, String needle) throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        for (String line; (line = err.readLine()) != null; ) {
            if (line.contains(needle)) {
                return true;
            }
        }
        return false;
    }
}
