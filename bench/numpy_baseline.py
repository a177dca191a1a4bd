#!/usr/bin/env python3
"""The notes' network in plain numpy: the baseline chainrule's speed is measured against.

784-128-64-10, sigmoid hidden layers, softmax + cross-entropy (fused gradient SM(z) - e_y),
Glorot-uniform weights, zero biases, SGD with the mean gradient of each batch, training set
reshuffled every epoch. Prints one JSON object per line: {"batch": B, "dtype": ..., "epochSeconds": [...],
"medianEpochSeconds": ..., "samplesPerSecond": ..., "medianEpochCpuSeconds": ...}. Timing covers training only
(no evaluation); the CPU seconds are the process's (every thread, OpenBLAS's included).

    python3 bench/numpy_baseline.py --data DIR --batch 1 --passes 3
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np


def read_idx(path):
    with open(path, "rb") as f:
        raw = f.read()
    magic = int.from_bytes(raw[0:4], "big")
    ndim = magic & 0xFF
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def glorot(rng, fan_out, fan_in, dtype):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_out, fan_in)).astype(dtype)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def epoch(params, x_all, y_all, order, batch, lr):
    W1, b1, W2, b2, W3, b3 = params
    n = len(order)
    for start in range(0, n, batch):
        idx = order[start:start + batch]
        x = x_all[idx]                  # B x 784
        y = y_all[idx]
        bsz = x.shape[0]
        a1 = sigmoid(x @ W1.T + b1)     # B x 128
        a2 = sigmoid(a1 @ W2.T + b2)    # B x 64
        z3 = a2 @ W3.T + b3             # B x 10
        z3 = z3 - z3.max(axis=1, keepdims=True)
        p = np.exp(z3)
        p /= p.sum(axis=1, keepdims=True)
        g3 = p
        g3[np.arange(bsz), y] -= 1.0    # SM(z) - e_y
        g3 /= bsz
        g2 = (g3 @ W3) * a2 * (1.0 - a2)
        g1 = (g2 @ W2) * a1 * (1.0 - a1)
        W3 -= lr * (g3.T @ a2)
        b3 -= lr * g3.sum(axis=0)
        W2 -= lr * (g2.T @ a1)
        b2 -= lr * g2.sum(axis=0)
        W1 -= lr * (g1.T @ x)
        b1 -= lr * g1.sum(axis=0)


def accuracy(params, data, dtype):
    W1, b1, W2, b2, W3, b3 = params
    x = read_idx(os.path.join(data, "t10k-images-idx3-ubyte")).reshape(-1, 784).astype(dtype) / dtype(255)
    y = read_idx(os.path.join(data, "t10k-labels-idx1-ubyte"))
    z = sigmoid(sigmoid(x @ W1.T + b1) @ W2.T + b2) @ W3.T + b3
    return round(float((z.argmax(axis=1) == y).mean()), 4)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="folder with train-images-idx3-ubyte and train-labels-idx1-ubyte")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    ap.add_argument("--passes", type=int, default=3, help="timed epochs (median reported)")
    ap.add_argument("--warmup", type=int, default=0, help="untimed epochs first")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N training samples (0: all)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--eval", action="store_true", help="print test accuracy after each epoch (outside the timing)")
    args = ap.parse_args()

    dtype = np.float64 if args.dtype == "float64" else np.float32
    x_all = read_idx(os.path.join(args.data, "train-images-idx3-ubyte")).reshape(-1, 784).astype(dtype) / dtype(255)
    y_all = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte")).astype(np.int64)
    if args.limit:
        x_all, y_all = x_all[:args.limit], y_all[:args.limit]
    rng = np.random.default_rng(args.seed)
    params = [glorot(rng, 128, 784, dtype), np.zeros(128, dtype),
              glorot(rng, 64, 128, dtype), np.zeros(64, dtype),
              glorot(rng, 10, 64, dtype), np.zeros(10, dtype)]
    times = []
    cpus = []
    for i in range(args.warmup + args.passes):
        order = rng.permutation(len(y_all))
        t0 = time.perf_counter()
        c0 = time.process_time()
        epoch(params, x_all, y_all, order, args.batch, dtype(args.lr))
        dt = time.perf_counter() - t0
        dc = time.process_time() - c0
        if i >= args.warmup:
            times.append(dt)
            cpus.append(dc)
        if args.eval:
            print(json.dumps({"epoch": i + 1, "testAccuracy": accuracy(params, args.data, dtype)}))
            sys.stdout.flush()
    med = statistics.median(times)
    print(json.dumps({"impl": "numpy " + np.__version__, "batch": args.batch, "dtype": args.dtype,
                      "epochSeconds": [round(t, 4) for t in times], "medianEpochSeconds": round(med, 4),
                      "samplesPerSecond": round(len(y_all) / med, 1),
                      "medianEpochCpuSeconds": round(statistics.median(cpus), 4)}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
