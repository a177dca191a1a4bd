package dev.chainrule.engine.data;

/**
 * A train/test split of one data set, with the same feature count and class count on both sides.
 *
 * @param train the training samples
 * @param test  the held-out samples
 */
public record DataSplit(Dataset train, Dataset test) {
    public DataSplit {
        if (train.features() != test.features()) {
            throw new DataException("train " + train.name() + " has " + train.features()
                    + " features but test " + test.name() + " has " + test.features());
        }
        if (train.numClasses() != test.numClasses()) {
            throw new DataException("train " + train.name() + " has " + train.numClasses()
                    + " classes but test " + test.name() + " has " + test.numClasses());
        }
    }

    /** Input width, rows·cols. */
    public int features() {
        return train.features();
    }

    public int numClasses() {
        return train.numClasses();
    }
}
