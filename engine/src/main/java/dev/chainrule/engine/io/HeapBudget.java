package dev.chainrule.engine.io;

import dev.chainrule.engine.base.BadInputException;

/**
 * A size read from a file's header, compared with the heap before the array is allocated: a file that
 * declares more than the heap can still hold is one clear line (and a heap that would hold it) instead of an
 * {@link OutOfMemoryError} halfway through reading.
 */
public final class HeapBudget {
    private HeapBudget() {
    }

    /** The heap this JVM may grow to, in MB. */
    public static long maxMb() {
        return Runtime.getRuntime().maxMemory() >> 20;
    }

    /**
     * A {@code -Xmx} in whole GB larger than the present heap, and at least twice {@code needMb}: the advice
     * never names the heap the JVM already has.
     */
    public static long adviseGb(long needMb) {
        long have = maxMb();
        return Math.max(Math.max((2 * needMb + 1023) / 1024, have / 1024 + 1), 1);
    }

    /**
     * Refuses {@code bytes} that the heap cannot hold next to what it already holds; {@code what} names the
     * file and what its header says.
     */
    public static void require(long bytes, String what) {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytes <= free) {
            return;
        }
        System.gc(); // what is used may be garbage: count only what is live before refusing
        free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytes > free) {
            long needMb = (bytes + (1 << 20) - 1) >> 20;
            throw new BadInputException(what + ": needs " + needMb + " MB in memory, more than the "
                    + Math.max(0, free >> 20) + " MB free of a heap of " + maxMb() + " MB; give Java more with"
                    + " JAVA_OPTS=-Xmx" + adviseGb(needMb + (maxMb() - (free >> 20))) + "g");
        }
    }
}
