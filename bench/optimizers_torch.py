#!/usr/bin/python3
"""Each built-in optimizer against torch.optim, in float64, on the same network, weights and batches.

A small network (6 inputs, dense 8, sigmoid, dense 3, softmax, cross-entropy) starts from the same random
weights in PyTorch and in chainrule (dev.chainrule.engine.timing.OptimizerReplay) and trains a few steps on
the same batches; the script prints, per optimizer setting and parameter, the largest normwise relative
difference ||θ_chainrule − θ_torch|| / ||θ_torch|| over the steps. Target: ≤ 1e-12.

chainrule's backward pass sums the batch's gradients and its optimizers step with the mean (sum/B); the
torch side uses the mean loss, so both see the mean gradient. clipNorm is torch's clip_grad_norm_ before
step().

Usage (from the repository root; needs python3-torch): bench/optimizers_torch.py [--steps N] [--batch B]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CASES = [
    {"type": "sgd", "learningRate": 0.1},
    {"type": "sgd", "learningRate": 0.1, "momentum": 0.9},
    {"type": "sgd", "learningRate": 0.1, "momentum": 0.9, "dampening": 0.3, "weightDecay": 0.01},
    {"type": "sgd", "learningRate": 0.1, "momentum": 0.9, "nesterov": True, "clipNorm": 0.5},
    {"type": "adam"},
    {"type": "adam", "learningRate": 0.01, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6, "weightDecay": 0.01},
    {"type": "adam", "learningRate": 0.01, "clipNorm": 0.1},
    {"type": "adamw"},
    {"type": "adamw", "learningRate": 0.01, "weightDecay": 0.1},
    {"type": "rmsprop"},
    {"type": "rmsprop", "momentum": 0.9, "centered": True, "weightDecay": 0.01},
    {"type": "rmsprop", "alpha": 0.9, "epsilon": 1e-6, "clipNorm": 0.2},
    {"type": "adagrad"},
    {"type": "adagrad", "lrDecay": 0.1, "initialAccumulatorValue": 0.5, "weightDecay": 0.01},
]

SIZES = [6, 8, 3]


def torch_optimizer(case, params):
    o = dict(case)
    t = o.pop("type")
    o.pop("clipNorm", None)
    if t == "sgd":
        return torch.optim.SGD(params, lr=o.get("learningRate", 0.1), momentum=o.get("momentum", 0.0),
                               dampening=o.get("dampening", 0.0), weight_decay=o.get("weightDecay", 0.0),
                               nesterov=o.get("nesterov", False))
    if t in ("adam", "adamw"):
        cls = torch.optim.Adam if t == "adam" else torch.optim.AdamW
        return cls(params, lr=o.get("learningRate", 1e-3), betas=(o.get("beta1", 0.9), o.get("beta2", 0.999)),
                   eps=o.get("epsilon", 1e-8), weight_decay=o.get("weightDecay", 0.0 if t == "adam" else 0.01))
    if t == "rmsprop":
        return torch.optim.RMSprop(params, lr=o.get("learningRate", 1e-2), alpha=o.get("alpha", 0.99),
                                   eps=o.get("epsilon", 1e-8), weight_decay=o.get("weightDecay", 0.0),
                                   momentum=o.get("momentum", 0.0), centered=o.get("centered", False))
    if t == "adagrad":
        return torch.optim.Adagrad(params, lr=o.get("learningRate", 1e-2), lr_decay=o.get("lrDecay", 0.0),
                                   weight_decay=o.get("weightDecay", 0.0),
                                   initial_accumulator_value=o.get("initialAccumulatorValue", 0.0),
                                   eps=o.get("epsilon", 1e-10))
    raise ValueError(t)


def torch_run(case, weights, batches):
    params = [torch.tensor(w, dtype=torch.float64).reshape(shape).requires_grad_(True)
              for w, shape in zip(weights, shapes())]
    opt = torch_optimizer(case, params)
    out = []
    for b in batches:
        x = torch.tensor(b["x"], dtype=torch.float64)
        y = torch.tensor(b["y"])
        w1, b1, w2, b2 = params
        h = torch.sigmoid(x @ w1.T + b1)
        p = torch.softmax(h @ w2.T + b2, dim=1)
        loss = -torch.log(p[torch.arange(len(y)), y]).mean()
        opt.zero_grad()
        loss.backward()
        if case.get("clipNorm", 0) > 0:
            torch.nn.utils.clip_grad_norm_(params, case["clipNorm"])
        opt.step()
        out.append([q.detach().reshape(-1).tolist() for q in params])
    return out


def shapes():
    return [(SIZES[1], SIZES[0]), (SIZES[1],), (SIZES[2], SIZES[1]), (SIZES[2],)]


def chainrule_run(case, weights, batches):
    config = {"name": "replay", "seed": 0,
              "network": {"input": SIZES[0], "layers": [{"type": "dense", "units": SIZES[1]}, {"type": "sigmoid"},
                                                        {"type": "dense", "units": SIZES[2]}, {"type": "softmax"}]},
              "loss": {"type": "cross-entropy"},
              "training": {"optimizer": case}}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"config": config, "classes": SIZES[2], "weights": weights, "batches": batches}, f)
        path = f.name
    try:
        jar = os.path.join(ROOT, "runner", "target", "runner.jar")
        r = subprocess.run(["java", "--add-modules", "jdk.incubator.vector", "-cp", jar,
                            "dev.chainrule.engine.timing.OptimizerReplay", path],
                           capture_output=True, text=True, check=True)
        return json.loads(r.stdout.strip().splitlines()[-1])["steps"]
    finally:
        os.unlink(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    # the launcher rebuilds runner.jar when a source changed
    subprocess.run([os.path.join(ROOT, "runner", "bin", "runner"), "plugins"], check=True,
                   stdout=subprocess.DEVNULL)
    g = torch.Generator().manual_seed(a.seed)
    weights = [(torch.rand(s, generator=g, dtype=torch.float64) - 0.5).reshape(-1).tolist() for s in shapes()]
    batches = [{"x": torch.randn(a.batch, SIZES[0], generator=g, dtype=torch.float64).tolist(),
                "y": torch.randint(0, SIZES[2], (a.batch,), generator=g).tolist()} for _ in range(a.steps)]
    names = ["W1", "b1", "W2", "b2"]
    worst_all = 0.0
    print(f"torch {torch.__version__}, {a.steps} steps of batch {a.batch}; "
          "largest ||θ_chainrule − θ_torch|| / ||θ_torch|| over the steps")
    for case in CASES:
        t = torch_run(case, weights, batches)
        c = chainrule_run(case, weights, batches)
        worst = [0.0] * len(names)
        for ts, cs in zip(t, c):
            for i, (tp, cp) in enumerate(zip(ts, cs)):
                tt = torch.tensor(tp, dtype=torch.float64)
                cc = torch.tensor(cp, dtype=torch.float64)
                worst[i] = max(worst[i], (torch.linalg.vector_norm(cc - tt) / torch.linalg.vector_norm(tt)).item())
        worst_all = max(worst_all, max(worst))
        print(f"{json.dumps(case):100s} " + "  ".join(f"{n} {w:.1e}" for n, w in zip(names, worst)))
    print(f"largest: {worst_all:.2e} (target ≤ 1e-12): {'OK' if worst_all <= 1e-12 else 'FAIL'}")
    return 0 if worst_all <= 1e-12 else 1


if __name__ == "__main__":
    sys.exit(main())
