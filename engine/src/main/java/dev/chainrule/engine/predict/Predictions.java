package dev.chainrule.engine.predict;

import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.io.SafeFiles;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/** Pictures to model inputs and probabilities to ranked answers, shared by {@code predict} and {@code serve}. */
public final class Predictions {
    /** How many classes an answer lists. */
    public static final int TOP = 3;

    private Predictions() {
    }

    /** One picture's answer: the {@value #TOP} most probable classes and their probabilities. */
    public record Prediction(String file, int[] classes, double[] probabilities) {
    }

    /** Reads and prepares one picture, with one-line errors naming the file. */
    public static double[] load(Path image, int side) {
        Path real = SafeFiles.regular(image, image.toString());
        BufferedImage img = Pictures.decode(real.toFile(), image.toString());
        try {
            return MnistPreprocessor.preprocess(img, side).pixels();
        } catch (MnistPreprocessor.NoDigitException e) {
            throw new BadInputException(image + ": " + e.getMessage());
        }
    }

    /** The {@value #TOP} most probable classes, most probable first (ties to the lower class). */
    public static Prediction top(String file, double[] p) {
        int k = Math.min(TOP, p.length);
        int[] cls = new int[k];
        double[] prob = new double[k];
        boolean[] used = new boolean[p.length];
        for (int t = 0; t < k; t++) {
            int best = -1;
            for (int j = 0; j < p.length; j++) {
                if (!used[j] && (best < 0 || p[j] > p[best])) {
                    best = j;
                }
            }
            used[best] = true;
            cls[t] = best;
            prob[t] = p[best];
        }
        return new Prediction(file, cls, prob);
    }
}
