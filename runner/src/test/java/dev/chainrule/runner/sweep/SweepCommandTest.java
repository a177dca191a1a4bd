package dev.chainrule.runner.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.runner.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** runner sweep on local workers, and the bad input of sweeps and of --spark without Spark on the class path. */
class SweepCommandTest {
    @TempDir
    Path tmp;

    Path base() throws IOException {
        Random r = new Random(3);
        StringBuilder sb = new StringBuilder("a,b,c,d,label\n");
        for (int i = 0; i < 90; i++) {
            int c = i % 3;
            for (int j = 0; j < 4; j++) {
                sb.append(String.format(Locale.ROOT, "%.5f,", (j % 3 == c ? 2.0 : 0.0) + r.nextGaussian()));
            }
            sb.append("k").append(c).append('\n');
        }
        Files.writeString(tmp.resolve("blobs.csv"), sb.toString());
        Path base = tmp.resolve("base.json");
        Files.writeString(base, """
                {"name": "b", "seed": 3, "data": {"type": "csv", "path": "blobs.csv", "label": "label", "testSplit": 0.2},
                 "network": {"layers": [{"type": "dense", "units": 8}, {"type": "relu"}, {"type": "dense", "units": 3},
                                        {"type": "softmax"}]},
                 "training": {"batchSize": 8, "epochs": 2}}
                """);
        return base;
    }

    Path sweep(String body) throws IOException {
        base();
        Path f = tmp.resolve("sweep.json");
        Files.writeString(f, body);
        return f;
    }

    @Test
    void fourVariantsOnTwoWorkersAreOrdinaryRunsWithASummaryBestFirst() throws IOException {
        Path f = sweep("""
                {"base": "base.json", "grid": {"training.optimizer.learningRate": [0.05, 0.2], "network.layers[0].units": [4, 8]}}
                """);
        Path out = tmp.resolve("out");
        Cli.Result r = Cli.run(null, "sweep", f.toString(), "--workers", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("4 variants on 2 local workers"), r.out());
        List<String> csv = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals(5, csv.size());
        assertTrue(csv.get(0).startsWith("rank,name,training.optimizer.learningRate,network.layers[0].units,finalAccuracy"),
                csv.get(0));
        double previous = 2;
        for (String line : csv.subList(1, 5)) {
            double acc = Double.parseDouble(line.split(",")[4]);
            assertTrue(acc <= previous, "best first: " + csv);
            previous = acc;
        }
        assertTrue(Files.readString(out.resolve("summary.txt")).contains("b-04"));
        // each variant is exactly `runner train` of its config alone
        for (String v : List.of("b-01", "b-02", "b-03", "b-04")) {
            Path alone = tmp.resolve("alone-" + v);
            Cli.Result t = Cli.run(null, "train", out.resolve("configs").resolve(v + ".json").toString(), "--out",
                    alone.toString());
            assertEquals(0, t.code(), t.err());
            assertArrayEquals(Files.readAllBytes(alone.resolve("weights.bin")),
                    Files.readAllBytes(out.resolve(v).resolve("weights.bin")), v);
        }
        assertTrue(Files.readString(out.resolve("configs").resolve("b-02.json")).contains("\"units\" : 8"));
    }

    void assertBad(Path f, String expected, String... extra) {
        Path out = tmp.resolve("never");
        String[] args = new String[3 + extra.length + 2];
        args[0] = "sweep";
        args[1] = f.toString();
        System.arraycopy(extra, 0, args, 2, extra.length);
        args[2 + extra.length] = "--out";
        args[3 + extra.length] = out.toString();
        args = java.util.Arrays.copyOf(args, 4 + extra.length);
        Cli.Result r = Cli.run(null, args);
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void badSweepsAreOneLineAndWriteNothing() throws IOException {
        assertBad(sweep("{\"base\": \"base.json\", \"grid\": {}}"), "grid: empty");
        assertBad(sweep("{\"base\": \"base.json\", \"grid\": {\"seed\": []}}"), "grid: 'seed' has no values");
        assertBad(sweep("{\"base\": \"base.json\", \"grid\": {\"training.learningRate\": [0.1]}}"),
                "training.learningRate: unknown field");
        assertBad(sweep("{\"base\": \"base.json\", \"grid\": {\"network.layers[9].units\": [4]}}"),
                "the base config has no layers[9]");
        assertBad(sweep("{\"base\": \"base.json\", \"variants\": []}"), "variants: empty");
        assertBad(sweep("{\"base\": \"base.json\", \"grid\": {\"training.shards\": [9]}}"),
                "training.shards: 9 is more than training.batchSize 8");
        assertBad(sweep("{\"base\": \"base.json\", \"grid\": {\"seed\": [1]}}"), "--spark: Spark is not on the class path",
                "--spark", "local[2]");
    }

    @Test
    void trainWithSparkButWithoutSparkOnTheClassPathIsOneLine() throws IOException {
        Path base = base();
        Path out = tmp.resolve("run");
        Cli.Result r = Cli.run(null, "train", base.toString(), "--spark", "local[2]", "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("--spark: Spark is not on the class path; run spark/bin/runner-spark"), r.err());
        assertFalse(Files.exists(out));
        Cli.Result k = Cli.run(null, "train", base.toString(), "--batch-size", "1", "--out", out.toString());
        assertEquals(0, k.code(), k.err());
        Files.writeString(base, Files.readString(base).replace("\"epochs\": 2", "\"epochs\": 1, \"shards\": 0"));
        Cli.Result zero = Cli.run(null, "train", base.toString(), "--out", tmp.resolve("z").toString());
        assertEquals(2, zero.code());
        assertTrue(zero.err().contains("training.shards"), zero.err());
        assertFalse(Files.exists(tmp.resolve("z")));
        Files.writeString(base, Files.readString(base).replace("\"shards\": 0", "\"shards\": 4"));
        Cli.Result small = Cli.run(null, "train", base.toString(), "--batch-size", "2", "--out", tmp.resolve("s").toString());
        assertEquals(2, small.code());
        assertTrue(small.err().startsWith("--batch-size: 2 is less than training.shards 4"), small.err());
    }
}
