#!/usr/bin/env python3
"""The convnet of configs/mnist-cnn.json in Keras 3 on TensorFlow (CPU, float32), timed per training epoch.

The Keras example's simple convnet: conv 32@3x3 relu -> maxpool 2 -> conv 64@3x3 relu -> maxpool 2 -> flatten ->
dropout 0.5 -> dense 10 softmax, cross-entropy on the batch mean, Adam lr 1e-3, batch 128, initialized as
chainrule's defaults (He-normal convolution kernels, a Glorot-uniform dense layer, zero biases), training set
reshuffled every epoch, pixels / 255, channels last (TensorFlow's CPU layout). TensorFlow runs intra-op parallelism with --threads threads and one inter-op thread.
Prints one JSON object: {"impl", "dtype", "batch", "threads", "epochSeconds": [...], "medianEpochSeconds",
"samplesPerSecond", "medianEpochCpuSeconds", "testAccuracy"}; the CPU seconds are the whole process's (every
thread) over an epoch. Timing covers training only (model.fit without validation); the test accuracy is
measured afterwards.

    python3 bench/convnet_keras.py --data DIR --passes 2 --warmup 1 --threads 2
"""
import argparse
import json
import os
import statistics
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np


def read_idx(path):
    with open(path, "rb") as f:
        raw = f.read()
    ndim = int.from_bytes(raw[0:4], "big") & 0xFF
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--passes", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="first N training samples only (0: all)")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    import tensorflow as tf
    # both must be set before TensorFlow starts its runtime (the first op)
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    import keras
    from keras import layers
    keras.utils.set_random_seed(args.seed)
    x = read_idx(os.path.join(args.data, "train-images-idx3-ubyte")).astype(np.float32) / 255.0
    y = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte")).astype(np.int64)
    if args.limit:
        x, y = x[:args.limit], y[:args.limit]
    x = x.reshape(-1, 28, 28, 1)
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu", kernel_initializer="he_normal"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu", kernel_initializer="he_normal"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  metrics=[])

    class Timer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.wall = []
            self.cpu = []

        def on_epoch_begin(self, epoch, logs=None):
            self.c0 = time.process_time()
            self.t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.wall.append(time.perf_counter() - self.t0)
            self.cpu.append(time.process_time() - self.c0)

    timer = Timer()
    model.fit(x, y, batch_size=args.batch, epochs=args.warmup + args.passes, shuffle=True, verbose=0,
              callbacks=[timer])
    times = timer.wall[args.warmup:]
    cpu = timer.cpu[args.warmup:]
    tx = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte")).astype(np.float32).reshape(-1, 28, 28, 1) / 255.0
    ty = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte")).astype(np.int64)
    acc = float((model.predict(tx, batch_size=1000, verbose=0).argmax(1) == ty).mean())
    med = statistics.median(times)
    print(json.dumps({"impl": f"keras {keras.__version__} / tensorflow {tf.__version__}", "dtype": "float32",
                      "batch": args.batch, "threads": args.threads, "epochSeconds": [round(t, 3) for t in times],
                      "medianEpochSeconds": round(med, 3), "samplesPerSecond": round(len(y) / med, 1),
                      "medianEpochCpuSeconds": round(statistics.median(cpu), 3),
                      "testAccuracy": round(acc, 4)}), flush=True)


if __name__ == "__main__":
    main()
