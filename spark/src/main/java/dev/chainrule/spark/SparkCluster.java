package dev.chainrule.spark;

import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.cluster.Cluster;
import dev.chainrule.engine.sweep.Sweep;
import dev.chainrule.engine.train.ShardGradients;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Spark as the engine's cluster backend. A {@code local…} master binds the driver to 127.0.0.1 and every
 * context runs without its web UI; under spark-submit the master and settings it gave win.
 */
public final class SparkCluster implements Cluster {
    private static final Pattern MASTER = Pattern.compile(
            "local|local\\[(\\*|[1-9]\\d*)(,[1-9]\\d*)?]|local-cluster\\[[1-9]\\d*,\\s*[1-9]\\d*,\\s*[1-9]\\d*]"
                    + "|spark://[^\\s/]+(:\\d+)?(,[^\\s/]+(:\\d+)?)*|yarn|k8s://\\S+");

    @Override
    public String name() {
        return "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION();
    }

    @Override
    public void checkMaster(String master) {
        if (master == null || !MASTER.matcher(master).matches()) {
            throw new BadInputException("--spark: unknown master URL '" + master + "'; use local[N] (local[N,F]: F "
                    + "attempts per task), local-cluster[W,C,MB], spark://HOST:PORT, yarn or k8s://URL");
        }
    }

    @Override
    public Session connect(String master, String appName) {
        checkMaster(master);
        // under spark-submit the spark.* system properties are set: its master and settings win
        SparkConf conf = new SparkConf().setAppName(appName).set("spark.ui.enabled", "false");
        if (!conf.contains("spark.master")) {
            conf.setMaster(master);
        }
        if (master.startsWith("local")) {
            conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkContext.getOrCreate(conf));
        return session(sc, true);
    }

    /** A session on a context the caller made (a test's, spark-submit's); {@code stop}: stop it on close. */
    public static Session session(JavaSparkContext sc, boolean stop) {
        return new Session() {
            @Override
            public ShardGradients.Factory shards() {
                return new SparkShards(sc);
            }

            @Override
            public List<Sweep.Result> sweep(Sweep sweep, Path dir) {
                return SparkSweep.run(sc, sweep, dir);
            }

            @Override
            public void close() {
                if (stop) {
                    sc.stop();
                }
            }
        };
    }
}
