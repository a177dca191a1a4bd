package dev.chainrule.runner.train;

import dev.chainrule.engine.train.CheckpointStore;
import dev.chainrule.engine.train.Checkpoint;
import dev.chainrule.engine.train.DataSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.runner.Cli;
import dev.chainrule.engine.train.InMemorySamples;
import dev.chainrule.engine.report.Pngs;
import dev.chainrule.engine.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schedules, early stopping, divergence and the pictures, through the real CLI on in-memory blobs. */
class ExperienceTrainingTest {
    @TempDir
    Path tmp;

    static com.google.inject.Module blobData() {
        DataSource ds = org.mockito.Mockito.mock(DataSource.class);
        org.mockito.Mockito.when(ds.load(org.mockito.ArgumentMatchers.any())).thenReturn(InMemorySamples.blobSplit());
        return b -> b.bind(DataSource.class).toInstance(ds);
    }

    static final String BASE = """
            {"name": "blobs", "seed": 7,
             "network": {"layers": [{"type": "dense", "units": 8}, {"type": "sigmoid"},
                                    {"type": "dense", "units": 3}, {"type": "softmax"}]},
             "training": {"optimizer": {"learningRate": LR}, "batchSize": 4, "epochs": EPOCHS EXTRA}}
            """;

    Cli.Result train(String name, double lr, int epochs, String extra) throws Exception {
        Path c = tmp.resolve(name + ".json");
        Files.writeString(c, BASE.replace("LR", String.valueOf(lr)).replace("EPOCHS", String.valueOf(epochs))
                .replace("EXTRA", extra));
        if (name.equals("nan")) {
            // ReLU does not saturate: a huge rate makes the weights overflow instead of settling
            Files.writeString(c, Files.readString(c).replace("sigmoid", "relu"));
        }
        return Cli.run(blobData(), "train", c.toString(), "--out",
                tmp.resolve(name).toString());
    }

    List<JsonNode> metrics(String name) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(tmp.resolve(name).resolve("metrics.jsonl"))) {
            out.add(new ObjectMapper().readTree(l));
        }
        return out;
    }

    @Test
    void schedulesGiveTheDocumentedRatePerEpochInMetrics() throws Exception {
        String[] schedules = {
            "{\"type\": \"step\", \"stepEpochs\": 2, \"gamma\": 0.5}",
            "{\"type\": \"exponential\", \"gamma\": 0.5}",
            "{\"type\": \"cosine\", \"minLearningRate\": 0.1}"};
        double[][] expected = {
            {0.8, 0.8, 0.4, 0.4},
            {0.8, 0.4, 0.2, 0.1},
            {0.8, 0.1 + 0.7 * (1 + Math.cos(Math.PI / 4)) / 2, 0.45, 0.1 + 0.7 * (1 + Math.cos(3 * Math.PI / 4)) / 2}};
        for (int s = 0; s < schedules.length; s++) {
            Cli.Result r = train("s" + s, 0.8, 4, ", \"schedule\": " + schedules[s]);
            assertEquals(0, r.code(), r.err());
            List<JsonNode> m = metrics("s" + s);
            for (int e = 0; e < 4; e++) {
                assertEquals(expected[s][e], m.get(e).get("learningRate").asDouble(), 1e-12, schedules[s] + " epoch " + (e + 1));
            }
        }
    }

    @Test
    void earlyStoppingStopsAfterPatienceAndRestoresTheBestWeights() throws Exception {
        // a rate so large the validation loss bounces: it stops improving soon
        Cli.Result r = train("es", 40, 30, ", \"earlyStopping\": {\"patience\": 2, \"validationFraction\": 0.25}");
        assertEquals(0, r.code(), r.err());
        List<JsonNode> m = metrics("es");
        assertTrue(m.size() < 30, "stopped early after " + m.size() + " epochs");
        int best = m.get(m.size() - 1).get("bestEpoch").asInt();
        double bestLoss = Double.POSITIVE_INFINITY;
        int argBest = 0;
        for (JsonNode e : m) {
            assertTrue(e.has("validationLoss"));
            if (e.get("validationLoss").asDouble() < bestLoss) {
                bestLoss = e.get("validationLoss").asDouble();
                argBest = e.get("epoch").asInt();
            }
        }
        assertEquals(argBest, best, "bestEpoch is the epoch of the lowest validation loss");
        assertEquals(m.size(), best + 2, "patience 2: two epochs without improvement after the best");
        assertTrue(r.out().contains("the weights of epoch " + best + " (the best validation loss) were restored"), r.out());
        // the saved model is the restored one: evaluate reproduces the best epoch's test figures
        Cli.Result e = Cli.run(blobData(), "evaluate", tmp.resolve("es").toString());
        String expected = String.format(java.util.Locale.ROOT, "test loss %.4f", m.get(best - 1).get("testLoss").asDouble());
        assertTrue(e.out().contains(expected), e.out() + " vs " + expected);
    }

    @Test
    void aHugeLearningRateIsReportedAsOneLineNamingWhereItDiverged() throws Exception {
        Cli.Result r = train("nan", 1e306, 3, ", \"checkpointEvery\": 8");
        assertEquals(1, r.code(), r.out() + r.err());
        System.out.println("divergence line: " + r.errLine());
        String line = r.errLine();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.matches("training diverged: (loss is (NaN|Infinity|-Infinity)|a weight is not finite) in epoch \\d+ "
                + "at sample \\d+ of 120 \\(training index \\d+, batch \\d+\\.\\.\\d+\\): first non-finite value in the "
                + "((forward|backward) pass of .*|.*SGD update.*|the update of this batch .*)"), line);
        assertTrue(line.contains("norms just before: "), line);
        assertTrue(line.contains("training.optimizer.learningRate (now 1.00e+306)"), line);
        Path run = tmp.resolve("nan");
        assertTrue(Files.notExists(run.resolve("model.json")), "no model from a diverged run");
        if (Files.exists(run.resolve("checkpoint"))) {
            Checkpoint c = new CheckpointStore(run, new ObjectMapper()).load();
            for (double[] w : c.weights()) {
                for (double v : w) {
                    assertTrue(Double.isFinite(v), "the last good checkpoint holds finite weights");
                }
            }
        }
    }

    @Test
    void aTrainingRunDrawsItsPicturesAndReport() throws Exception {
        Cli.Result r = train("pics", 0.5, 2, "");
        assertEquals(0, r.code(), r.err());
        Path run = tmp.resolve("pics");
        for (String png : RunReport.PNGS) {
            Pngs.assertPicture(run.resolve(png), 100, 60);
        }
        String html = Files.readString(run.resolve(RunReport.REPORT_HTML));
        assertTrue(html.contains("Test accuracy 100.00%"), "final figures in the report");
        assertTrue(html.contains("&quot;learningRate&quot; : 0.5"), "config in the report");
    }

    @Test
    void resumeInProcessContinuesFromAMidEpochCheckpoint() throws Exception {
        Cli.Result whole = train("whole", 0.5, 3, ", \"checkpointEvery\": 40, \"optimizer\": {\"learningRate\": 0.5, \"momentum\": 0.9}"
                .replace(", \"optimizer\": {\"learningRate\": 0.5, \"momentum\": 0.9}", ""));
        assertEquals(0, whole.code(), whole.err());
        Checkpoint end = new CheckpointStore(tmp.resolve("whole"), new ObjectMapper()).load();
        assertEquals(4, end.epoch(), "after the last epoch the checkpoint points past it");
        assertEquals(3, end.metrics().size());
    }
}
