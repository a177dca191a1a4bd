package dev.chainrule.engine.train;

import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.data.DataException;
import dev.chainrule.engine.data.DataSplit;
import dev.chainrule.engine.data.Dataset;
import dev.chainrule.engine.data.IdxDatasets;
import dev.chainrule.engine.data.MnistFetcher;
import jakarta.inject.Inject;
import java.nio.file.Path;

/**
 * Data from IDX files: {@code data.dir} (any folder with the four files of a train/test split), or for
 * {@code data.dataset = "mnist"} the verified cache that {@link MnistFetcher} fills on first use.
 */
public class IdxDataSource implements DataSource {
    private final Terminal terminal;

    @Inject
    public IdxDataSource(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Split load(RunConfig.Data data) {
        try {
            Path dir = data.dir() != null ? Path.of(data.dir()) : new MnistFetcher(line -> {
                terminal.err().println(line);
                terminal.err().flush();
            }).ensure();
            DataSplit s = IdxDatasets.load(dir);
            return new Split(new DatasetSamples(s.train()), new DatasetSamples(s.test()));
        } catch (DataException e) {
            throw new BadInputException(e.getMessage(), e);
        }
    }

    /** A {@link Dataset} (uint8 pixels, scaled by 1/255 per batch) seen as {@link Samples}. */
    public record DatasetSamples(Dataset dataset) implements Samples {
        @Override
        public int size() {
            return dataset.size();
        }

        @Override
        public int features() {
            return dataset.features();
        }

        @Override
        public int numClasses() {
            return dataset.numClasses();
        }

        @Override
        public String labelAtLeast(int classes) {
            return dataset.labelAtLeast(classes);
        }

        @Override
        public Shape shape() {
            return dataset.shape();
        }

        @Override
        public void fill(int[] order, int from, int count, Tensor x, int[] labels) {
            if (dataset.fillBatch(order, from, count, x) != x || dataset.fillLabels(order, from, count, labels) != labels) {
                throw new IllegalArgumentException("batch buffers must be " + count + "×" + features());
            }
        }
    }
}
