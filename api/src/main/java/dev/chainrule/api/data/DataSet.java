package dev.chainrule.api.data;

/**
 * What a data source loads: the training table and, when the source has one, a test table.
 *
 * @param train the training samples
 * @param test the test samples, or null when the source has none (the engine then splits {@code train}); it
 *     has the training table's sample shape, and for classification the same class list (index = class)
 * @param description one line for logs, such as {@code iris.csv: 150 rows × 4 features, 3 classes}
 */
public record DataSet(Table train, Table test, String description) {
    public DataSet {
        if (train == null) {
            throw new IllegalArgumentException("a data set needs a training table");
        }
        description = description == null ? train.name() : description;
        if (test != null) {
            if (!test.shape().equals(train.shape())) {
                throw new IllegalArgumentException(test.name() + ": sample shape " + test.shape()
                        + " differs from the training data's " + train.shape());
            }
            if (test.isClassification() != train.isClassification()
                    || (train.isClassification() && !test.classNames().equals(train.classNames()))
                    || (!train.isClassification() && test.targetCount() != train.targetCount())) {
                throw new IllegalArgumentException(test.name() + ": targets differ from the training data's");
            }
        }
    }
}
