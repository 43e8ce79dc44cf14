"""GUI soak: the Train view's live curves through many redraws, watching None's reference count.

Offscreen. Feeds the Train view the events a long run sends (throttled batch progress, an epoch end
every 50 batches, with the legends, axes and log that real runs draw) and paints one plot per
iteration, as the view's 5 Hz timer does, ``--redraws`` times. With a broken binding (PySide6 6.12.0
on Python 3.10/3.11) None's reference count falls by thousands and the process aborts with
``Fatal Python error: none_dealloc``; a sound one finishes with the count unchanged.

    QT_QPA_PLATFORM=offscreen python bench/gui_soak.py [--redraws 20000]

Prints the redraws done, the time, the redraws per second and None's reference count change.
Exit 0 when the count did not fall, 1 when it did.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time

#: batch events per epoch end, as a run with a few hundred steps and 10-20 Hz throttling sends
BATCHES_PER_EPOCH = 50


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redraws", type=int, default=20_000)
    args = parser.parse_args()
    base = tempfile.mkdtemp(prefix="gui-soak-")
    for kind in ("DATA", "CACHE", "RUNS"):
        os.environ.setdefault(f"CNN_STUDIO_{kind}_DIR", os.path.join(base, kind.lower()))

    import PySide6

    from cnn_studio.core.training.events import BatchProgress, EpochEnded
    from cnn_studio.gui.app import make_application
    from cnn_studio.gui.main_window import MainWindow

    app = make_application()
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    view = window.train_view
    window.tabs.setCurrentWidget(view)
    plots = [view.loss_plot, view.acc_plot, view.lr_plot, view.speed_plot]
    app.processEvents()
    before = sys.getrefcount(None)
    started = time.perf_counter()
    step = 0
    for i in range(args.redraws):
        step += 1
        epoch, in_epoch = divmod(step, BATCHES_PER_EPOCH)
        loss = 2.3 * math.exp(-step / 4000) + 0.05 * math.sin(step)
        view.on_batch_progress(BatchProgress(
            epoch=epoch + 1, step=in_epoch, steps_per_epoch=BATCHES_PER_EPOCH, global_step=step,
            total_steps=args.redraws + 1, epoch_fraction=step / BATCHES_PER_EPOCH, loss=loss, accuracy=0.5,
            lr=0.1 * (0.5 + 0.5 * math.cos(step / args.redraws * math.pi)), images_per_second=900.0))
        if in_epoch == 0:
            view.on_epoch_ended(EpochEnded(
                epoch=epoch, epochs=args.redraws // BATCHES_PER_EPOCH + 1, train_loss=loss, train_accuracy=0.6,
                heldout_name="val", heldout_loss=loss * 1.1, heldout_accuracy=0.55, best_accuracy=0.55,
                is_best=False, lr=0.1, seconds=1.0, images_per_second=900.0))
        view.redraw(everything=True)
        plots[i % len(plots)].grab()  # one full paint of one plot: axes, curves, legend
        if i % 200 == 0:
            app.processEvents()
    seconds = time.perf_counter() - started
    after = sys.getrefcount(None)
    window.close()
    app.processEvents()
    print(f"PySide6 {PySide6.__version__}, Python {sys.version.split()[0]}")
    print(f"redraws: {args.redraws} in {seconds:.1f} s ({args.redraws / seconds:.0f}/s)")
    print(f"None refcount change: {after - before:+d} (a fall means a leaking binding)")
    return 0 if after >= before else 1


if __name__ == "__main__":
    raise SystemExit(main())
