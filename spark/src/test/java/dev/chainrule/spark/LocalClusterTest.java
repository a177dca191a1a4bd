package dev.chainrule.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chainrule.engine.Chainrule;
import dev.chainrule.engine.train.ShardBackend;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code local-cluster[2,1,1024]}: two executor JVMs, so weights, config and results really cross process
 * boundaries serialized. The surefire execution sets SPARK_HOME (a folder whose jars/ this test fills with links to
 * the class path's jars; the build's class folders go to spark.executor.extraClassPath) and SPARK_LOCAL_IP.
 */
@Tag("slow")
class LocalClusterTest {
    static JavaSparkContext sc;
    @TempDir
    static Path data;

    @BeforeAll
    static void start() throws IOException {
        String home = System.getenv("SPARK_HOME");
        if (home == null) {
            throw new IllegalStateException("SPARK_HOME is not set (spark/pom.xml's slow-tests execution sets it)");
        }
        Path jars = Path.of(home, "jars");
        Files.createDirectories(jars);
        List<String> folders = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e).toAbsolutePath();
            if (Files.isDirectory(p)) {
                folders.add(p.toString());
            } else if (e.endsWith(".jar") && Files.isRegularFile(p)) {
                Path link = jars.resolve(p.getFileName());
                if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, p);
                }
            }
        }
        sc = new JavaSparkContext(new SparkConf().setMaster("local-cluster[2,1,1024]").setAppName("LocalClusterTest")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1").set("spark.executor.memory", "512m")
                .set("spark.executor.extraClassPath", String.join(File.pathSeparator, folders))
                .set("spark.executor.extraJavaOptions", "--add-modules jdk.incubator.vector"));
        SparkTrainingTest.writeBlobs(data.resolve("blobs.csv"), 120, 6, 3, 11);
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    @Test
    void twoExecutorJvmsGiveTheBitsOfTheLocalShards(@TempDir Path tmp) throws IOException {
        String json = SparkTrainingTest.config(data.resolve("blobs.csv"), 2, "");
        Chainrule l = Chainrule.create();
        l.train(l.config(json), tmp.resolve("local"));
        ShardBackend backend = new ShardBackend();
        backend.use(SparkCluster.session(sc, false).shards());
        Chainrule s = Chainrule.builder().override(b -> b.bind(ShardBackend.class).toInstance(backend)).build();
        s.train(s.config(json), tmp.resolve("spark"));
        SparkTrainingTest.assertSameRun(tmp.resolve("local"), tmp.resolve("spark"));
        // the tasks ran in the executors' JVMs, not in this one
        assertEquals(2, sc.sc().getExecutorMemoryStatus().size() - 1);
    }
}
