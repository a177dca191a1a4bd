package dev.chainrule.runner.robustness;

import dev.chainrule.runner.app.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the runner in a JVM of its own, as {@code runner/bin/runner} does (through {@link Main#main}, so
 * with its exit guard): needed wherever the test's subject ends or hangs the JVM.
 */
final class PluginSubprocess {
    record Result(int code, String out, String err, double seconds) {
    }

    private PluginSubprocess() {
    }

    static ProcessBuilder builder(Path workDir, Map<String, String> env, List<String> jvm, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-Xmx256m");
        cmd.addAll(jvm);
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().remove("CHAINRULE_PLUGINS");
        pb.environment().putAll(env);
        return pb;
    }

    static Result run(Path workDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        long t0 = System.nanoTime();
        Process p = builder(workDir, env, List.of(), args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("the runner did not end within 120 s: " + String.join(" ", args));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1e9);
    }
}
