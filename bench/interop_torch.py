#!/usr/bin/env python3
"""Cross-checks of issue 23 outside the suite (needs onnx, onnxruntime, torch, numpy, safetensors; never at runtime).

Run with the machine's local wheel store (python3 -m venv /tmp/venv-onnx && /tmp/venv-onnx/bin/pip install onnx
onnxruntime torch numpy safetensors); its figures are in docs/interop.md. Usage, from the repository root after
`mvn -B -o package -DskipTests`:

    python3 bench/interop_torch.py RUN_DIR [RUN_DIR ...]      # e.g. runs/mnist-3layer runs/mnist-cnn

For each run: `runner export` (float32, and float64 unless it has a conv2d), `onnx.checker.check_model(full_check)`,
ONNX Runtime on all 10,000 MNIST test images, argmax agreement with the runner's own predictions (taken from the
float64 export when there is one, else printed against the labels with `runner evaluate`'s accuracy).
Then: a float64 torch MLP saved as safetensors, `runner import-weights`, the float64 ONNX export of the imported
model against torch's forward (≤ 1e-12 relative) and torch's mean cross-entropy against the loss the export gives.
"""
import json, os, struct, subprocess, sys, tempfile
import numpy as np
import onnx, onnxruntime as ort, torch
from safetensors.torch import save_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNNER = [os.path.join(ROOT, "runner", "target", "runner")] if os.path.exists(
    os.path.join(ROOT, "runner", "target", "runner")) else ["java", "--add-modules", "jdk.incubator.vector", "-jar",
                                                              os.path.join(ROOT, "runner", "target", "runner.jar")]
MNIST = os.path.expanduser("~/.cache/chainrule/mnist")


def idx(name):
    with open(os.path.join(MNIST, name), "rb") as f:
        magic, = struct.unpack(">i", f.read(4))
        dims = [struct.unpack(">i", f.read(4))[0] for _ in range(magic & 0xFF)]
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


def runner(*args):
    r = subprocess.run(RUNNER + list(args), capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"runner {' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def run_onnx(path, x, dtype):
    s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    return np.concatenate([s.run(["output"], {"input": x[i:i + 1000].astype(dtype)})[0] for i in range(0, len(x), 1000)])


def check_run(run, tmp):
    model = json.load(open(os.path.join(run, "model.json")))
    shape = model["inputShape"]
    x = (idx("t10k-images-idx3-ubyte").astype(np.float64) / 255.0).reshape([-1] + shape)
    y = idx("t10k-labels-idx1-ubyte")
    conv = any(l["type"] == "conv2d" for l in model["config"]["network"]["layers"])
    outs = {}
    for dtype in (["float32"] if conv else ["float64", "float32"]):
        path = os.path.join(tmp, f"{model['config']['name']}-{dtype}.onnx")
        print(runner("export", run, "--format", "onnx", "--dtype", dtype, "--out", path).strip())
        onnx.checker.check_model(onnx.load(path), full_check=True)
        outs[dtype] = run_onnx(path, x, np.float32 if dtype == "float32" else np.float64)
        print(f"  onnx.checker passed; {dtype}: accuracy {np.mean(outs[dtype].argmax(1) == y) * 100:.2f}%")
    if "float64" in outs:
        agree = np.sum(outs["float64"].argmax(1) == outs["float32"].argmax(1))
        print(f"  argmax float32 vs float64 export: {agree}/{len(y)}")
    print("  " + runner("evaluate", run).strip())


def check_import(tmp):
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(784, 16), torch.nn.Sigmoid(), torch.nn.Linear(16, 10)).double()
    st = os.path.join(tmp, "mlp.safetensors")
    save_file({"fc1.weight": net[0].weight.detach().contiguous(), "fc1.bias": net[0].bias.detach().contiguous(),
               "fc2.weight": net[2].weight.detach().contiguous(), "fc2.bias": net[2].bias.detach().contiguous()}, st)
    names = os.path.join(tmp, "names.json")
    json.dump({"layers.0.W": "fc1.weight", "layers.0.b": "fc1.bias", "layers.2.W": "fc2.weight",
               "layers.2.b": "fc2.bias"}, open(names, "w"))
    cfg = os.path.join(tmp, "mlp.json")
    json.dump({"name": "small-mlp", "seed": 1, "network": {"input": 784, "layers": [
        {"type": "dense", "units": 16}, {"type": "sigmoid"}, {"type": "dense", "units": 10}, {"type": "softmax"}]},
        "loss": {"type": "cross-entropy"}}, open(cfg, "w"))
    out = os.path.join(tmp, "imported")
    runner("import-weights", cfg, st, "--names", names, "--out", out)
    path = os.path.join(tmp, "imported.onnx")
    runner("export", out, "--format", "onnx", "--dtype", "float64", "--out", path)
    onnx.checker.check_model(onnx.load(path), full_check=True)
    x = idx("t10k-images-idx3-ubyte").astype(np.float64).reshape(-1, 784) / 255.0
    y = idx("t10k-labels-idx1-ubyte").astype(np.int64)
    with torch.no_grad():
        logits = net(torch.from_numpy(x))
        p_torch = torch.softmax(logits, 1).numpy()
        loss_torch = torch.nn.functional.cross_entropy(logits, torch.from_numpy(y)).item()
    p = run_onnx(path, x, np.float64)
    rel = np.max(np.abs(p - p_torch) / np.abs(p_torch))
    loss = float(np.mean(-np.log(p[np.arange(len(y)), y])))
    print(f"import-weights: float64 export vs torch max relative {rel:.3g}; loss {loss:.17g} vs torch "
          f"{loss_torch:.17g} (relative {abs(loss - loss_torch) / loss_torch:.3g})")
    print("  " + runner("evaluate", out).strip())


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        for run in sys.argv[1:]:
            check_run(run, tmp)
        check_import(tmp)
