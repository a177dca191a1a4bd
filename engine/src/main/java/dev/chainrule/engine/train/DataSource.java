package dev.chainrule.engine.train;

import dev.chainrule.engine.config.RunConfig;

/** Where a config's train and test samples come from (a named data set or a folder of IDX files). */
public interface DataSource {

    /** The train/test split. Throws {@link dev.chainrule.engine.base.BadInputException} for unusable data. */
    Split load(RunConfig.Data data);

    /** Train and test samples with the same features and classes. */
    record Split(Samples train, Samples test) {
    }
}
