package dev.chainrule.engine.train;

import dev.chainrule.api.OptionException;
import dev.chainrule.api.Options;
import dev.chainrule.api.data.DataContext;
import dev.chainrule.api.data.DataException;
import dev.chainrule.api.data.DataSet;
import dev.chainrule.api.data.DataSourceProvider;
import dev.chainrule.api.data.Table;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.data.MnistFetcher;
import dev.chainrule.engine.registry.ProviderRegistry;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The samples a config's {@code data} names: the two IDX forms through {@link IdxDataSource} (bitwise as they
 * always were), any other type through its data-source provider (built-in or a plugin jar). For a provider's
 * data the engine then holds out the test split when the source has no test data (seeded, stratified by class,
 * disjoint, in file order), fits the scaling on the training split only (float64, in row order) — or takes
 * both from the run's record — and serves rows as {@link TableSamples}.
 */
public class PluginDataSource implements DataSource {
    /** Held out for testing when a source has no test data and the config gives no testSplit. */
    public static final double DEFAULT_TEST_SPLIT = 0.2;

    private final IdxDataSource idx;
    private final ProviderRegistry registry;
    private final Terminal terminal;

    @Inject
    public PluginDataSource(IdxDataSource idx, ProviderRegistry registry, Terminal terminal) {
        this.idx = idx;
        this.registry = registry;
        this.terminal = terminal;
    }

    @Override
    public Split load(RunConfig.Data data) {
        if (!data.typed()) {
            return idx.load(data);
        }
        DataSourceProvider provider = registry.dataSource(data.type());
        DataContext context = new DataContext(data.type(), new Options(data.options()),
                data.base() == null ? null : Path.of(data.base()), data.seed(), line -> {
                    terminal.err().println(line);
                    terminal.err().flush();
                }, MnistFetcher.defaultCacheDir().resolveSibling("data"));
        DataSet set;
        try {
            set = provider.load(context);
        } catch (DataException e) {
            throw new BadInputException(e.getMessage(), e);
        } catch (OptionException e) {
            throw new BadInputException("data" + (e.key() == null ? "" : "." + e.key()) + ": " + e.getMessage(), e);
        }
        Table train = set.train();
        Table test = set.test();
        if (train.size() == 0) {
            throw new BadInputException(train.name() + ": no rows of data");
        }
        int[] trainRows;
        int[] testRows;
        if (test != null) {
            if (data.testSplit() > 0) {
                throw new BadInputException("data.testSplit: the data source has test data already (data.test); "
                        + "give one or the other");
            }
            trainRows = all(train.size());
            testRows = all(test.size());
        } else {
            double fraction = data.testSplit() > 0 ? data.testSplit() : DEFAULT_TEST_SPLIT;
            if (data.testSplit() == 0 && data.fitted() == null) {
                terminal.err().printf(java.util.Locale.ROOT, "%s: no test data given; %.0f%% of the rows are held out "
                        + "for testing (data.testSplit)%n", data.type(), 100 * fraction);
                terminal.err().flush();
            }
            int[][] parts = split(train, fraction, data.seed());
            trainRows = parts[0];
            testRows = parts[1];
            test = train;
        }
        if (trainRows.length == 0 || testRows.length == 0) {
            throw new BadInputException(train.name() + ": " + train.size() + " rows are too few to hold out "
                    + "a test split; give more rows or a test file");
        }
        RunConfig.Fitted fitted = data.fitted() != null ? checked(data.fitted(), train, data)
                : fit(train, trainRows, data.scale());
        return new Split(new TableSamples(train, trainRows, fitted), new TableSamples(test, testRows, fitted));
    }

