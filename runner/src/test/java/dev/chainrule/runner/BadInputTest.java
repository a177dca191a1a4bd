package dev.chainrule.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each bad input gives exactly one line on stderr naming the problem, exit code 2, no stack trace, and
 * leaves no run folder behind.
 */
class BadInputTest {
    static final String GOOD = TrainEndToEndTest.CONFIG;

    @TempDir
    Path tmp;

    /** Runs train on a config text with the synthetic data; asserts the common contract; returns the line. */
    String badConfig(String text) throws IOException {
        Path c = tmp.resolve("x.json");
        Files.writeString(c, text);
        return bad("train", c.toString(), "--out", tmp.resolve("out").toString());
    }

    String bad(String... args) {
        Cli.Result r = Cli.run(TrainEndToEndTest.blobData(), args);
        assertEquals(2, r.code(), r.out() + r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        assertFalse(Files.exists(tmp.resolve("out")), "no run folder left");
        return err;
    }

    @Test
    void malformedJsonNamesLineAndColumn() throws IOException {
        String err = badConfig("{\"name\": \"x\",\n  \"seed\": 1,,\n}");
        assertTrue(err.startsWith(tmp.resolve("x.json") + ": line 2, column 13: malformed JSON"), err);
    }

    @Test
    void unknownFieldListsTheKnownOnesAndTheNearest() throws IOException {
        String err = badConfig(GOOD.replace("\"batchSize\"", "\"batchsize\""));
        assertTrue(err.endsWith("x.json: training.batchsize: unknown field; known: batchSize, checkpointEvery, "
                + "earlyStopping, epochs, evalBatchSize, optimizer, schedule, shards, shuffle (did you mean 'batchSize'?)"), err);
    }

    @Test
    void unknownTypeListsKnownTypesAndNearest() throws IOException {
        String err = badConfig(GOOD.replace("{\"type\": \"sigmoid\"}", "{\"type\": \"relu6\"}"));
        assertTrue(err.endsWith("x.json: network.layers[1].type: unknown type 'relu6'; known: add, avgpool2d, batch-norm, concat, conv2d, "
                + "dense, dropout, flatten, global-avgpool, layer-norm, maxpool2d, multiply, random-flip, random-shift, relu, "
                + "sigmoid, softmax, tanh (did you mean 'relu'?)"), err);
    }

    @Test
    void aLossIsNotALayer() throws IOException {
        String err = badConfig(GOOD.replace("{\"type\": \"sigmoid\"}", "{\"type\": \"cross-entropy\"}"));
        assertTrue(err.contains("network.layers[1].type: 'cross-entropy' is a loss, not a layer, activation, transform or merge"), err);
    }

    @Test
    void wrongValueTypesNamePathValueAndExpectation() throws IOException {
        assertTrue(badConfig(GOOD.replace("\"epochs\": 3", "\"epochs\": \"three\""))
                .endsWith("training.epochs: expected an integer, got \"three\""));
        assertTrue(badConfig(GOOD.replace("\"epochs\": 3", "\"epochs\": 2.5"))
                .contains("training.epochs: expected an integer"));
        assertTrue(badConfig(GOOD.replace("\"learningRate\": 0.5", "\"learningRate\": \"fast\""))
                .endsWith("training.optimizer.learningRate: must be a number in (0, ∞), got 'fast'"));
        assertTrue(badConfig(GOOD.replace("\"seed\": 7", "\"seed\": true")).endsWith("seed: expected an integer, got true"));
        assertTrue(badConfig(GOOD.replace("\"units\": 8", "\"units\": \"8\""))
                .contains("network.layers[0].units: must be an integer from 1 to"));
        assertTrue(badConfig("[1, 2]").endsWith("x.json: expected a JSON object, got an array"));
    }

    @Test
    void learningRateMustBePositive() throws IOException {
        assertTrue(badConfig(GOOD.replace("0.5", "0")).endsWith(
                "training.optimizer.learningRate: must be a number in (0, ∞), got 0"));
        assertTrue(badConfig(GOOD.replace("0.5", "-0.1")).endsWith(
                "training.optimizer.learningRate: must be a number in (0, ∞), got -0.1"));
    }

    @Test
    void badOptimizerSettingsNamePathAndValue() throws IOException {
        String opt = "{\"learningRate\": 0.5}";
        assertTrue(GOOD.contains(opt));
        String err = badConfig(GOOD.replace(opt, "{\"type\": \"adm\"}"));
        assertTrue(err.endsWith("training.optimizer.type: unknown type 'adm'; known: adagrad, adam, adamw, rmsprop, sgd "
                + "(did you mean 'adam'?)"), err);
        assertTrue(badConfig(GOOD.replace(opt, "{\"type\": \"adam\", \"beta1\": 1.0}"))
                .endsWith("training.optimizer.beta1: must be a number in [0, 1), got 1.0"));
        assertTrue(badConfig(GOOD.replace(opt, "{\"type\": \"adam\", \"beta2\": 1.5}"))
                .endsWith("training.optimizer.beta2: must be a number in [0, 1), got 1.5"));
        assertTrue(badConfig(GOOD.replace(opt, "{\"type\": \"rmsprop\", \"epsilon\": 0}"))
                .endsWith("training.optimizer.epsilon: must be a number in (0, ∞), got 0"));
        assertTrue(badConfig(GOOD.replace(opt, "{\"type\": \"adamw\", \"learningRate\": -1e-3}"))
                .endsWith("training.optimizer.learningRate: must be a number in (0, ∞), got -0.001"));
        assertTrue(badConfig(GOOD.replace(opt, "{\"type\": \"sgd\", \"nesterov\": true}"))
                .endsWith("training.optimizer.nesterov: true needs momentum > 0 and dampening 0, got momentum 0.0 "
                        + "and dampening 0.0"));
        err = badConfig(GOOD.replace(opt, "{\"type\": \"sgd\", \"beta1\": 0.9}"));
        assertTrue(err.endsWith("training.optimizer.beta1: unknown option 'beta1'; known: clipNorm, dampening, "
                + "learningRate, momentum, nesterov, weightDecay"), err);
        err = badConfig(GOOD.replace(opt, "{\"type\": \"dense\"}"));
        assertTrue(err.contains("training.optimizer.type: 'dense' is a layer, not an optimizer"), err);
    }

    @Test
    void epochsMustBeAtLeastOne() throws IOException {
        assertTrue(badConfig(GOOD.replace("\"epochs\": 3", "\"epochs\": 0"))
                .endsWith("training.epochs: must be an integer from 1 to 100000, got 0"));
        Path c = tmp.resolve("ok.json");
        Files.writeString(c, GOOD);
        assertEquals("--epochs: must be an integer from 1 to 100000, got 0",
                bad("train", c.toString(), "--epochs", "0", "--out", tmp.resolve("out").toString()));
    }

    @Test
    void layerSizesOfZeroOrTwoToThe31AreRejected() throws IOException {
        assertTrue(badConfig(GOOD.replace("\"units\": 8", "\"units\": 0"))
                .contains("network.layers[0].units: must be an integer from 1 to 16777216, got 0"));
        assertTrue(badConfig(GOOD.replace("\"units\": 8", "\"units\": 2147483648"))
                .contains("network.layers[0].units: must be an integer from 1 to 16777216, got 2147483648"));
        assertTrue(badConfig(GOOD.replace("\"units\": 8", "\"units\": 8, \"unit\": 3"))
                .contains("network.layers[0].unit: unknown option 'unit'; known: init, units"));
    }

    @Test
    void theLastStageMustGiveOneOutputPerClass() throws IOException {
        String err = badConfig(GOOD.replace("\"units\": 3", "\"units\": 5"));
        assertTrue(err.endsWith("network.layers[3]: the last stage (softmax) gives 5 outputs but the data has 3 classes; "
                + "they must be equal"), err);
        assertTrue(badConfig(GOOD.replace("\"network\": {", "\"network\": {\"input\": 7, "))
                .contains("network.input: 7 but the data has 4 features per sample"));
    }

    @Test
    void missingConfigFile() {
        assertTrue(bad("train", tmp.resolve("nope.json").toString()).endsWith("nope.json: no such file"));
    }

    @Test
    void usageErrorsAreOneLineToo() {
        assertTrue(bad("train").startsWith("Missing required parameter: 'CONFIG' or --resume RUN_DIR (see 'runner train --help')"));
        assertTrue(bad("trian").contains("Unmatched argument"));
        // issue 25: a mistyped command gets the same did-you-mean as a mistyped config key
        assertTrue(bad("trian").contains("(did you mean 'train'?)"), bad("trian"));
        assertTrue(bad("gradchek", "x.json").contains("(did you mean 'gradcheck'?)"), bad("gradchek", "x.json"));
        assertTrue(bad("train", "x.json", "--epochs", "many").contains("--epochs"));
    }

    @Test
    void unwritableOutputFolderStopsBeforeTraining() throws IOException {
        Path c = tmp.resolve("ok.json");
        Files.writeString(c, GOOD);
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "x");
        Cli.Result r = Cli.run(TrainEndToEndTest.blobData(), "train", c.toString(), "--out", file.resolve("run").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().strip().startsWith("--out " + file.resolve("run") + ": cannot"), r.err());
        assertEquals("", r.out(), "nothing trained");
    }

