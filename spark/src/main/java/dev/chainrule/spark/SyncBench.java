package dev.chainrule.spark;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.chainrule.engine.EngineModule;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.network.Network;
import dev.chainrule.engine.pipeline.ConfigPipeline;
import dev.chainrule.engine.run.TrainingRun;
import dev.chainrule.engine.train.ClassCheck;
import dev.chainrule.engine.train.DataSource;
import dev.chainrule.engine.train.SgdTrainer;
import dev.chainrule.engine.train.ShardGradients;
import dev.chainrule.engine.train.ShardedStep;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * bench/spark.sh: the per-step cost of computing a step's K shards as Spark tasks against computing them one
 * after the other in this JVM, on MNIST with mnist-3layer's network at several widths. Prints a markdown table:
 * parameters, K, batch, local ms/step, Spark ms/step, their difference (the synchronization: broadcast, task
 * launch, result transfer) and that per parameter.
 *
 * <p>Arguments: MASTER BATCH STEPS [K...] (default local[2] 256 30 2 4).
 */
public final class SyncBench {
    private SyncBench() {
    }

    public static void main(String[] args) {
        String master = args.length > 0 ? args[0] : "local[2]";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int[] ks = args.length > 3 ? Arrays.stream(args, 3, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {2, 4};
        PrintWriter silent = new PrintWriter(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        Injector injector = Guice.createInjector(new EngineModule(new Terminal(silent, silent, false), System.getenv()));
        JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster(master).setAppName("SyncBench")
                .set("spark.ui.enabled", "false"));
        try {
            System.out.println("| parameters | K | batch | local ms/step | Spark ms/step | round trip ms/step |");
            System.out.println("|---:|---:|---:|---:|---:|---:|");
            int[][] widths = {{16, 8}, {128, 64}, {512, 256}, {1024, 1024}};
            for (int[] w : widths) {
                for (int k : ks) {
                    row(injector, sc, w, k, batch, steps);
                }
            }
        } finally {
            sc.stop();
        }
    }

    private static void row(Injector injector, JavaSparkContext sc, int[] w, int k, int batch, int steps) {
        String json = String.format(Locale.ROOT, """
                {"name": "sync", "seed": 42, "data": {"dataset": "mnist"},
                 "network": {"layers": [{"type": "dense", "units": %d}, {"type": "sigmoid"},
                   {"type": "dense", "units": %d}, {"type": "sigmoid"}, {"type": "dense", "units": 10},
                   {"type": "softmax"}]},
                 "training": {"batchSize": %d, "epochs": 1, "shards": %d}}
                """, w[0], w[1], batch, k);
        RunConfig c = injector.getInstance(ConfigPipeline.class).parse(json, "bench", "sync",
                Path.of("").toAbsolutePath());
        DataSource.Split split = injector.getInstance(DataSource.class).load(c.data());
        c = c.resolveInput(split.train().features());
        Network net = ClassCheck.build(injector.getInstance(NetworkFactory.class), c, split.train(), split.test());
        int[] order = SgdTrainer.epochOrder(split.train().size(), c.seed(), 1, true);
        double local = perStep(ShardGradients.LOCAL.open(c, net, split.train()), order, batch, steps);
        double spark = perStep(new SparkShards(sc).open(c, net, split.train()), order, batch, steps);
        long params = TrainingRun.parameterCount(net);
        double trip = roundTrip(sc, net, k, steps);
        System.out.printf(Locale.ROOT, "| %,d | %d | %d | %.1f | %.1f | %.1f |%n", params, k, batch, local, spark, trip);
    }

    /**
     * The synchronization alone: the weights broadcast, K tasks that read them and each return a gradient of the
     * same size (no training work), collected in order; median ms over {@code steps} after 5 warm-up rounds.
     */
    private static double roundTrip(JavaSparkContext sc, Network net, int k, int steps) {
        List<dev.chainrule.api.Parameter> params = net.parameters();
        int total = 0;
        for (var p : params) {
            total += p.grad().length;
        }
        int size = total;
        org.apache.spark.api.java.JavaRDD<Integer> shards = sc.parallelize(
                java.util.stream.IntStream.range(0, k).boxed().toList(), k);
        double[] t = new double[steps];
        for (int s = -5; s < steps; s++) {
            long t0 = System.nanoTime();
            double[][] w = new double[params.size()][];
            for (int i = 0; i < w.length; i++) {
                w[i] = params.get(i).value().clone();
            }
            org.apache.spark.broadcast.Broadcast<double[][]> b = sc.broadcast(w);
            List<ShardedStep.Shard> r = shards.mapPartitionsWithIndex((idx, it) -> {
                double[] g = new double[size];
                g[0] = b.value()[0][0];
                return java.util.Collections.singletonList(new ShardedStep.Shard(0, 0, g)).iterator();
            }, true).collect();
            b.destroy(false);
            if (r.size() != k) {
                throw new IllegalStateException();
            }
            if (s >= 0) {
                t[s] = (System.nanoTime() - t0) / 1e6;
            }
        }
        Arrays.sort(t);
        return t[steps / 2];
    }

    /** Median ms per step over {@code steps} steps after 5 warm-up steps. */
    private static double perStep(ShardGradients g, int[] order, int batch, int steps) {
        try (g) {
            double[] t = new double[steps];
            for (int s = -5; s < steps; s++) {
                long t0 = System.nanoTime();
                List<ShardedStep.Shard> r = g.compute(1, order, ((s + 5) * batch) % (order.length - batch), batch);
                if (r.isEmpty()) {
                    throw new IllegalStateException();
                }
                if (s >= 0) {
                    t[s] = (System.nanoTime() - t0) / 1e6;
                }
            }
            Arrays.sort(t);
            return t[steps / 2];
        }
    }
}
