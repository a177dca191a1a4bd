package dev.chainrule.runner.cli;

import dev.chainrule.engine.Chainrule;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.cluster.Cluster;
import dev.chainrule.engine.sweep.Sweep;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Train every variant of a sweep file (a base config and a grid or list of config-field "
                + "overrides) as an ordinary run folder, locally on N workers or with one Spark task per run, and "
                + "write summary.csv and summary.txt (best first). `runner serve SWEEP_DIR` shows the runs."},
        footer = {"", "Exit codes: 0 every variant trained, 1 a variant diverged, 2 bad input (before any folder "
                + "is written)."})
public class SweepCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SWEEP", description = "the sweep file, e.g. bench/sweep-mnist.json (docs/spark.md)")
    Path file;

    @Option(names = "--workers", paramLabel = "N",
            description = "variants trained at once in this JVM (default: the file's \"workers\", else the core count)")
    Integer workers;

    @Option(names = "--spark", paramLabel = "MASTER",
            description = "one Spark task per variant on MASTER instead of local workers (spark/bin/runner-spark)")
    String spark;

    @Option(names = "--out", paramLabel = "DIR",
            description = "the sweep folder (default runs/<sweep name>-<yyyyMMdd-HHmmss>); new or empty")
    Path out;

    private final Terminal terminal;

    @Inject
    public SweepCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        if (workers != null && (workers < 1 || workers > 256)) {
            throw new BadInputException("--workers: must be an integer from 1 to 256, got " + workers);
        }
        if (spark != null && workers != null) {
            throw new BadInputException("--workers: not with --spark (Spark runs one task per variant on its cores)");
        }
        Cluster cluster = null;
        if (spark != null) {
            cluster = Cluster.load("--spark");
            cluster.checkMaster(spark);
        }
        Sweep sweep = Sweep.read(file, Chainrule.create());
        Path dir = sweep.folder(out);
        int n = workers != null ? workers : sweep.workers() != null ? sweep.workers()
                : Runtime.getRuntime().availableProcessors();
        sweep.prepare(dir);
        terminal.out().printf(Locale.ROOT, "sweep %s: %d variants %s, folder %s%n", sweep.name(),
                sweep.variants().size(), spark != null ? "as Spark tasks on " + spark
                        : "on " + Math.min(n, sweep.variants().size()) + " local worker" + (n == 1 ? "" : "s"), dir);
        terminal.out().flush();
        long start = System.nanoTime();
        List<Sweep.Result> results;
        if (cluster != null) {
            try (Cluster.Session session = cluster.connect(spark, "chainrule sweep " + sweep.name())) {
                results = session.sweep(sweep, dir);
            }
        } else {
            results = sweep.runLocal(dir, n, r -> {
                synchronized (terminal) {
                    terminal.out().printf(Locale.ROOT, "%s: %s, %.1f s%n", r.name(), r.regression()
                            ? String.format(Locale.ROOT, "test loss %.4f", r.finalLoss())
                            : String.format(Locale.ROOT, "test accuracy %.2f%%", 100 * r.finalAccuracy()), r.seconds());
                    terminal.out().flush();
                }
            });
        }
        double wall = (System.nanoTime() - start) / 1e9;
        terminal.out().print(sweep.writeSummary(dir, results, wall));
        terminal.out().println("summary: " + dir.resolve("summary.csv") + "; runner serve " + dir + " shows the runs");
        terminal.out().flush();
        return 0;
    }
}
