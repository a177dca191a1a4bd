package dev.chainrule.runner;

import dev.chainrule.engine.train.InMemorySamples;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.base.CheckFailedException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.chainrule.engine.network.Network;
import dev.chainrule.api.Tensor;
import dev.chainrule.engine.config.ConfigReader;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.output.RunWriter;
import dev.chainrule.engine.registry.ProviderRegistry;
import dev.chainrule.engine.train.DataSource;
import dev.chainrule.engine.train.EpochMetrics;
import dev.chainrule.engine.train.MetricsSink;
import dev.chainrule.engine.train.ProgressSink;
import dev.chainrule.engine.train.Samples;
import dev.chainrule.engine.train.SgdTrainer;
import dev.chainrule.engine.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

class TrainerTest {
    @TempDir
    Path tmp;

    final ConfigReader reader = new ConfigReader(ProviderRegistry.builtIn());
    final NetworkFactory factory = new NetworkFactory(ProviderRegistry.builtIn());

    RunConfig config(int batch, int epochs) {
        return reader.parse(TrainEndToEndTest.CONFIG.replace("\"batchSize\": 4", "\"batchSize\": " + batch)
                .replace("\"epochs\": 3", "\"epochs\": " + epochs), "t.json", "t", tmp).withInput(4);
    }

    @Test
    void walksEveryEpochInBatchesIncludingTheLastPartialOneAndReportsEachEpoch() {
        InMemorySamples blobs = InMemorySamples.blobs(10, 3);
        Samples train = org.mockito.Mockito.spy(blobs);
        ProgressSink progress = mock(ProgressSink.class);
        List<EpochMetrics> seen = new ArrayList<>();
        MetricsSink metrics = seen::add;
        RunConfig c = config(4, 2);
        Trainer.Result r = new SgdTrainer().train(factory.build(c, 3), train, InMemorySamples.blobs(6, 4), c, progress,
                metrics);
        // 10 samples in batches of 4: 4, 4, then the partial 2, each epoch
        verify(train, times(4)).fill(any(), anyInt(), eq(4), any(), any());
        verify(train, times(2)).fill(any(), anyInt(), eq(2), any(), any());
        verify(progress).epochStarted(1, 2, 10);
        verify(progress).epochStarted(2, 2, 10);
        verify(progress, times(2)).advanced(eq(10), org.mockito.ArgumentMatchers.anyDouble());
        verify(progress, times(2)).epochFinished();
        assertEquals(2, seen.size());
        assertEquals(1, seen.get(0).epoch());
        assertEquals(2, seen.get(1).epoch());
        assertEquals(r.epochs(), seen);
        assertEquals(6, r.finalTest().samples());
    }

