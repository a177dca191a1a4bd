package dev.chainrule.api.data;

import dev.chainrule.api.Shape;
import java.util.AbstractList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * {@code n} samples of one shape with their targets: what a data source loads.
 *
 * <p>Each row is one sample of {@link #shape()}, flattened as {@link Shape} describes (channel-major
 * {@code C×H×W} for images, a vector for tabular data); its {@link #features()} are stored compactly and
 * read as doubles with {@link #value} or, for a batch, {@link #fillRows}. The targets are classes
 * ({@link #label}, {@link #classNames()}) or regression values ({@link #target}, {@link #targetNames()}).
 * {@link #where} says where a row came from, for messages.
 */
public final class Table {
    private final String name;
    private final Shape shape;
    private final Features features;
    private final Targets targets;
    private final List<String> featureNames;
    private final IntFunction<String> where;

    /**
     * @param name shown in messages (usually the file or folder)
     * @param shape the shape of one sample; its size is {@code features.width()}
     * @param features the rows' values
     * @param targets one per row
     * @param featureNames one name per feature, or null for generated names ({@code f0, f1, …})
     * @param where where row {@code i} came from ({@code iris.csv line 17}), or null for {@code name row i}
     */
    public Table(String name, Shape shape, Features features, Targets targets, List<String> featureNames,
            IntFunction<String> where) {
        this.name = name == null ? "data" : name;
        if (shape.size() != features.width()) {
            throw new IllegalArgumentException(this.name + ": shape " + shape + " has " + shape.size()
                    + " values, the rows " + features.width());
        }
        if (targets.rows() != features.rows()) {
            throw new IllegalArgumentException(this.name + ": " + features.rows() + " rows but " + targets.rows()
                    + " targets");
        }
        if (featureNames != null && featureNames.size() != features.width()) {
            throw new IllegalArgumentException(this.name + ": " + featureNames.size() + " feature names for "
                    + features.width() + " features");
        }
        this.shape = shape;
        this.features = features;
        this.targets = targets;
        this.featureNames = featureNames != null ? List.copyOf(featureNames) : generated(features.width());
        this.where = where != null ? where : i -> this.name + " row " + i;
    }

    public String name() {
        return name;
    }

    /** The number of rows (samples). */
    public int size() {
        return features.rows();
    }

    public Shape shape() {
        return shape;
    }

    /** Values per row, {@code shape().size()}. */
    public int featureCount() {
        return features.width();
    }

    public Features features() {
        return features;
    }

    public Targets targets() {
        return targets;
    }

    /** Feature {@code feature} of {@code row}. */
    public double value(int row, int feature) {
        return features.value(row, feature);
    }

    /** See {@link Features#fillRows}: {@code count × featureCount()} doubles into {@code out}. */
    public void fillRows(int[] order, int from, int count, double[] out) {
        features.fillRows(order, from, count, out);
    }

    public boolean isClassification() {
        return targets.isClassification();
    }

    /** Row {@code row}'s class index (classification). */
    public int label(int row) {
        return targets.label(row);
    }

    /** The class names, index = class: kept from the data ({@code setosa}, or {@code 0}..{@code 9}). */
    public List<String> classNames() {
        return targets.classNames();
    }

    /** Regression targets per row (1 for classification). */
    public int targetCount() {
        return targets.targetCount();
    }

    public double target(int row, int t) {
        return targets.target(row, t);
    }

    public List<String> targetNames() {
        return targets.targetNames();
    }

    /** The features' names: column names, {@code col=value} for one-hot columns, or generated. */
    public List<String> featureNames() {
        return featureNames;
    }

    /** Where {@code row} came from: {@code iris.csv line 17}, {@code train/cat/003.png}. */
    public String where(int row) {
        return where.apply(row);
    }

    @Override
    public String toString() {
        return name + ": " + size() + " × " + shape + (isClassification() ? ", " + classNames().size() + " classes"
                : ", " + targetCount() + " targets");
    }

    private static List<String> generated(int n) {
        return new AbstractList<>() {
            @Override
            public String get(int i) {
                if (i < 0 || i >= n) {
                    throw new IndexOutOfBoundsException(i);
                }
                return "f" + i;
            }

            @Override
            public int size() {
                return n;
            }
        };
    }
}
