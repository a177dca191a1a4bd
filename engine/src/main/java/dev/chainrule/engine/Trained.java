package dev.chainrule.engine;

import dev.chainrule.engine.train.EpochMetrics;
import java.nio.file.Path;
import java.util.List;

/**
 * A finished training run.
 *
 * @param runFolder    the run folder (config.json, metrics.jsonl, model.json + weights.bin, checkpoint/, report)
 * @param model        the trained model, ready to predict
 * @param epochs       every epoch's figures, in order (a resumed run's earlier epochs included)
 * @param testAccuracy the final test accuracy in [0, 1], as {@code runner train} prints it
 */
public record Trained(Path runFolder, Model model, List<EpochMetrics> epochs, double testAccuracy) {
    public Trained {
        epochs = List.copyOf(epochs);
    }
}
