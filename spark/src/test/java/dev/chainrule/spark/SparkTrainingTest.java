package dev.chainrule.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.engine.Chainrule;
import dev.chainrule.engine.Trained;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.cluster.Cluster;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.sweep.Sweep;
import dev.chainrule.engine.train.ShardBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark on {@code local[2,2]} (2 threads, 2 attempts per task) against the same config trained with
 * {@code training.shards} on one machine: byte-identical weights and metrics, a task that fails once retried
 * with the same bits, resume, a sweep. One SparkContext for the class; no UI, loopback only.
 */
class SparkTrainingTest {
    static JavaSparkContext sc;
    @TempDir
    static Path data;

    /** Epoch 2, the batch at sample 32, shard 1 throws on its first attempt. */
    static final String FAIL_AT = "2:32:1";

    @BeforeAll
    static void start() throws IOException {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2,2]").setAppName("SparkTrainingTest")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1").set(Replicas.FAIL_ONCE, FAIL_AT));
        writeBlobs(data.resolve("blobs.csv"), 150, 6, 3, 11);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    /** Three Gaussian blobs in 6 dimensions, a header and a label column. */
    static void writeBlobs(Path csv, int rows, int features, int classes, long seed) throws IOException {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < features; j++) {
            sb.append("f").append(j).append(',');
        }
        sb.append("label\n");
        for (int i = 0; i < rows; i++) {
            int c = i % classes;
            for (int j = 0; j < features; j++) {
                sb.append(String.format(Locale.ROOT, "%.6f,", (j % classes == c ? 2.0 : 0.0) + r.nextGaussian()));
            }
            sb.append("c").append(c).append('\n');
        }
        Files.writeString(csv, sb.toString());
    }

    static String config(int shards, String extra) {
        return config(data.resolve("blobs.csv"), shards, extra);
    }

    static String config(Path csv, int shards, String extra) {
        return """
                {"name": "blobs", "seed": 5,
                 "data": {"type": "csv", "path": "DATA", "label": "label", "testSplit": 0.2, "scaling": "standardize"},
                 "network": {"layers": [{"type": "dense", "units": 12}, {"type": "relu"}, {"type": "dropout", "rate": 0.2},
                                        {"type": "dense", "units": 3}, {"type": "softmax"}]},
                 "training": {"optimizer": {"type": "sgd", "learningRate": 0.05, "momentum": 0.9},
                              "batchSize": 16, "epochs": 3, "shards": SHARDS EXTRA}}
                """.replace("DATA", csv.toString()).replace("SHARDS", String.valueOf(shards))
                .replace("EXTRA", extra);
    }

    static Chainrule local() {
        return Chainrule.create();
    }

    static Chainrule spark() {
        ShardBackend backend = new ShardBackend();
        backend.use(SparkCluster.session(sc, false).shards());
        return Chainrule.builder().override(b -> b.bind(ShardBackend.class).toInstance(backend)).build();
    }

    static void assertSameRun(Path expected, Path actual) throws IOException {
        assertArrayEquals(Files.readAllBytes(expected.resolve("weights.bin")), Files.readAllBytes(actual.resolve("weights.bin")),
                "weights.bin of " + actual + " differs from " + expected);
        assertEquals(withoutTimes(expected), withoutTimes(actual));
    }

    /** metrics.jsonl without the wall-clock fields: every epoch's losses and accuracies, to the bit. */
    static List<String> withoutTimes(Path run) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            out.add(line.replaceAll(",\"seconds\":[^,}]*", "").replaceAll(",\"samplesPerSecond\":[^,}]*", ""));
        }
        return out;
    }

    @Test
    void sparkShardsAreByteIdenticalToLocalShardsForTwoAndFour(@TempDir Path tmp) throws IOException {
        for (int k : new int[] {2, 4}) {
            Chainrule l = local();
            RunConfig c = l.config(config(k, ""));
            Path a = tmp.resolve("local-" + k);
            Path b = tmp.resolve("spark-" + k);
            l.train(c, a);
            Chainrule s = spark();
            s.train(s.config(config(k, "")), b);
            assertSameRun(a, b);
        }
        // the injected failure happened (and the run above went on with the retried task's bits)
        assertTrue(Replicas.INJECTED.get() >= 1, "the first attempt of shard 1 at " + FAIL_AT + " was made to fail");
    }

    @Test
    void resumeOnSparkIsBitwiseTheUninterruptedRun(@TempDir Path tmp) throws IOException {
        Chainrule l = local();
        Path whole = tmp.resolve("whole");
        l.train(l.config(config(2, ", \"checkpointEvery\": 48")), whole);
        Chainrule s = spark();
        Path cut = tmp.resolve("cut");
        RuntimeException stop = assertThrows(RuntimeException.class, () -> s.train(s.config(config(2,
                ", \"checkpointEvery\": 48")), cut, e -> {
                    if (e.epoch() == 1) {
                        throw new IllegalStateException("stop after epoch 1");
                    }
                }));
        assertEquals("stop after epoch 1", stop.getMessage());
        assertTrue(Files.isDirectory(cut.resolve("checkpoint")));
        Trained t = spark().resume(cut);
        assertEquals(3, t.epochs().size());
        assertSameRun(whole, cut);
    }

    @Test
    void aSweepOfFourVariantsRunsOneTaskPerRunWithTheBitsOfEachConfigAlone(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("sweep.json");
        Files.writeString(tmp.resolve("base.json"), config(1, ""));
        Files.writeString(file, """
                {"name": "blobs-sweep", "base": "base.json",
                 "grid": {"training.optimizer.learningRate": [0.02, 0.1], "training.batchSize": [8, 16]}}
                """);
        Chainrule l = local();
        Sweep sweep = Sweep.read(file, l);
        assertEquals(4, sweep.variants().size());
        Path dir = sweep.folder(tmp.resolve("out"));
        sweep.prepare(dir);
        List<Sweep.Result> results = SparkCluster.session(sc, false).sweep(sweep, dir);
        assertEquals(4, results.size());
        String table = sweep.writeSummary(dir, results, 1.0);
        assertTrue(table.contains("training.optimizer.learningRate"), table);
        assertEquals(5, Files.readAllLines(dir.resolve("summary.csv")).size());
        for (Sweep.Variant v : sweep.variants()) {
            Path alone = tmp.resolve("alone-" + v.name());
            Chainrule e = local();
            e.train(e.config(dir.resolve("configs").resolve(v.name() + ".json")), alone);
            assertSameRun(alone, dir.resolve(v.name()));
        }
    }

    @Test
    void badMastersAreOneLine() {
        Cluster spark = new SparkCluster();
        for (String bad : new String[] {"lokal[2]", "local[0]", "spark://", "mesos://x:5050", ""}) {
            BadInputException e = assertThrows(BadInputException.class, () -> spark.checkMaster(bad));
            assertTrue(e.getMessage().startsWith("--spark: unknown master URL '" + bad + "'"), e.getMessage());
        }
        for (String good : new String[] {"local", "local[2]", "local[*]", "local[2,3]", "local-cluster[2,1,1024]",
                "spark://host:7077", "yarn", "k8s://https://h:6443"}) {
            spark.checkMaster(good);
        }
    }
}
