package dev.chainrule.engine.cluster;

import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.sweep.Sweep;
import dev.chainrule.engine.train.ShardGradients;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A cluster backend ({@code runner train --spark MASTER}, {@code runner sweep --spark MASTER}): the spark
 * module provides one (META-INF/services); the runner itself never needs it on its class path.
 */
public interface Cluster {

    /** The backend's name and version for messages, e.g. "Spark 4.2.0". */
    String name();

    /** Throws a one-line {@link BadInputException} when {@code master} is not a master URL this backend takes. */
    void checkMaster(String master);

    /** Connects to {@code master} (or joins the context spark-submit made); {@link Session#close} lets go of it. */
    Session connect(String master, String appName);

    /** A connection to a cluster. */
    interface Session extends AutoCloseable {
        /** Shards of each training step as tasks: the same bits as {@link ShardGradients#LOCAL}. */
        ShardGradients.Factory shards();

        /** Every variant as one task, each a run folder under {@code dir}; results in variant order. */
        List<Sweep.Result> sweep(Sweep sweep, Path dir);

        @Override
        void close();
    }

    /** The backend on the class path, or one line saying how to get it there. */
    static Cluster load(String option) {
        // the engine's own loader (runner-spark's class path), then the context loader (spark-submit's --jars)
        for (ClassLoader loader : new ClassLoader[] {Cluster.class.getClassLoader(),
                Thread.currentThread().getContextClassLoader()}) {
            if (loader == null) {
                continue;
            }
            for (Cluster c : ServiceLoader.load(Cluster.class, loader)) {
                return c;
            }
        }
        throw new BadInputException(option + ": Spark is not on the class path; run spark/bin/runner-spark instead of "
                + "runner/bin/runner, or spark-submit with the spark module's jar (docs/spark.md)");
    }
}
