package dev.chainrule.examples.javaapi;

import dev.chainrule.engine.Chainrule;
import dev.chainrule.engine.Model;
import dev.chainrule.engine.Trained;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.train.Evaluation;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Trains a config from Java, then loads the saved model back and predicts: the weights are bitwise those of
 * {@code runner train CONFIG} (same engine, same seed).
 *
 * <p>Usage: {@code TrainAndPredict CONFIG RUN_FOLDER}
 */
public final class TrainAndPredict {
    private TrainAndPredict() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: TrainAndPredict CONFIG RUN_FOLDER");
            System.exit(2);
        }
        Chainrule chainrule = Chainrule.builder().console(System.out, System.err).build();
        RunConfig config = chainrule.config(Path.of(args[0]));
        Trained run = chainrule.train(config, Path.of(args[1]), epoch -> System.out.printf(Locale.ROOT,
                "listener: epoch %d, test accuracy %.4f%n", epoch.epoch(), epoch.testAccuracy()));

        Model model = chainrule.load(run.runFolder());
        Evaluation test = model.evaluate();
        System.out.printf(Locale.ROOT, "reloaded: test accuracy %.2f%% on %d samples%n", 100 * test.accuracy(),
                test.samples());

        // a vertical bar of ink in a 28×28 picture, pixels in [0, 1], row-major like MNIST
        double[] one = new double[model.inputShape().size()];
        for (int r = 4; r < 24; r++) {
            one[r * 28 + 13] = 1.0;
            one[r * 28 + 14] = 1.0;
        }
        double[] p = model.probabilities(one);
        int k = model.predict(one);
        System.out.printf(Locale.ROOT, "a vertical stroke: class %d (%.1f%%)%n", k, 100 * p[k]);
    }
}
