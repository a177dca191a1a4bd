package dev.chainrule.spark;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.chainrule.api.Parameter;
import dev.chainrule.engine.EngineModule;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.network.Network;
import dev.chainrule.engine.pipeline.ConfigPipeline;
import dev.chainrule.engine.train.ClassCheck;
import dev.chainrule.engine.train.DataSource;
import dev.chainrule.engine.train.Samples;
import dev.chainrule.engine.train.SgdTrainer;
import dev.chainrule.engine.train.ShardedStep;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.spark.TaskContext;

/**
 * The executor side: per config (its JSON text), the training samples loaded once per JVM and a pool of network
 * replicas, one per concurrently running task (a network holds its forward pass's base points).
 */
final class Replicas {
    /** Test hook: {@code EPOCH:FROM:SHARD} makes that task throw on its first attempt (Spark retries it). */
    static final String FAIL_ONCE = "spark.chainrule.failOnce";

    /** How many failures {@link #FAIL_ONCE} injected in this JVM (tests). */
    static final java.util.concurrent.atomic.AtomicInteger INJECTED = new java.util.concurrent.atomic.AtomicInteger();

    private static final Map<String, Replicas> BY_CONFIG = new ConcurrentHashMap<>();

    private final RunConfig config;
    private final Samples train;
    private final NetworkFactory factory;
    private final Samples test;
    private final ConcurrentLinkedQueue<Network> idle = new ConcurrentLinkedQueue<>();
    private volatile int orderEpoch = -1;
    private volatile int[] order;

    private Replicas(String json) {
        PrintWriter silent = new PrintWriter(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        Injector injector = Guice.createInjector(new EngineModule(new Terminal(silent, silent, false), System.getenv()));
        RunConfig c = injector.getInstance(ConfigPipeline.class).parse(json, "the run's config (Spark task)", "run",
                Path.of("").toAbsolutePath());
        DataSource.Split split = injector.getInstance(DataSource.class).load(c.data());
        this.factory = injector.getInstance(NetworkFactory.class);
        this.config = c;
        this.test = split.test();
        this.train = SgdTrainer.trainingSplit(split.train(), c)[0];
    }

    private static Replicas of(String json) {
        return BY_CONFIG.computeIfAbsent(json, Replicas::new);
    }

    private synchronized int[] order(int epoch) {
        if (orderEpoch != epoch) {
            order = SgdTrainer.epochOrder(train.size(), config.seed(), epoch, config.training().shuffle());
            orderEpoch = epoch;
        }
        return order;
    }

    /** Shard {@code s} of the batch at {@code from} of {@code epoch}, on a replica holding {@code weights}. */
    static ShardedStep.Shard shard(String json, double[][] weights, int n, int epoch, int from, int count, int b, int k,
            int s, String failOnce) {
        TaskContext task = TaskContext.get();
        if (!failOnce.isEmpty() && failOnce.equals(epoch + ":" + from + ":" + s) && task != null
                && task.attemptNumber() == 0) {
            INJECTED.incrementAndGet();
            throw new IllegalStateException("injected failure of shard " + s + " (" + FAIL_ONCE + "), first attempt");
        }
        Replicas r = of(json);
        if (r.train.size() != n) {
            throw new IllegalStateException("the executor's training data has " + r.train.size()
                    + " samples, the driver's " + n + ": every executor must read the same data");
        }
        int[] order = r.order(epoch);
        Network net = r.idle.poll();
        if (net == null) {
            net = ClassCheck.build(r.factory, r.config, r.train, r.test);
        }
        try {
            List<Parameter> params = net.parameters();
            for (int i = 0; i < weights.length; i++) {
                double[] v = params.get(i).value();
                System.arraycopy(weights[i], 0, v, 0, v.length);
            }
            return ShardedStep.compute(net, r.train, order, r.config.seed(), epoch, from, count, b, k, s);
        } finally {
            r.idle.add(net);
        }
    }
}