    @Test
    void eachEpochSeesEverySampleOnceInAFreshSeededOrder() {
        InMemorySamples blobs = InMemorySamples.blobs(9, 3);
        Samples train = org.mockito.Mockito.spy(blobs);
        RunConfig c = config(9, 2);
        new SgdTrainer().train(factory.build(c, 3), train, blobs, c, mock(ProgressSink.class), m -> { });
        ArgumentCaptor<int[]> order = ArgumentCaptor.forClass(int[].class);
        // the first two calls are the training batches (one per epoch); the order array is reused, so copy
        List<int[]> orders = new ArrayList<>();
        org.mockito.Mockito.doAnswer(inv -> {
            orders.add(((int[]) inv.getArgument(0)).clone());
            return inv.callRealMethod();
        }).when(train).fill(order.capture(), anyInt(), anyInt(), any(), any());
        new SgdTrainer().train(factory.build(c, 3), train, blobs, c, mock(ProgressSink.class), m -> { });
        assertEquals(2, orders.size());
        for (int[] o : orders) {
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), java.util.Arrays.stream(o).sorted().boxed().toList());
        }
        assertTrue(!java.util.Arrays.equals(orders.get(0), orders.get(1)), "reshuffled each epoch");
    }

    @Test
    void aNonFiniteLossStopsTrainingWithExitCodeOne() {
        double[][] x = {{Double.NaN, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}};
        InMemorySamples nan = new InMemorySamples(x, new int[] {0, 1, 2}, 3);
        RunConfig c = config(1, 1);
        MetricsSink metrics = mock(MetricsSink.class);
        CheckFailedException e = assertThrows(CheckFailedException.class, () -> new SgdTrainer().train(
                factory.build(c, 3), nan, nan, c, mock(ProgressSink.class), metrics));
        assertTrue(e.getMessage().startsWith("training diverged: loss is NaN in epoch 1"), e.getMessage());
        verify(metrics, never()).epoch(any());
    }

    @Test
    void guiceWiresTheCommandToReplaceableParts() throws Exception {
        // a data source with three samples, a recording run writer, a mocked trainer
        InMemorySamples three = new InMemorySamples(new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}},
                new int[] {0, 1, 2}, 3);
        DataSource ds = mock(DataSource.class);
        when(ds.load(any())).thenReturn(new DataSource.Split(three, three));
        RunWriter writer = mock(RunWriter.class);
        Path dir = tmp.resolve("run");
        when(writer.prepare(any(), any())).thenReturn(dir);
        Trainer trainer = mock(Trainer.class);
        var eval = new dev.chainrule.engine.train.Evaluation(0.1, 2.0 / 3, new int[3][3], 3);
        when(trainer.train(any(), any(), any(), any(), any(), any(), any(), any()))
                .thenReturn(new Trainer.Result(List.of(), eval, 1.5));
        Path cfg = tmp.resolve("c.json");
        Files.writeString(cfg, TrainEndToEndTest.CONFIG);
        Cli.Result r = Cli.run(b -> {
            b.bind(DataSource.class).toInstance(ds);
            b.bind(RunWriter.class).toInstance(writer);
            b.bind(Trainer.class).toInstance(trainer);
        }, "train", cfg.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("blobs: test accuracy 66.67% after 3 epochs (1.5 s), run folder " + dir), r.out());
        InOrder o = inOrder(ds, writer, trainer);
        o.verify(ds).load(any());
        o.verify(writer).prepare(any(), eq(null));
        o.verify(writer).writeConfig(eq(dir), any());
        o.verify(trainer).train(any(Network.class), eq(three), eq(three), any(), any(), any(), any(), any());
        o.verify(writer).writeModel(eq(dir), any(), any(), eq(3));
        o.verify(writer).writeConfusion(eq(dir), any());
    }

    @Test
    void evaluationArgmaxTiesGoToTheLowerClass() {
        Tensor t = Tensor.of(new double[][] {{0.2, 0.5, 0.5}});
        assertEquals(1, dev.chainrule.engine.train.Evaluator.argmax(t, 0));
    }

    @Test
    void resumingAtAPositionOffTheBatchGridIsRefusedAsBadInput() {
        // a checkpoint at sample 3 of an epoch cannot come from batches of 4: the data changed under the run
        RunConfig c = config(4, 2);
        Network net = factory.build(c, 3);
        double[][] w = new double[net.parameters().size()][];
        for (int i = 0; i < w.length; i++) {
            w[i] = net.parameters().get(i).toRowMajor();
        }
        double[][] v = new double[0][];
        var resume = dev.chainrule.engine.train.Checkpoint.builder().at(1, 3).weights(w).optimizer("sgd", v).build();
        BadInputException e = assertThrows(BadInputException.class, () -> new SgdTrainer().train(net,
                InMemorySamples.blobs(10, 3), InMemorySamples.blobs(6, 4), c, mock(ProgressSink.class),
                mock(MetricsSink.class), null, resume));
        assertTrue(e.getMessage().contains("stopped at sample 3") && e.getMessage().contains("batches of 4"),
                e.getMessage());
    }
}
