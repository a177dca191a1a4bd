package dev.chainrule.api.data;

import java.util.List;

/**
 * What each row of a table should be predicted as: a class index with the class names
 * ({@link #classes}), or one or more real values ({@link #regression}).
 */
public final class Targets {
    private final int rows;
    private final int[] labels;
    private final List<String> classNames;
    private final double[] values;
    private final List<String> targetNames;

    private Targets(int rows, int[] labels, List<String> classNames, double[] values, List<String> targetNames) {
        this.rows = rows;
        this.labels = labels;
        this.classNames = classNames;
        this.values = values;
        this.targetNames = targetNames;
    }

    /**
     * Classification: {@code labels[i]} is row {@code i}'s index into {@code classNames} (not copied).
     *
     * @throws IllegalArgumentException for a label outside {@code 0..classNames.size()−1}
     */
    public static Targets classes(int[] labels, List<String> classNames) {
        List<String> names = List.copyOf(classNames);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("classification needs at least one class");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= names.size()) {
                throw new IllegalArgumentException("label " + labels[i] + " of row " + i + " out of range, expected 0.."
                        + (names.size() - 1));
            }
        }
        return new Targets(labels.length, labels, names, null, null);
    }

    /** Regression: {@code values} holds {@code targetNames.size()} values per row, row after row (not copied). */
    public static Targets regression(double[] values, List<String> targetNames) {
        List<String> names = List.copyOf(targetNames);
        if (names.isEmpty() || values.length % names.size() != 0) {
            throw new IllegalArgumentException(values.length + " target values do not make rows of " + names.size());
        }
        return new Targets(values.length / names.size(), null, null, values, names);
    }

    public int rows() {
        return rows;
    }

    public boolean isClassification() {
        return labels != null;
    }

    /** The class index of {@code row} (classification only). */
    public int label(int row) {
        requireClasses();
        return labels[row];
    }

    /** The class names, index = class (classification only). */
    public List<String> classNames() {
        requireClasses();
        return classNames;
    }

    /** Values per row: 1 for classification (the label), the number of targets for regression. */
    public int targetCount() {
        return labels != null ? 1 : targetNames.size();
    }

    /** Target {@code t} of {@code row} (regression; for classification the label as a double). */
    public double target(int row, int t) {
        if (labels != null) {
            if (t != 0) {
                throw new IndexOutOfBoundsException("target " + t + " of 1");
            }
            return labels[row];
        }
        if (t < 0 || t >= targetNames.size()) {
            throw new IndexOutOfBoundsException("target " + t + " of " + targetNames.size());
        }
        return values[row * targetNames.size() + t];
    }

    /** The regression targets' names (for classification the one name {@code label}). */
    public List<String> targetNames() {
        return labels != null ? List.of("label") : targetNames;
    }

    private void requireClasses() {
        if (labels == null) {
            throw new IllegalStateException("these targets are regression values, not classes");
        }
    }
}
