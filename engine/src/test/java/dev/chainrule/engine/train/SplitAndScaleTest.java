package dev.chainrule.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.Shape;
import dev.chainrule.api.data.Features;
import dev.chainrule.api.data.Table;
import dev.chainrule.api.data.Targets;
import dev.chainrule.engine.config.RunConfig;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The engine's test and validation splits (seeded, stratified, disjoint, in row order) and its scaling fit. */
class SplitAndScaleTest {
    /** 100 rows: classes 0, 1, 2 in proportion 50 : 30 : 20, two features (row index, and a constant). */
    private static Table table() {
        int n = 100;
        double[] x = new double[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = 7;
            y[i] = i < 50 ? 0 : i < 80 ? 1 : 2;
        }
        return new Table("t", Shape.of(2), Features.float64(x, 2), Targets.classes(y, List.of("a", "b", "c")),
                List.of("i", "seven"), null);
    }

    @Test
    void theTestSplitIsStratifiedDisjointOrderedAndAPureFunctionOfTheSeed() {
        Table t = table();
        int[][] s = PluginDataSource.split(t, 0.2, 42);
        assertEquals(80, s[0].length);
        assertEquals(20, s[1].length);
        int[] perClass = new int[3];
        for (int r : s[1]) {
            perClass[t.label(r)]++;
        }
        assertArrayEquals(new int[] {10, 6, 4}, perClass, "20% of each class");
        assertTrue(IntStream.of(s[0]).noneMatch(r -> Arrays.binarySearch(s[1], r) >= 0), "disjoint");
        assertArrayEquals(IntStream.concat(IntStream.of(s[0]), IntStream.of(s[1])).sorted().toArray(),
                IntStream.range(0, 100).toArray(), "together every row once");
        assertArrayEquals(IntStream.of(s[1]).sorted().toArray(), s[1], "in row order");
        assertArrayEquals(s[1], PluginDataSource.split(t, 0.2, 42)[1], "the same seed, the same rows");
        assertTrue(!Arrays.equals(s[1], PluginDataSource.split(t, 0.2, 43)[1]), "another seed, other rows");
    }

    @Test
    void theValidationSplitOfTheTrainingRowsIsStratifiedToo() {
        Table t = table();
        int[][] s = PluginDataSource.split(t, 0.2, 42);
        RunConfig.Fitted fit = PluginDataSource.fit(t, s[0], "none");
        Samples[] v = new TableSamples(t, s[0], fit).validationSplit(0.25, 42);
        assertEquals(60, v[0].size());
        assertEquals(20, v[1].size());
        TableSamples val = (TableSamples) v[1];
        int[] perClass = new int[3];
        for (int i = 0; i < val.size(); i++) {
            int row = val.tableRow(i);
            perClass[t.label(row)]++;
            assertTrue(Arrays.binarySearch(s[0], row) >= 0, "validation rows come from the training rows");
        }
        assertArrayEquals(new int[] {10, 6, 4}, perClass);
    }

    @Test
    void scalingIsFittedOnTheTrainingRowsOnlyAndAConstantFeatureKeepsDivisorOne() {
        Table t = table();
        int[] rows = {0, 1, 2, 3};
        RunConfig.Fitted std = PluginDataSource.fit(t, rows, "standardize");
        assertArrayEquals(new double[] {1.5, 7}, std.offset());
        assertArrayEquals(new double[] {Math.sqrt(1.25), 1}, std.divisor());
        RunConfig.Fitted mm = PluginDataSource.fit(t, rows, "minmax");
        assertArrayEquals(new double[] {0, 7}, mm.offset());
        assertArrayEquals(new double[] {3, 1}, mm.divisor());
        assertEquals(List.of("a", "b", "c"), std.classes());
        assertEquals(List.of("i", "seven"), std.features());
        // a batch is scaled by the fit: row 3 is (3 − 1.5)/√1.25 and (7 − 7)/1
        TableSamples ts = new TableSamples(t, rows, std);
        dev.chainrule.api.Tensor x = new dev.chainrule.api.Tensor(1, 2);
        ts.fill(new int[] {3}, 0, 1, x, new int[1]);
        assertArrayEquals(new double[] {(3 - 1.5) / Math.sqrt(1.25), 0}, x.data());
    }
}
