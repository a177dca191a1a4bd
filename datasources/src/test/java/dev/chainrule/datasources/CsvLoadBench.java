package dev.chainrule.datasources;

import dev.chainrule.api.Options;
import dev.chainrule.api.data.DataContext;
import dev.chainrule.api.data.DataSet;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The csv source's load time, for bench/csv_load.sh.
 *
 * <pre>
 *   java -cp … dev.chainrule.datasources.CsvLoadBench generate FILE ROWS [full]   # seeded: the same file every time
 *   java -cp … dev.chainrule.datasources.CsvLoadBench load FILE   # prints the load's wall and CPU seconds, rows, features
 * </pre>
 *
 * The file: a header {@code x0,…,x18,y}, then ROWS rows of 19 Gaussian values with 6 decimals
 * ({@code -0.734181}; with {@code full}, uniform values in [−1, 1) printed by Double.toString, 16 or 17
 * significant digits: {@code -0.8254838707328823}) and a class 0..9 in {@code y}: 20 numeric columns.
 */
public final class CsvLoadBench {
    private CsvLoadBench() {
    }

    public static void main(String[] args) throws IOException {
        if ((args.length == 3 || args.length == 4 && args[3].equals("full")) && args[0].equals("generate")) {
            generate(Path.of(args[1]), Integer.parseInt(args[2]), args.length == 4);
        } else if (args.length == 2 && args[0].equals("load")) {
            Path file = Path.of(args[1]).toAbsolutePath();
            long c0 = processCpuNanos();
            long t0 = System.nanoTime();
            DataSet d = new CsvProvider().load(new DataContext("csv", Options.of("path", file.toString(), "label", "y"),
                    null, 0L, null, null));
            double s = (System.nanoTime() - t0) / 1e9;
            double cpu = (processCpuNanos() - c0) / 1e9;
            System.out.printf(Locale.ROOT, "%.4f %.4f %d %d%n", s, cpu, d.train().size(), d.train().featureCount());
        } else {
            System.err.println("usage: CsvLoadBench generate FILE ROWS [full] | load FILE");
            System.exit(2);
        }
    }

    /** CPU time of the whole process (every thread: the parse's two, the JIT's, the GC's), or −1 when unknown. */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    static void generate(Path file, int rows, boolean full) throws IOException {
        SplittableRandom r = new SplittableRandom(20261207L);
        byte[] buf = new byte[32];
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            StringBuilder h = new StringBuilder();
            for (int j = 0; j < 19; j++) {
                h.append('x').append(j).append(',');
            }
            o.write(h.append("y\n").toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < 19; j++) {
                    if (full) {
                        o.write(Double.toString(r.nextDouble() * 2 - 1).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        o.write(',');
                        continue;
                    }
                    double g = gaussian(r);
                    long m = Math.round(g * 1e6);
                    int n = 0;
                    if (m < 0) {
                        o.write('-');
                        m = -m;
                    }
                    long ip = m / 1_000_000;
                    long fp = m % 1_000_000;
                    o.write(Long.toString(ip).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    o.write('.');
                    for (int k = 5; k >= 0; k--) {
                        buf[k] = (byte) ('0' + fp % 10);
                        fp /= 10;
                        n++;
                    }
                    o.write(buf, 0, n);
                    o.write(',');
                }
                o.write('0' + r.nextInt(10));
                o.write('\n');
            }
        }
    }

    private static double gaussian(SplittableRandom r) {
        double u = r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
    }
}
