package dev.chainrule.spark;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.chainrule.api.Parameter;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.network.Network;
import dev.chainrule.engine.train.Samples;
import dev.chainrule.engine.train.ShardGradients;
import dev.chainrule.engine.train.ShardedStep;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The K shards of every step as K Spark tasks: the driver broadcasts the weights, task s (partition s) computes
 * {@link ShardedStep#compute} for shard s on an executor's replica of the network, and {@code collect} returns
 * the K results in partition order, so the driver adds them in shard order ({@link ShardedStep#apply}) whatever
 * order the tasks finished in. The config is broadcast once; executors read the data through the data-source
 * plugins from the path the config names (every executor must see it).
 */
final class SparkShards implements ShardGradients.Factory {
    private final JavaSparkContext sc;

    SparkShards(JavaSparkContext sc) {
        this.sc = sc;
    }

    @Override
    public ShardGradients open(RunConfig config, Network network, Samples train) {
        String json;
        try {
            json = JsonMapper.builder().build().writeValueAsString(config.toJsonMap());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int k = config.training().shards();
        int n = train.size();
        int b = ShardedStep.batchSize(config, train);
        Broadcast<String> conf = sc.broadcast(json);
        JavaRDD<Integer> shards = sc.parallelize(IntStream.range(0, k).boxed().collect(Collectors.toList()), k);
        String failOnce = sc.getConf().get(Replicas.FAIL_ONCE, "");
        List<Parameter> params = network.parameters();
        return new ShardGradients() {
            @Override
            public List<ShardedStep.Shard> compute(int epoch, int[] order, int from, int count) {
                double[][] w = new double[params.size()][];
                for (int i = 0; i < w.length; i++) {
                    w[i] = params.get(i).value().clone();
                }
                Broadcast<double[][]> weights = sc.broadcast(w);
                try {
                    return new ArrayList<>(shards.mapPartitionsWithIndex((s, it) -> Collections.singletonList(
                            Replicas.shard(conf.value(), weights.value(), n, epoch, from, count, b, k, s, failOnce))
                            .iterator(), true).collect());
                } finally {
                    weights.destroy(false);
                }
            }

            @Override
            public void close() {
                conf.destroy(false);
            }
        };
    }
}
