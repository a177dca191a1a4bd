#!/usr/bin/env python3
"""The convnet of configs/mnist-cnn.json in PyTorch (CPU), timed per training epoch.

conv 32@3x3 relu -> maxpool 2 -> conv 64@3x3 relu -> maxpool 2 -> flatten -> [dropout] -> dense 10, softmax
cross-entropy on the batch mean, SGD with momentum (or Adam), training set reshuffled every epoch, pixels / 255.
Initialized as chainrule's defaults: He-normal convolution kernels, a Glorot-uniform dense layer, zero biases
(--init torch keeps PyTorch's own).
Prints one JSON object: {"impl", "dtype", "batch", "threads", "epochSeconds": [...], "medianEpochSeconds",
"samplesPerSecond", "medianEpochCpuSeconds", "testAccuracy"}; the CPU seconds are the whole process's (every
thread) over an epoch. Timing covers training only; the test accuracy is measured afterwards.

    python3 bench/convnet_torch.py --data DIR --dtype float32 --passes 2 --warmup 1
"""
import argparse
import json
import os
import statistics
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    with open(path, "rb") as f:
        raw = f.read()
    ndim = int.from_bytes(raw[0:4], "big") & 0xFF
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


class Net(nn.Module):
    def __init__(self, dropout):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3)
        self.c2 = nn.Conv2d(32, 64, 3)
        self.fc = nn.Linear(64 * 5 * 5, 10)
        self.dropout = dropout

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        x = torch.flatten(x, 1)
        if self.dropout > 0:
            x = F.dropout(x, self.dropout, self.training)
        return self.fc(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--passes", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dropout", type=float, default=0.0)
    ap.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--limit", type=int, default=0, help="first N training samples only (0: all)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--init", choices=["chainrule", "torch"], default="chainrule")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    dt = torch.float32 if args.dtype == "float32" else torch.float64
    x = torch.from_numpy(read_idx(os.path.join(args.data, "train-images-idx3-ubyte")).astype(np.float64) / 255.0)
    y = torch.from_numpy(read_idx(os.path.join(args.data, "train-labels-idx1-ubyte")).astype(np.int64))
    if args.limit:
        x, y = x[:args.limit], y[:args.limit]
    x = x.reshape(-1, 1, 28, 28).to(dt)
    net = Net(args.dropout).to(dt)
    if args.init == "chainrule":
        for m in (net.c1, net.c2):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        nn.init.xavier_uniform_(net.fc.weight)
        for m in (net.c1, net.c2, net.fc):
            nn.init.zeros_(m.bias)
    opt = (torch.optim.SGD(net.parameters(), lr=args.lr, momentum=args.momentum) if args.optimizer == "sgd"
           else torch.optim.Adam(net.parameters(), lr=args.lr))
    times = []
    cpu = []
    for i in range(args.warmup + args.passes):
        net.train()
        order = torch.randperm(len(y))
        c0 = time.process_time()
        t0 = time.perf_counter()
        for s in range(0, len(y), args.batch):
            idx = order[s:s + args.batch]
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
        t = time.perf_counter() - t0
        c = time.process_time() - c0
        if i >= args.warmup:
            times.append(t)
            cpu.append(c)
    net.eval()
    with torch.no_grad():
        tx = torch.from_numpy(read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte")).astype(np.float64) / 255.0)
        ty = torch.from_numpy(read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte")).astype(np.int64))
        acc = (net(tx.reshape(-1, 1, 28, 28).to(dt)).argmax(1) == ty).double().mean().item()
    med = statistics.median(times)
    print(json.dumps({"impl": "torch " + torch.__version__, "dtype": args.dtype, "batch": args.batch,
                      "threads": torch.get_num_threads(), "epochSeconds": [round(t, 3) for t in times],
                      "medianEpochSeconds": round(med, 3), "samplesPerSecond": round(len(y) / med, 1),
                      "medianEpochCpuSeconds": round(statistics.median(cpu), 3),
                      "testAccuracy": round(acc, 4)}), flush=True)


if __name__ == "__main__":
    main()
