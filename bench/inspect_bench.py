"""Latency of the Inspect/Predict work on this CPU: activations + overview, Grad-CAM, prediction.

    python bench/inspect_bench.py [--repeats 5]

For a CIFAR model (ResNet-20 and the simple CNN, 32 px) and the 224 px EfficientNet-Lite0, prints
the median wall time of one image's activations (chosen layer + every stage, one forward pass) and
Grad-CAM (default layer, default class), next to a plain forward pass of the same model as the
reference (the ratio shows the overhead of hooks and the partial backward pass). Targets from the
issue: < 150 ms (CIFAR models) and < 1 s (224 px backbone) for each. Also prints how long 100
images take to classify in batches.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cnn_studio.core.inference import Predictor  # noqa: E402
from cnn_studio.core.models.registry import get_model, get_model_info  # noqa: E402
from cnn_studio.core.viz.activations import capture_activations, stage_overview, summarize_activation  # noqa: E402
from cnn_studio.core.viz.gradcam import find_gradcam_layer, gradcam  # noqa: E402


def _median_ms(fn, repeats: int) -> float:
    fn()  # warm-up (lazy init, layer search cache)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _cifar_predictor(name: str) -> Predictor:
    info = get_model_info(name)
    model = get_model(name, num_classes=10).eval()
    return Predictor(model=model, class_names=[str(i) for i in range(10)], mean=(0.5,) * 3, std=(0.25,) * 3,
                     image_size=32, input_size=32, model_name=name, source="random weights",
                     stages=tuple(info.stages))


def bench(predictor: Predictor, layer: str, pixels: np.ndarray, repeats: int) -> tuple[float, float, float, str]:
    x = predictor.normalize(pixels[None])

    def forward() -> None:
        with torch.inference_mode():
            predictor.model(x)

    def activations() -> None:
        p = predictor.normalize(pixels[None])
        captured, _ = capture_activations(predictor.model, p, [layer, *predictor.stages])
        summarize_activation(layer, captured[layer])
        stage_overview(predictor.model, p, predictor.stages, captured=captured)

    def cam() -> None:
        predictor.explain(pixels)

    return (_median_ms(forward, repeats), _median_ms(activations, repeats), _median_ms(cam, repeats),
            find_gradcam_layer(predictor.model, x))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    rng = np.random.default_rng(0)
    print(f"{'model':<20}{'forward ms':>11}{'activations ms':>16}{'Grad-CAM ms':>13}{'act/fwd':>9}{'cam/fwd':>9}  target  Grad-CAM layer")
    cases = [(_cifar_predictor("resnet20"), "layer2", 32, 150), (_cifar_predictor("simple_cnn"), "block2", 32, 150)]
    cases.append((Predictor.imagenet(), "_blocks.5", 224, 1000))
    for predictor, layer, size, target in cases:
        pixels = rng.integers(0, 255, (3, size, size), dtype=np.uint8)
        fwd, act, cam, cam_layer = bench(predictor, layer, pixels, args.repeats)
        ok = "ok" if max(act, cam) < target else "SLOW"
        print(f"{predictor.model_name:<20}{fwd:>11.1f}{act:>16.1f}{cam:>13.1f}{act / fwd:>9.2f}{cam / fwd:>9.2f}"
              f"  <{target} {ok:<4} {cam_layer}")
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(100):
            path = Path(tmp) / f"{i}.jpg"
            Image.fromarray(rng.integers(0, 255, (300, 400, 3), dtype=np.uint8)).save(path)
            paths.append(path)
        predictor = cases[-1][0]
        start = time.perf_counter()
        predictor.predict(paths, topk=5, batch_size=16)
        seconds = time.perf_counter() - start
        print(f"classify 100 photos (400x300 JPEG) with efficientnet_lite0: {seconds:.1f} s "
              f"({100 / seconds:.0f} images/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
