package dev.chainrule.runner.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.runner.Cli;
import dev.chainrule.engine.train.ConsoleMetrics;
import dev.chainrule.engine.train.EpochMetrics;
import dev.chainrule.engine.train.SyntheticIdx;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The wrong messages and stack traces of issue 14, each now one correct line. */
class MessagesTest {
    static final String TEN = """
            {"name": "ten", "seed": 3,
             "network": {"layers": [{"type": "dense", "units": 10}, {"type": "softmax"}]},
             "training": {"batchSize": 8, "epochs": 1}}
            """;

    @TempDir
    Path tmp;

    String train(String config) throws IOException {
        Path c = Hostile.write(tmp.resolve("x.json"), config);
        String err = Hostile.bad("train", c.toString(), "--out", tmp.resolve("out").toString());
        assertFalse(Files.exists(tmp.resolve("out")), "no run folder left");
        return err;
    }

    @Test
    // reading a FIFO blocks in open(), which no interrupt ends: a separate thread lets the test fail instead
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aConfigThatIsADeviceOrAFifoIsRefusedWithoutReadingIt() throws Exception {
        assertEquals("/dev/zero: not a regular file (a character device); give a file", Hostile.bad("train", "/dev/zero"));
        Path fifo = tmp.resolve("c.json");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertEquals(fifo + ": not a regular file (a FIFO); give a file", Hostile.bad("train", fifo.toString()));
        assertEquals(tmp + ": is a folder, not a file", Hostile.bad("train", tmp.toString()));
    }

    @Test
    void aPathThisSystemCannotNameIsOneLine() throws IOException {
        String err = train(Hostile.CONFIG.replace("\"seed\": 7", "\"seed\": 7, \"data\": {\"dir\": \"a\\u0000b\"}"));
        assertTrue(err.endsWith("x.json: data.dir: 'a\\u0000b' is not a usable path here (Nul character not allowed)"), err);
    }

    /** Under LANG=C the JVM cannot name non-ASCII files; a real runner JVM shows what the user sees. */
    @Test
    void aNonAsciiDataPathUnderLangCIsOneLine() throws Exception {
        Path c = Hostile.write(tmp.resolve("c.json"), Hostile.CONFIG.replace("\"seed\": 7",
                "\"seed\": 7, \"data\": {\"dir\": \"donn\u00e9es\"}"));
        String err = underLangC("train", c.toString());
        assertTrue(err.contains("data.dir: 'donn") && err.contains("is not a usable path here") && err.contains("LANG=C.UTF-8"), err);
        // the same folder as an argument: picocli converts it, with the same explanation
        String arg = underLangC("train", Hostile.write(tmp.resolve("ok.json"), Hostile.CONFIG).toString(), "--data",
                tmp.resolve("donn\u00e9es").toString());
        assertTrue(arg.startsWith("Invalid value for option '--data': '") && arg.contains("is not a usable path here")
                && arg.contains("LANG=C.UTF-8"), arg);
    }

