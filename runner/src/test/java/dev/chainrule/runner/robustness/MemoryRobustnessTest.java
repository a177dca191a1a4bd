package dev.chainrule.runner.robustness;

import dev.chainrule.engine.plugins.PluginHostileSources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.engine.train.SyntheticIdx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory (issue 14, item 4), in a JVM of 256 MB: a network too large for the heap is refused in one line
 * before its run folder exists; an OutOfMemoryError that happens anyway is one line, exit 1, and leaves no
 * folder that blocks the same --out.
 */
class MemoryRobustnessTest {
    static final String CONFIG = """
            {"name": "big", "seed": 1,
             "network": {"layers": [{"type": "dense", "units": UNITS}, {"type": "TYPE"},
                                    {"type": "dense", "units": 10}, {"type": "softmax"}]},
             "training": {"optimizer": {"learningRate": 0.05}, "batchSize": 4, "epochs": 1}}
            """;

    @TempDir
    Path tmp;

    @Test
    void aNetworkTooLargeForTheHeapIsRefusedBeforeItsRunFolderExists() throws Exception {
        Path data = SyntheticIdx.write(tmp.resolve("data"), 120, 40, 8, 1);
        // 64 inputs × 100 000 units: 7.5 million parameters, 60 MB a copy; training holds about 9 copies
        Files.writeString(tmp.resolve("big.json"), CONFIG.replace("UNITS", "100000").replace("TYPE", "sigmoid"));
        PluginSubprocess.Result r = PluginSubprocess.run(tmp, Map.of(), "train", "big.json", "--data", data.toString(),
                "--out", "run");
        assertEquals(2, r.code(), r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).matches("training this network needs about \\d+ MB of heap \\(7,500,010 parameters: .*\\) "
                + "but the heap is 256 MB; run with JAVA_OPTS=-Xmx\\dg, or use fewer units or a smaller batch"), lines.get(0));
        assertFalse(Files.exists(tmp.resolve("run")), "refused before the run folder is made");
    }

    @Test
    void anOutOfMemoryErrorIsOneLineExitOneAndLeavesNoFolderThatBlocksOut() throws Exception {
        Path data = SyntheticIdx.write(tmp.resolve("data"), 120, 40, 8, 1);
        // a plugin stage that asks for 1.6 GB in its first training batch: no estimate can see that coming
        PluginHostileSources greedy = new PluginHostileSources("com.acme.greedy", "greedy");
        greedy.forwardExtra = "if (in.rows() == 4) { double[] big = new double[200_000_000]; big[1] = 1; y = new Tensor(1, (int) big[1]); }";
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Files.copy(greedy.build(tmp), plugins.resolve("greedy.jar"));
        Files.writeString(tmp.resolve("greedy.json"), CONFIG.replace("UNITS", "16").replace("TYPE", "greedy"));
        PluginSubprocess.Result r = PluginSubprocess.run(tmp, Map.of(), "--plugins", plugins.toString(), "train",
                "greedy.json", "--data", data.toString(), "--out", "run");
        assertEquals(1, r.code(), r.err());
        List<String> lines = r.err().lines().filter(l -> !l.startsWith("epoch ")).toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("out of memory (Java heap space) with a heap of 256 MB; give Java more with "
                + "JAVA_OPTS=-Xmx"), lines.get(0));
        assertFalse(Files.exists(tmp.resolve("run")), "the failed start took its folder back: " + r.err());
    }

    @Test
    void anIdxFileDeclaringMoreThanTheHeapIsOneLineBeforeAllocatingWithAHeapThatHoldsIt() throws Exception {
        Path data = SyntheticIdx.write(tmp.resolve("data"), 120, 40, 8, 1);
        // the header declares 4 687 500 images of 8×8 = 300 MB; the file is sparse: that long, and no disk taken
        Path images = data.resolve("train-images-idx3-ubyte");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(images.toFile(), "rw")) {
            f.setLength(0);
            f.writeInt(0x00000803);
            f.writeInt(4_687_500);
            f.writeInt(8);
            f.writeInt(8);
            f.setLength(16 + 300_000_000L);
        }
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(data.resolve("train-labels-idx1-ubyte").toFile(), "rw")) {
            f.setLength(0);
            f.writeInt(0x00000801);
            f.writeInt(4_687_500);
            f.setLength(8 + 4_687_500L);
        }
        Files.writeString(tmp.resolve("small.json"), CONFIG.replace("UNITS", "16").replace("TYPE", "sigmoid"));
        PluginSubprocess.Result r = PluginSubprocess.run(tmp, Map.of(), "train", "small.json", "--data", data.toString(),
                "--out", "run");
        assertEquals(2, r.code(), r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(".*train-images-idx3-ubyte: header says .* bytes: "
                + "needs 287 MB in memory, more than the \\d+ MB free of a heap of 256 MB; give Java more with "
                + "JAVA_OPTS=-Xmx(\\d+)g").matcher(lines.get(0));
        assertTrue(m.matches(), lines.get(0));
        assertTrue(Integer.parseInt(m.group(1)) * 1024 > 256 + 287, lines.get(0));
        assertFalse(Files.exists(tmp.resolve("run")), "refused before the run folder is made");
    }
}
