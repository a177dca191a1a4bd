package dev.chainrule.engine.train;

import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.data.Table;
import dev.chainrule.engine.config.RunConfig;
import java.util.List;

/**
 * Rows {@code rows[0..]} of a data source's {@link Table}, renumbered 0..n−1, seen as {@link Samples}: each batch
 * is gathered from the table's compact storage (bytes, float32 or float64) and scaled by the fitted
 * {@code x' = (x − offset) / divisor} per feature (no scaling when the fit has none).
 */
public final class TableSamples implements Samples {
    private final Table table;
    private final int[] rows;
    private final RunConfig.Fitted fitted;
    private int[] scratch = new int[0];

    public TableSamples(Table table, int[] rows, RunConfig.Fitted fitted) {
        this.table = table;
        this.rows = rows.clone();
        this.fitted = fitted;
        if (fitted.offset().length != 0 && fitted.offset().length != table.featureCount()) {
            throw new IllegalArgumentException(table.name() + ": scaling of " + fitted.offset().length
                    + " features for rows of " + table.featureCount());
        }
    }

    @Override
    public int size() {
        return rows.length;
    }

    @Override
    public int features() {
        return table.featureCount();
    }

    @Override
    public Shape shape() {
        return table.shape();
    }

    @Override
    public int numClasses() {
        return table.isClassification() ? table.classNames().size() : table.targetCount();
    }

    @Override
    public List<String> classNames() {
        return table.isClassification() ? table.classNames() : null;
    }

    @Override
    public RunConfig.Fitted fitted() {
        return fitted;
    }

    @Override
    public boolean regression() {
        return !table.isClassification();
    }

    @Override
    public void fillTargets(int[] order, int from, int count, Tensor y) {
        int t = table.targetCount();
        if (y.rows() != count || y.cols() != t) {
            throw new IllegalArgumentException("target buffer must be " + count + "×" + t);
        }
        double[] off = fitted.targetOffset();
        double[] div = fitted.targetDivisor();
        double[] d = y.data();
        for (int b = 0; b < count; b++) {
            int row = rows[order[from + b]];
            for (int k = 0; k < t; k++) {
                double v = table.target(row, k);
                d[b * t + k] = off.length == 0 ? v : (v - off[k]) / div[k];
            }
        }
    }

    /**
     * Stratified like the test split (per class, a seeded shuffle in row order takes {@code round(fraction·n_c)},
     * leaving each class a training row), from a seed of its own so it never repeats the test split's draw.
     */
    @Override
    public Samples[] validationSplit(double fraction, long seed) {
        int[][] parts = PluginDataSource.split(table, rows, fraction, seed ^ 0x7A11DA7E5EEDL);
        if (parts[0].length == 0 || parts[1].length == 0) {
            throw new dev.chainrule.engine.base.BadInputException("training.earlyStopping.validationFraction: "
                    + rows.length + " training rows are too few to hold out a validation split");
        }
        return new Samples[] {new TableSamples(table, parts[0], fitted), new TableSamples(table, parts[1], fitted)};
    }

    /** The table row behind sample {@code i}. */
    public int tableRow(int i) {
        return rows[i];
    }

    public Table table() {
        return table;
    }

    @Override
    public void fill(int[] order, int from, int count, Tensor x, int[] labels) {
        int f = features();
        if (x.rows() != count || x.cols() != f || labels.length < count) {
            throw new IllegalArgumentException("batch buffers must be " + count + "×" + f);
        }
        if (scratch.length < count) {
            scratch = new int[count];
        }
        for (int b = 0; b < count; b++) {
            scratch[b] = rows[order[from + b]];
        }
        double[] d = x.data();
        table.fillRows(scratch, 0, count, d);
        double[] off = fitted.offset();
        double[] div = fitted.divisor();
        if (off.length > 0) {
            for (int b = 0; b < count; b++) {
                int o = b * f;
                for (int j = 0; j < f; j++) {
                    d[o + j] = (d[o + j] - off[j]) / div[j];
                }
            }
        }
        if (table.isClassification()) {
            for (int b = 0; b < count; b++) {
                labels[b] = table.label(scratch[b]);
            }
        }
    }

    @Override
    public String labelAtLeast(int classes) {
        if (!table.isClassification()) {
            return null;
        }
        for (int i = 0; i < rows.length; i++) {
            if (table.label(rows[i]) >= classes) {
                return table.where(rows[i]) + ": class '" + table.classNames().get(table.label(rows[i])) + "'";
            }
        }
        return null;
    }
}