    private static String underLangC(String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), dev.chainrule.runner.app.Main.class.getName()));
        cmd.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LANG", "C");
        pb.environment().put("LC_ALL", "C");
        pb.environment().remove("CHAINRULE_PLUGINS");
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(2, p.waitFor(), err);
        assertFalse(err.contains("internal error") || err.contains("\n") || err.contains("Exception"), err);
        return err;
    }

    @Test
    void aNulInAPathArgumentIsOneLine() throws IOException {
        Path c = Hostile.write(tmp.resolve("ok.json"), Hostile.CONFIG);
        assertEquals("Invalid value for option '--out': 'a\\u0000b' is not a usable path here (Nul character not allowed) "
                + "(see 'runner train --help')", Hostile.bad("train", c.toString(), "--out", "a\u0000b"));
    }

    @Test
    void duplicateKeysAreRefusedWithTheirPath() throws IOException {
        String err = train(Hostile.CONFIG.replace("\"epochs\": 2", "\"epochs\": 1,\n \"epochs\": 3"));
        assertTrue(err.endsWith("x.json: training.epochs: duplicate key (again at line 5, column 10); each key may appear "
                + "once in an object"), err);
        assertTrue(train(Hostile.CONFIG.replace("{\"type\": \"sigmoid\"}", "{\"type\": \"sigmoid\", \"type\": \"relu\"}"))
                .contains("x.json: network.layers[1].type: duplicate key"));
    }

    @Test
    void divergenceBeforeTheFirstCheckpointDoesNotClaimOne() throws IOException {
        Path c = Hostile.write(tmp.resolve("nan.json"), Hostile.CONFIG.replace("0.5", "1e306")
                .replace("sigmoid", "relu")); // ReLU does not saturate: the weights overflow in epoch 1
        Cli.Result r = Cli.run(Hostile.blobData(), "train", c.toString(), "--out", tmp.resolve("nan").toString());
        assertEquals(1, r.code(), r.err());
        assertFalse(r.errLine().contains("is intact"), r.errLine());
        assertTrue(r.errLine().contains("no checkpoint was written before it, so the run cannot be resumed; start it again"),
                r.errLine());
    }

    @Test
    void aStrayTestLabelIsNamedByFileItemAndValue() throws IOException {
        Path data = SyntheticIdx.write(tmp.resolve("data"), 60, 20, 10, 1);
        Path labels = data.resolve("t10k-labels-idx1-ubyte");
        byte[] b = Files.readAllBytes(labels);
        b[8 + 5] = (byte) 200;
        Files.write(labels, b);
        Path c = Hostile.write(tmp.resolve("ten.json"), TEN);
        String err = Hostile.bad((com.google.inject.Module) null, "train", c.toString(), "--data", data.toString(), "--out", tmp.resolve("out").toString());
        assertEquals(labels + ": label 200 at item 5 (byte 13) is not a class of the network: its last stage gives 10 outputs "
                + "(classes 0..9) and the training labels fit them", err);
    }

    @Test
    void aHugeFiniteLossIsPrintedInScientificNotation() {
        StringWriter s = new StringWriter();
        new ConsoleMetrics(new PrintWriter(s, true), 1).epoch(new EpochMetrics(1, 4.293442695943578e230, 1.5e7, 0.1, 1, 10,
                0.1, 0.1, Double.NaN, Double.NaN, 0));
        assertTrue(s.toString().startsWith("epoch 1/1: train loss 4.2934e+230, test loss 1.5000e+07, test accuracy"), s.toString());
    }

    @Test
    void emptyPathsAreRefused() throws IOException {
        Path c = Hostile.write(tmp.resolve("ok.json"), Hostile.CONFIG);
        assertEquals("--out: must be a folder path, got an empty string", Hostile.bad("train", c.toString(), "--out", ""));
        assertEquals("--plugins: must be a folder path, got an empty string (see 'runner --help')",
                Hostile.bad("--plugins", "", "train", c.toString()));
        assertEquals("--data: must be a folder path, got an empty string", Hostile.bad("train", c.toString(), "--data", ""));
        assertEquals("--data: must be a folder path, got an empty string", Hostile.bad("explain", c.toString(), "--data", ""));
    }

    @Test
    void aUtf16ConfigIsNamedAsSuch() throws IOException {
        Path c = tmp.resolve("x.json");
        Files.write(c, ("\ufeff" + Hostile.CONFIG).getBytes(StandardCharsets.UTF_16LE));
        assertEquals(c + ": the file is UTF-16 or UTF-32 text (it starts with bytes ff fe); save it as UTF-8",
                Hostile.bad("train", c.toString()));
        Files.write(c, new byte[] {'{', '"', 'n', (byte) 0xC3, '"', '}'});
        assertEquals(c + ": byte 3: not UTF-8 text (byte 0xc3); save the file as UTF-8", Hostile.bad("train", c.toString()));
    }

    @Test
    void aUtf8ByteOrderMarkIsAccepted() throws IOException {
        Path c = tmp.resolve("bom.json");
        byte[] text = Hostile.CONFIG.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[text.length + 3];
        b[0] = (byte) 0xEF;
        b[1] = (byte) 0xBB;
        b[2] = (byte) 0xBF;
        System.arraycopy(text, 0, b, 3, text.length);
        Files.write(c, b);
        assertEquals(0, Cli.run(Hostile.blobData(), "train", c.toString(), "--out", tmp.resolve("bom").toString()).code());
    }

    @Test
    void aConfigFileNameWithASpaceNamesTheRun() throws IOException {
        Path c = Hostile.write(tmp.resolve("my config.json"), Hostile.CONFIG.replace("\"name\": \"blobs\", ", ""));
        Cli.Result r = Cli.run(Hostile.blobData(), "train", c.toString(), "--out", tmp.resolve("run").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("my-config: test accuracy"), r.out());
    }

    @Test
    void aNewlineInATypeIdIsEscapedAndTheKnownTypesListed() throws IOException {
        String err = train(Hostile.CONFIG.replace("\"sigmoid\"", "\"sig\\nmoid\""));
        assertTrue(err.contains("x.json: network.layers[1].type: unknown type 'sig\\nmoid' (it holds a control character); "
                + "known: ") && err.contains(" dense, ") && err.endsWith(", sigmoid, softmax, tanh"), err);
    }

    @Test
    void aNullOptionIsNotReadAsZero() throws IOException {
        String err = train(Hostile.CONFIG.replace("\"units\": 8", "\"units\": null"));
        assertTrue(err.endsWith("x.json: network.layers[0].units: null is not a value; give one or leave the option out"), err);
    }

    @Test
    void gradcheckAcceptsData() throws IOException {
        Path data = SyntheticIdx.write(tmp.resolve("data"), 30, 10, 4, 1);
        Path c = Hostile.write(tmp.resolve("ten.json"), TEN);
        Cli.Result r = Cli.run(null, "gradcheck", c.toString(), "--data", data.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("ten: gradcheck passed"), r.out());
        assertTrue(r.out().contains("layers[0] dense"), r.out());
    }
}
