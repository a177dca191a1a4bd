package dev.chainrule.spark;

import dev.chainrule.engine.sweep.Sweep;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;

/** A sweep with one Spark task per variant; each task writes its run folder under a path every executor sees. */
final class SparkSweep {
    private SparkSweep() {
    }

    static List<Sweep.Result> run(JavaSparkContext sc, Sweep sweep, Path dir) {
        String folder = dir.toAbsolutePath().toString();
        List<Sweep.Variant> variants = sweep.variants();
        // one partition per variant, collected in partition (= variant) order
        return sc.parallelize(variants, variants.size())
                .map(v -> Sweep.runOne(v, Path.of(folder)))
                .collect();
    }
}