    private static int[] all(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    /**
     * The held-out rows: per class (or over all rows for regression), a seeded shuffle of the class's rows in
     * file order takes {@code round(fraction·n_c)} of them (at most n_c − 1, so each class keeps a training row);
     * both parts come back in file order. A pure function of (labels, fraction, seed).
     */
    static int[][] split(Table t, double fraction, long seed) {
        int[] all = new int[t.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return split(t, all, fraction, seed);
    }

    /** {@link #split(Table, double, long)} of the table rows {@code rows} (ascending); returns table rows. */
    static int[][] split(Table t, int[] rows, double fraction, long seed) {
        List<List<Integer>> groups = new ArrayList<>();
        if (t.isClassification()) {
            for (int c = 0; c < t.classNames().size(); c++) {
                groups.add(new ArrayList<>());
            }
            for (int i : rows) {
                groups.get(t.label(i)).add(i);
            }
        } else {
            List<Integer> g = new ArrayList<>();
            for (int i : rows) {
                g.add(i);
            }
            groups.add(g);
        }
        SplittableRandom rng = new SplittableRandom(seed ^ 0x7E575EEDL);
        java.util.Set<Integer> held = new java.util.HashSet<>();
        for (List<Integer> g : groups) {
            int n = g.size();
            int k = (int) Math.min(Math.max(0, n - 1L), Math.round(fraction * n));
            int[] perm = g.stream().mapToInt(Integer::intValue).toArray();
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int tmp = perm[i];
                perm[i] = perm[j];
                perm[j] = tmp;
            }
            for (int i = 0; i < k; i++) {
                held.add(perm[i]);
            }
        }
        int[] tr = new int[rows.length - held.size()];
        int[] te = new int[held.size()];
        int a = 0;
        int b = 0;
        for (int i : rows) {
            if (held.contains(i)) {
                te[b++] = i;
            } else {
                tr[a++] = i;
            }
        }
        return new int[][] {tr, te};
    }

    /**
     * The scaling of each feature from the training rows, in row order and float64: standardize takes the mean
     * and the population standard deviation (two passes), minmax the minimum and the range; a constant feature
     * keeps divisor 1, so it becomes 0 rather than NaN.
     */
    static RunConfig.Fitted fit(Table t, int[] rows, String scale) {
        int f = t.featureCount();
        double[] offset = new double[0];
        double[] divisor = new double[0];
        if (!"none".equals(scale)) {
            offset = new double[f];
            divisor = new double[f];
            for (int j = 0; j < f; j++) {
                int feature = j;
                double[] od = "standardize".equals(scale) ? standardize(r -> t.value(r, feature), rows)
                        : minmax(r -> t.value(r, feature), rows);
                offset[j] = od[0];
                divisor[j] = od[1];
            }
        }
        double[] tOffset = new double[0];
        double[] tDivisor = new double[0];
        if (!t.isClassification() && "standardize".equals(scale)) {
            int k = t.targetCount();
            tOffset = new double[k];
            tDivisor = new double[k];
            for (int j = 0; j < k; j++) {
                int target = j;
                double[] od = standardize(r -> t.target(r, target), rows);
                tOffset[j] = od[0];
                tDivisor[j] = od[1];
            }
        }
        return new RunConfig.Fitted(t.isClassification() ? t.classNames() : null,
                t.isClassification() ? null : t.targetNames(), t.featureNames(), scale, offset, divisor, tOffset,
                tDivisor);
    }

    /** {@code {mean, population standard deviation}} of a column over the rows, two passes in row order. */
    private static double[] standardize(java.util.function.IntToDoubleFunction value, int[] rows) {
        double sum = 0;
        for (int r : rows) {
            sum += value.applyAsDouble(r);
        }
        double mean = sum / rows.length;
        double sq = 0;
        for (int r : rows) {
            double d = value.applyAsDouble(r) - mean;
            sq += d * d;
        }
        double sd = Math.sqrt(sq / rows.length);
        return new double[] {mean, sd > 0 && Double.isFinite(sd) ? sd : 1};
    }

    /** {@code {minimum, range}} of a column over the rows; a constant column keeps divisor 1. */
    private static double[] minmax(java.util.function.IntToDoubleFunction value, int[] rows) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int r : rows) {
            double v = value.applyAsDouble(r);
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return new double[] {lo, hi > lo && Double.isFinite(hi - lo) ? hi - lo : 1};
    }

    /** A recorded fit must still describe the data: same classes (or targets) and features. */
    private static RunConfig.Fitted checked(RunConfig.Fitted f, Table t, RunConfig.Data data) {
        if (t.isClassification() && !t.classNames().equals(f.classes())) {
            throw new BadInputException(t.name() + ": classes " + t.classNames() + " differ from the model's "
                    + f.classes());
        }
        if (!t.isClassification() && !t.targetNames().equals(f.targets())) {
            throw new BadInputException(t.name() + ": targets " + t.targetNames() + " differ from the model's "
                    + f.targets());
        }
        if (!f.features().isEmpty() && !t.featureNames().equals(f.features())) {
            throw new BadInputException(t.name() + ": features " + abbreviate(t.featureNames()) + " differ from the "
                    + "model's " + abbreviate(f.features()));
        }
        return f;
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 8 ? names.toString()
                : names.subList(0, 8).toString().replace("]", ", … (" + names.size() + ")]");
    }
}
