package dev.chainrule.runner.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Issue 26: the heap the out-of-memory line advises is always larger than the one the JVM had. */
class OutOfMemoryAdviceTest {
    @Test
    void theAdviceNamesALargerHeapThanThePresentOne() {
        for (long mb : new long[] {64, 256, 512, 1019, 1024, 1536, 2048, 4096, 15_000}) {
            String line = Main.outOfMemory(new OutOfMemoryError("Java heap space"), mb);
            Matcher m = Pattern.compile("JAVA_OPTS=-Xmx(\\d+)g").matcher(line);
            assertTrue(m.find(), line);
            assertTrue(Long.parseLong(m.group(1)) * 1024 > mb, mb + " MB: " + line);
            assertTrue(line.contains("with a heap of " + mb + " MB"), line);
        }
    }

    /** Issue 25: the advice fits the command; only train leaves a run folder to resume. */
    @Test
    void theAdviceFitsTheCommand() {
        String gc = Main.outOfMemory(new OutOfMemoryError("Java heap space"), 512, "gradcheck");
        assertTrue(gc.contains("--samples") && !gc.contains("resume") && !gc.contains("batch"), gc);
        String train = Main.outOfMemory(new OutOfMemoryError("Java heap space"), 512, "train");
        assertTrue(train.contains("train --resume"), train);
        assertTrue(!Main.outOfMemory(new OutOfMemoryError(), 512, "evaluate").contains("resume"));
        org.junit.jupiter.api.Assertions.assertEquals("gradcheck",
                Main.commandOf(new String[] {"--plugins", "p", "gradcheck", "x.json"}));
    }
}
