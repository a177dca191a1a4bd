package dev.chainrule.engine.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.io.SafeFiles;
import dev.chainrule.engine.io.Text;
import dev.chainrule.engine.io.AtomicFiles;
import dev.chainrule.engine.io.JsonRecords;
import dev.chainrule.engine.io.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Checkpoints of a run folder, in {@code checkpoint/}: {@code state.json} (format, position, metrics so far,
 * early-stopping state, the optimizer's type id and state sizes, each file's SHA-256), {@code weights.bin}
 * and, with early stopping, {@code best.bin} — every parameter row-major, then every network buffer, as
 * little-endian float64, one after the other, as in the model's weights.bin — and {@code optimizer.bin},
 * the optimizer's state buffers ({@code Optimizer.state}: moments, velocities, its step counter) in its
 * order, as little-endian float64.
 *
 * <p>Atomic as a whole: the new checkpoint is written into a fresh temporary folder, the old one renamed to
 * {@code checkpoint.old}, the new one renamed into place, the old one deleted. A crash at any moment leaves
 * either {@code checkpoint/} or {@code checkpoint.old/} complete, and {@link #load()} takes whichever is.
 *
 * <p>A run folder may come from elsewhere, so nothing in a checkpoint is trusted: {@code state.json} has its
 * own SHA-256 beside it ({@code state.json.sha256}, {@code sha256sum -c} reads it) and records a SHA-256
 * of the run's {@code config.json} (all but training.epochs), every field is range-checked, every array file must lie in the
 * checkpoint folder with exactly the size {@code parameterSizes} gives (checked before allocating) and its
 * recorded SHA-256, every optimizer state value must be finite; {@link #check} then compares it with the network
 * and the config and checks every weight and buffer value (finite, a variance ≥ 0). Each failure is one line.
 */
public final class CheckpointStore {
    private static final String TMP_PREFIX = ".checkpoint.";
    public static final String FORMAT = "chainrule-checkpoint";
    /** 2: any optimizer's state (version 1 held SGD momentum only). */
    public static final int FORMAT_VERSION = 2;
    public static final String DIR = "checkpoint";
    public static final String OLD = "checkpoint.old";
    public static final String STATE = "state.json";
    public static final String STATE_SHA = "state.json.sha256";
    /** Far above a real state.json (metrics of 100,000 epochs); stops a device or a mistake. */
    static final long MAX_STATE_BYTES = 256L << 20;

    private final Path runDir;
    private final ObjectMapper mapper;
    /** The config fingerprint of the checkpoint {@link #load()} returned, if it recorded one. */
    private String recordedFingerprint;

    /**
     * state.json, its fields in the order written ({@code bestValidationLoss} is written as null when there is
     * none; {@code configFingerprint} only when the run has a config.json). Reading binds strictly
     * ({@link JsonRecords}); a missing field is null, and {@link #load(Path)} range-checks every one.
     */
    record State(String format, Integer formatVersion, Integer epoch, Integer position, Double lossSum, Long correct,
            Double bestValidationLoss, Integer bestEpoch, Integer badEpochs, Boolean stopped, int[] parameterSizes,
            @JsonInclude(JsonInclude.Include.NON_NULL) String configFingerprint, String optimizer,
            int[] optimizerStateSizes, Files_ files, List<JsonNode> metrics) {
    }

    /** {@code files}: the array files ({@code best} only with early stopping). */
    record Files_(FileRef weights, FileRef optimizer, @JsonInclude(JsonInclude.Include.NON_NULL) FileRef best) {
    }

    /** One array file and its SHA-256. */
    record FileRef(String file, String sha256) {
    }

    public CheckpointStore(Path runDir, ObjectMapper mapper) {
        this.runDir = runDir;
        this.mapper = mapper;
    }

    public Path dir() {
        return runDir.resolve(DIR);
    }

    /** Whether a checkpoint (complete or the previous one) is on disk. */
    public boolean hasCheckpoint() {
        return Files.isRegularFile(runDir.resolve(DIR).resolve(STATE)) || Files.isRegularFile(runDir.resolve(OLD).resolve(STATE));
    }

    public void save(Checkpoint c) {
        try {
            deleteLeftovers();
            Path tmp = runDir.resolve(TMP_PREFIX + Long.toHexString(System.nanoTime()) + ".tmp");
            Files.createDirectory(tmp);
            FileRef weights = write(tmp, "weights.bin", c.weights());
            FileRef optimizer = write(tmp, "optimizer.bin", c.optimizerState());
            FileRef best = c.best() == null ? null : write(tmp, "best.bin", c.best());
            int[] sizes = new int[c.weights().length];
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = c.weights()[i].length;
            }
            int[] stateSizes = new int[c.optimizerState().length];
            for (int i = 0; i < stateSizes.length; i++) {
                stateSizes[i] = c.optimizerState()[i].length;
            }
            List<JsonNode> ms = new ArrayList<>();
            for (EpochMetrics m : c.metrics()) {
                ms.add(mapper.valueToTree(m.toJsonMap()));
            }
            State s = new State(FORMAT, FORMAT_VERSION, c.epoch(), c.position(), c.lossSum(), c.correct(),
                    Double.isFinite(c.bestValidationLoss()) ? c.bestValidationLoss() : null, c.bestEpoch(),
                    c.badEpochs(), c.stopped(), sizes, configFingerprint(), c.optimizer(), stateSizes,
                    new Files_(weights, optimizer, best), ms);
            byte[] state = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(s);
            AtomicFiles.writeSynced(tmp.resolve(STATE), state);
            AtomicFiles.writeSynced(tmp.resolve(STATE_SHA),
                    (Sha256.hex(state) + "  " + STATE + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            AtomicFiles.syncDirectory(tmp);
            Path cur = runDir.resolve(DIR);
            Path old = runDir.resolve(OLD);
            // At every moment checkpoint/ or checkpoint.old/ is complete: the old one goes only once the new
            // one is in place (after a crash between the renames, checkpoint.old/ is the only one, so keep it).
            if (Files.exists(cur)) {
                deleteTree(old);
                Files.move(cur, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, cur, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.syncDirectory(runDir);
            deleteTree(old);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileRef write(Path dir, String name, double[][] arrays) throws IOException {
        int total = 0;
        for (double[] a : arrays) {
            total += a.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(total * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (double[] a : arrays) {
            for (double v : a) {
                buf.putDouble(v);
            }
        }
        AtomicFiles.writeSynced(dir.resolve(name), buf.array());
        return new FileRef(name, Sha256.hex(buf.array()));
    }

    /**
     * The newest complete checkpoint, or null when the run has none: {@code checkpoint/}, or
     * {@code checkpoint.old/} when the first is missing or fails its checks (a crash between the renames).
     */
    public Checkpoint load() {
        Path cur = runDir.resolve(DIR);
        Path old = runDir.resolve(OLD);
        boolean hasOld = Files.isRegularFile(old.resolve(STATE));
        if (!Files.isRegularFile(cur.resolve(STATE))) {
            return hasOld ? load(old) : null;
        }
        try {
            return load(cur);
        } catch (BadInputException e) {
            if (hasOld) {
                return load(old);
            }
            throw e;
        }
    }

    private void deleteLeftovers() throws IOException {
        try (Stream<Path> s = Files.list(runDir)) {
            for (Path p : s.filter(q -> q.getFileName().toString().startsWith(TMP_PREFIX)).toList()) {
                deleteTree(p);
            }
        }
    }

    /**
     * The SHA-256 of the run's config.json without {@code training.epochs}, or null when there is none (a
     * store used on its own). Raising the epochs is how a finished run is extended; any other edit would make
     * the resumed run differ from one never stopped, or not fit the checkpoint at all.
     */
    private String configFingerprint() {
        Path cfg = runDir.resolve("config.json");
        if (!Files.isRegularFile(cfg)) {
            return null;
        }
        byte[] bytes = SafeFiles.readSmall(cfg, cfg.toString(), SafeFiles.MAX_JSON_BYTES);
        try {
            JsonNode tree = mapper.readTree(bytes);
            if (tree != null && tree.path("training") instanceof com.fasterxml.jackson.databind.node.ObjectNode t) {
                t.remove("epochs");
            }
            return Sha256.hex(mapper.writeValueAsBytes(tree));
        } catch (IOException e) {
            return Sha256.hex(bytes); // unparsable: differs from any recorded fingerprint
        }
    }

    private Checkpoint load(Path d) {
        String shown = d + "/" + STATE;
        byte[] bytes = SafeFiles.readSmall(d.resolve(STATE), shown, MAX_STATE_BYTES);
        Path shaFile = d.resolve(STATE_SHA);
        if (!Files.exists(shaFile)) {
            throw new BadInputException(shown + ": no " + STATE_SHA + " beside it; the checkpoint is incomplete or was "
                    + "written by an older runner; start the run again");
        }
        String recorded = new String(SafeFiles.readSmall(shaFile, d + "/" + STATE_SHA, 1024),
                java.nio.charset.StandardCharsets.US_ASCII).strip().split("\\s+")[0];
        String actual = Sha256.hex(bytes);
        if (!actual.equals(recorded)) {
            throw new BadInputException(shown + ": SHA-256 " + actual + " does not match " + recorded + " in " + STATE_SHA
                    + "; the checkpoint was edited or is corrupted");
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(bytes);
        } catch (IOException e) {
            throw new BadInputException(shown + ": not JSON (" + Text.escape(e.getMessage().split("\n")[0]) + ")");
        }
        if (tree == null || !FORMAT.equals(tree.path("format").asText()) || tree.path("formatVersion").asInt() != FORMAT_VERSION) {
            throw new BadInputException(shown + ": not a " + FORMAT + " version " + FORMAT_VERSION + " file"
                    + (tree != null && tree.path("formatVersion").asInt() == 1 ? " (version 1, from before optimizers were "
                    + "plugins; restart the run)" : ""));
        }
        State s = JsonRecords.bind(JsonRecords.strict(mapper), tree, State.class, shown);
        // compared by check(), after the checks that can say more precisely what changed
        recordedFingerprint = s.configFingerprint();
        int epoch = intField(s.epoch(), "epoch", 1, Integer.MAX_VALUE, shown);
        int position = intField(s.position(), "position", 0, Integer.MAX_VALUE, shown);
        if (s.correct() == null || s.correct() < 0 || s.correct() > position) {
            throw new BadInputException(shown + ": correct: must be an integer from 0 to position (" + position + "), got "
                    + s.correct());
        }
        long correct = s.correct();
        if (s.lossSum() == null || !Double.isFinite(s.lossSum())) {
            throw new BadInputException(shown + ": lossSum: must be a finite number, got " + s.lossSum());
        }
        double lossSum = s.lossSum();
        int[] sizes = sizes(s.parameterSizes(), "parameterSizes", shown, false);
        int[] stateSizes = sizes(s.optimizerStateSizes(), "optimizerStateSizes", shown, true);
        String optimizer = s.optimizer();
        if (optimizer == null || optimizer.isEmpty()) {
            throw new BadInputException(shown + ": optimizer: must be the optimizer's type id, got "
                    + (optimizer == null ? "nothing" : "\"\""));
        }
        List<JsonNode> metrics = s.metrics() == null ? List.of() : s.metrics();
        if (metrics.size() != epoch - 1) {
            throw new BadInputException(shown + ": holds " + metrics.size() + " finished epochs but says it stopped in "
                    + "epoch " + epoch + " (expected " + (epoch - 1) + ")");
        }
        List<EpochMetrics> ms = new ArrayList<>();
        for (int i = 0; i < metrics.size(); i++) {
            EpochMetrics m = EpochMetrics.fromJson(metrics.get(i));
            if (m.epoch() != i + 1) {
                throw new BadInputException(shown + ": metrics[" + i + "].epoch: expected " + (i + 1) + ", got "
                        + metrics.get(i).path("epoch"));
            }
            ms.add(m);
        }
        int bestEpoch = intField(s.bestEpoch(), "bestEpoch", 0, epoch - 1, shown);
        int badEpochs = intField(s.badEpochs(), "badEpochs", 0, epoch - 1, shown);
        double bestLoss = s.bestValidationLoss() != null ? s.bestValidationLoss() : Double.POSITIVE_INFINITY;
        Files_ files = s.files() == null ? new Files_(null, null, null) : s.files();
        double[][] w = read(d, files.weights(), sizes, shown, "files.weights");
        double[][] v = read(d, files.optimizer(), stateSizes, shown, "files.optimizer");
        checkOptimizerState(v, optimizer, d.resolve(files.optimizer().file()));
        double[][] best = files.best() != null ? read(d, files.best(), sizes, shown, "files.best") : null;
        return Checkpoint.builder()
                .at(epoch, position)
                .runningSums(lossSum, correct)
                .metrics(ms)
                .earlyStopping(bestLoss, bestEpoch, badEpochs, Boolean.TRUE.equals(s.stopped()))
                .weights(w)
                .optimizer(optimizer, v)
                .best(best)
                .build();
    }

    /** An array of sizes (integers ≥ 0), each checked before any array of that size is allocated. */
    private static int[] sizes(int[] node, String key, String shown, boolean mayBeEmpty) {
        if (node == null || (!mayBeEmpty && node.length == 0)) {
            throw new BadInputException(shown + ": " + key + ": must be " + (mayBeEmpty ? "an" : "a non-empty")
                    + " array of sizes, got " + (node == null ? "nothing" : "[ ]"));
        }
        for (int i = 0; i < node.length; i++) {
            if (node[i] < 0) {
                throw new BadInputException(shown + ": " + key + "[" + i + "]: must be an integer ≥ 0, got " + node[i]);
            }
        }
        return node.clone();
    }

    private static int intField(Integer n, String key, int min, int max, String shown) {
        if (n == null || n < min || n > max) {
            throw new BadInputException(shown + ": " + key + ": must be an integer from " + min + " to " + max + ", got "
                    + (n == null ? "nothing" : n));
        }
        return n;
    }

    /**
     * Checks a loaded checkpoint against the network the run's config builds and its epochs: an edited
     * config.json or state.json is one line, not an exception from deep inside the trainer.
     */
    public void check(Checkpoint c, dev.chainrule.engine.network.Network network, dev.chainrule.engine.config.RunConfig config) {
        String shown = dir() + "/" + STATE;
        int epochs = config.training().epochs();
        String optimizer = config.training().optimizer().type();
        if (!optimizer.equals(c.optimizer())) {
            throw new BadInputException("--resume: the checkpoint holds the state of optimizer '"
                    + Text.escape(c.optimizer()) + "' but the run's config asks for '" + optimizer
                    + "'; resume with the optimizer the run started with");
        }
        int[] have = new int[c.weights().length];
        for (int i = 0; i < have.length; i++) {
            have[i] = c.weights()[i].length;
        }
        // the arrays are the parameters, then the buffers (SgdTrainer.copy)
        List<Integer> sizes = new ArrayList<>();
        network.parameters().forEach(p -> sizes.add(p.size()));
        network.buffers().forEach(b -> sizes.add(b.size()));
        int[] want = sizes.stream().mapToInt(Integer::intValue).toArray();
        if (!java.util.Arrays.equals(have, want)) {
            throw new BadInputException(shown + ": parameterSizes " + java.util.Arrays.toString(have) + " but the network "
                    + runDir.resolve("config.json") + " describes has " + java.util.Arrays.toString(want)
                    + "; the checkpoint does not belong to this config");
        }
        // the hashes only say the files are the ones state.json names: a NaN weight or running variance in them
        // would train on (or be saved into model.json) as if healthy, so the values themselves are checked too
        checkValues(c.weights(), "weights.bin", network);
        if (c.best() != null) {
            checkValues(c.best(), "best.bin", network);
        }
        if (c.epoch() > epochs + 1) {
            throw new BadInputException(shown + ": epoch: " + c.epoch() + " but the run has " + epochs + " epochs");
        }
        String now = configFingerprint();
        if (recordedFingerprint != null && now != null && !now.equals(recordedFingerprint)) {
            throw new BadInputException(runDir.resolve("config.json") + ": changed since the checkpoint was written "
                    + "(only training.epochs may be raised, to extend a run); put the original back or start a new run");
        }
    }

    private void checkValues(double[][] arrays, String file, dev.chainrule.engine.network.Network network) {
        dev.chainrule.engine.network.StateValues.Bad bad = dev.chainrule.engine.network.StateValues.first(network,
                k -> arrays[k]);
        if (bad != null) {
            throw new BadInputException(dir().resolve(file) + ": " + bad.describe() + "; every parameter and buffer "
                    + "of a checkpoint must be finite (and a variance ≥ 0): the checkpoint was edited or is corrupted");
        }
    }

    /** Every optimizer state value finite (moments, velocities, step counters), checked as optimizer.bin is read. */
    private static void checkOptimizerState(double[][] state, String optimizer, Path file) {
        for (int i = 0; i < state.length; i++) {
            int k = i;
            dev.chainrule.engine.network.StateValues.Bad bad = dev.chainrule.engine.network.StateValues.check(state[i],
                    false, () -> "state array " + (k + 1) + " of " + state.length + " of optimizer '"
                            + Text.escape(optimizer) + "'");
            if (bad != null) {
                throw new BadInputException(file + ": " + bad.describe() + "; an optimizer's state must be finite: "
                        + "the checkpoint was edited or is corrupted");
            }
        }
    }

    private static double[][] read(Path d, FileRef f, int[] sizes, String shown, String key) {
        long total = 0;
        for (int s : sizes) {
            total += s;
        }
        String name = f == null || f.file() == null ? "" : f.file();
        String sha = f == null || f.sha256() == null ? "" : f.sha256();
        if (!sha.matches("[0-9a-f]{64}")) {
            throw new BadInputException(shown + ": " + key + ".sha256: missing or not a SHA-256");
        }
        Path real = SafeFiles.inside(d, name, shown + ": " + key + ".file");
        byte[] bytes = SafeFiles.readExactly(real, d.resolve(name).toString(), total * Double.BYTES,
                shown + " (parameterSizes)");
        if (!Sha256.hex(bytes).equals(sha)) {
            throw new BadInputException(d.resolve(name) + ": SHA-256 does not match " + shown
                    + "; the checkpoint is corrupted");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        double[][] out = new double[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            out[i] = new double[sizes[i]];
            for (int k = 0; k < sizes[i]; k++) {
                out[i][k] = buf.getDouble();
            }
        }
        return out;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
