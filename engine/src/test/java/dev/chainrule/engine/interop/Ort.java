package dev.chainrule.engine.interop;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Map;

/** Runs an exported ONNX model in ONNX Runtime (test scope only). */
public final class Ort implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final boolean f64;

    public Ort(byte[] model, String dtype) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(1);
        this.session = env.createSession(model, o);
        this.f64 = dtype.equals("float64");
    }

    /** The graph on {@code rows} samples of {@code x} (row-major), the per-sample input dims given. */
    public double[] run(double[] x, int rows, int[] dims) throws OrtException {
        long[] shape = new long[dims.length + 1];
        shape[0] = rows;
        for (int i = 0; i < dims.length; i++) {
            shape[i + 1] = dims[i];
        }
        OnnxTensor t;
        if (f64) {
            t = OnnxTensor.createTensor(env, DoubleBuffer.wrap(x), shape);
        } else {
            float[] f = new float[x.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) x[i];
            }
            t = OnnxTensor.createTensor(env, FloatBuffer.wrap(f), shape);
        }
        try (t; OrtSession.Result r = session.run(Map.of("input", t))) {
            OnnxTensor out = (OnnxTensor) r.get("output").orElseThrow();
            if (f64) {
                DoubleBuffer b = out.getDoubleBuffer();
                double[] v = new double[b.remaining()];
                b.get(v);
                return v;
            }
            FloatBuffer b = out.getFloatBuffer();
            double[] v = new double[b.remaining()];
            for (int i = 0; i < v.length; i++) {
                v[i] = b.get(i);
            }
            return v;
        }
    }

    /** The largest {@code |a − b| / max(|b|, floor)} over the entries. */
    public static double maxRelative(double[] a, double[] b, double floor) {
        if (a.length != b.length) {
            throw new AssertionError(a.length + " values vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor));
        }
        return m;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