    @Test
    void anOutputFolderWithARunIsNotOverwritten() throws IOException {
        Path c = tmp.resolve("ok.json");
        Files.writeString(c, GOOD);
        Path run = tmp.resolve("run");
        assertEquals(0, Cli.run(TrainEndToEndTest.blobData(), "train", c.toString(), "--out", run.toString()).code());
        byte[] before = Files.readAllBytes(run.resolve("weights.bin"));
        Cli.Result r = Cli.run(TrainEndToEndTest.blobData(), "train", c.toString(), "--out", run.toString(), "--seed", "3");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("already holds a run"), r.err());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(run.resolve("weights.bin"))));
    }

    // ---- data errors, through the real IDX data source ----

    Path idxDir(int trainCount, int testCount, int maxLabel) throws IOException {
        Path d = tmp.resolve("idx");
        Files.createDirectories(d);
        writeImages(d.resolve("train-images-idx3-ubyte"), trainCount);
        writeLabels(d.resolve("train-labels-idx1-ubyte"), trainCount, maxLabel);
        writeImages(d.resolve("t10k-images-idx3-ubyte"), testCount);
        writeLabels(d.resolve("t10k-labels-idx1-ubyte"), testCount, maxLabel);
        return d;
    }

    static void writeImages(Path p, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16 + n * 4);
        b.putInt(0x803).putInt(n).putInt(2).putInt(2);
        for (int i = 0; i < n * 4; i++) {
            b.put((byte) (i * 37));
        }
        Files.write(p, b.array());
    }

    static void writeLabels(Path p, int n, int maxLabel) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + n);
        b.putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) {
            b.put((byte) (i % (maxLabel + 1)));
        }
        Files.write(p, b.array());
    }

    String badData(Path dir) throws IOException {
        Path c = tmp.resolve("ok.json");
        Files.writeString(c, GOOD);
        Cli.Result r = Cli.run(null, "train", c.toString(), "--data", dir.toString(), "--out", tmp.resolve("out").toString());
        assertEquals(2, r.code(), r.out() + r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), err);
        assertFalse(err.contains("Exception"), err);
        assertFalse(Files.exists(tmp.resolve("out")));
        return err;
    }

    @Test
    void aValidIdxFolderTrains() throws IOException {
        Path c = tmp.resolve("ok.json");
        Files.writeString(c, GOOD);
        Cli.Result r = Cli.run(null, "train", c.toString(), "--data", idxDir(12, 6, 2).toString(),
                "--out", tmp.resolve("good").toString());
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void missingDataFiles() throws IOException {
        assertTrue(badData(tmp.resolve("nowhere")).contains("nowhere"));
        Path d = idxDir(12, 6, 2);
        Files.delete(d.resolve("t10k-labels-idx1-ubyte"));
        assertTrue(badData(d).contains("t10k-labels-idx1-ubyte"));
    }

    @Test
    void truncatedIdxFile() throws IOException {
        Path d = idxDir(12, 6, 2);
        Path f = d.resolve("train-images-idx3-ubyte");
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 5));
        assertTrue(badData(d).contains("train-images-idx3-ubyte"));
    }

    @Test
    void wrongMagic() throws IOException {
        Path d = idxDir(12, 6, 2);
        Path f = d.resolve("t10k-labels-idx1-ubyte");
        byte[] all = Files.readAllBytes(f);
        all[3] = 0x03;
        Files.write(f, all);
        assertTrue(badData(d).contains("t10k-labels-idx1-ubyte"));
    }

    @Test
    void imageAndLabelCountMismatch() throws IOException {
        Path d = idxDir(12, 6, 2);
        writeLabels(d.resolve("train-labels-idx1-ubyte"), 11, 2);
        String err = badData(d);
        assertTrue(err.contains("12") && err.contains("11"), err);
    }

    @Test
    void labelOutOfRangeForTheNetwork() throws IOException {
        // labels 0..4 make five classes; the network gives three outputs
        String err = badData(idxDir(12, 6, 4));
        assertTrue(err.contains("5 classes"), err);
    }

    @Test
    void evaluateOnAMissingModel() {
        String err = bad("evaluate", tmp.resolve("nothing").toString());
        assertTrue(err.endsWith("no such file (give a run folder or its model.json)"), err);
    }

    static void unused(OutputStream o) {
    }
}
