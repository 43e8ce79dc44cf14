"""scan_image_folder: layouts, class order, ignored/skipped files, problems and warnings."""

from __future__ import annotations

import json
import shutil

import pytest
from PIL import Image

from cnn_studio.core.config import DataConfig
from cnn_studio.core.data.dataset import open_dataset
from cnn_studio.core.data.scan import scan_image_folder
from cnn_studio.core.errors import DatasetError
from cnn_studio.core.training.setup import resolve_heldout
from tests.core.datafiles import bomb_png_bytes, make_single_folder, make_split_dirs, write_png


def test_split_dirs_layout_and_imagefolder_class_order(tmp_path):
    root = make_split_dirs(tmp_path / "ds", classes=("b", "A", "a", "고양이", "my dog"), train=3, test=1, val=1)
    report = scan_image_folder(root)
    assert report.layout == "split-dirs"
    assert report.classes == sorted(["b", "A", "a", "고양이", "my dog"])  # ImageFolder's order
    assert [len(report.splits[s]) for s in ("train", "val", "test")] == [15, 5, 5]
    label_of = {p: y for p, y in report.splits["train"]}
    some = next(p for p in label_of if "/고양이/" in p)
    assert report.classes[label_of[some]] == "고양이"
    assert report.problems == [] and report.warnings == []
    assert report.working_size == 8
    assert report.mean is not None and all(0.3 < m < 0.7 for m in report.mean)


def test_single_folder_stratified_seeded_split(tmp_path):
    root = make_single_folder(tmp_path / "ds", {"x": 20, "y": 10})
    a = scan_image_folder(root, val_fraction=0.1, test_fraction=0.2, split_seed=3, check_images=False)
    b = scan_image_folder(root, val_fraction=0.1, test_fraction=0.2, split_seed=3, check_images=False)
    c = scan_image_folder(root, val_fraction=0.1, test_fraction=0.2, split_seed=4, check_images=False)
    assert a.layout == "single-folder"
    assert a.per_class("test") == {"x": 4, "y": 2}
    assert a.per_class("val") == {"x": 2, "y": 1}
    assert a.per_class("train") == {"x": 14, "y": 7}
    assert a.splits == b.splits and a.splits != c.splits
    every = sorted(p for items in a.splits.values() for p, _ in items)
    assert len(every) == len(set(every)) == 30
    no_val = scan_image_folder(root, val_fraction=0.0, test_fraction=0.5, check_images=False)
    assert set(no_val.splits) == {"train", "test"}


def test_extensions_litter_and_skipped(tmp_path):
    root = make_split_dirs(tmp_path / "ds", classes=("c",), train=1, test=1)
    cls = root / "train" / "c"
    write_png(cls / "UPPER.PNG")
    Image.new("RGB", (8, 8)).save(cls / "mixed.JpEg", format="JPEG")
    Image.new("RGB", (8, 8)).save(cls / "pic.webp")
    Image.new("RGB", (8, 8)).save(cls / "pic.bmp")
    Image.new("RGB", (8, 8)).save(cls / "pic.TIFF", format="TIFF")
    for name in (".DS_Store", "Thumbs.db", "desktop.ini", "._hidden.png", ".secret.jpg"):
        (cls / name).write_bytes(b"junk")
    (cls / "notes.txt").write_text("hello")
    (cls / "labels.csv").write_text("a,b")
    (root / "train" / ".git").mkdir()
    (root / "train" / ".git" / "x.png").write_bytes(b"junk")
    report = scan_image_folder(root, validation="test")  # all of train stays in train
    assert len(report.splits["train"]) == 6
    assert sorted(p.rsplit("/", 1)[1] for p in report.skipped) == ["labels.csv", "notes.txt"]
    assert report.problems == []
    assert report.to_json_dict()["skipped"] == 2


def test_bad_files_are_problems_and_the_rest_loads(tmp_path):
    root = make_split_dirs(tmp_path / "ds", classes=("c", "d"), train=3, test=2)
    cls = root / "train" / "c"
    (cls / "empty.png").write_bytes(b"")
    (cls / "text.jpg").write_text("not an image")
    good = (root / "train" / "d" / "d_0.png").read_bytes()
    (cls / "half.png").write_bytes(good[: len(good) // 2])
    (cls / "bomb.png").write_bytes(bomb_png_bytes())
    report = scan_image_folder(root, validation="test")  # all of train stays in train
    reasons = {p.path.rsplit("/", 1)[1]: p.reason for p in report.problems}
    assert set(reasons) == {"empty.png", "text.jpg", "half.png", "bomb.png"}
    assert reasons["empty.png"] == "empty file"
    assert "not an image" in reasons["text.jpg"]
    assert "bomb" in reasons["bomb.png"]
    assert len(report.splits["train"]) == 6 and len(report.splits["test"]) == 4
    assert any("could not be used" in w for w in report.warnings)
    data = report.to_json_dict()
    json.dumps(data)
    assert {"path", "reason"} <= set(data["problems"][0])


def test_warnings_empty_class_missing_split_imbalance_duplicates_sizes(tmp_path):
    root = make_split_dirs(tmp_path / "ds", classes=("big", "small"), train=2, test=1)
    for i in range(10):
        write_png(root / "train" / "big" / f"more_{i}.png", seed=500 + i)
    (root / "train" / "empty").mkdir()
    write_png(root / "train" / "only_train" / "x.png", seed=900)
    shutil.copy(root / "train" / "big" / "big_0.png", root / "test" / "big" / "copy.png")
    write_png(root / "train" / "big" / "large.png", size=(24, 16), seed=901)
    report = scan_image_folder(root)
    text = "\n".join(report.warnings)
    assert "'empty' has no images and is left out" in text
    assert "empty" not in report.classes
    assert "'only_train' has no images in test" in text
    assert "Strong class imbalance: 'big'" in text
    assert "1 test image(s) are exact copies of training images" in text
    assert "different sizes" in text and "8x8" in text
    assert report.working_size == 8
    assert report.image_sizes[(24, 16)] == 1


def test_class_only_in_test_is_explained(tmp_path):
    root = make_split_dirs(tmp_path / "ds", classes=("a",), train=2, test=1)
    write_png(root / "test" / "b" / "x.png", seed=77)
    report = scan_image_folder(root)
    assert report.classes == ["a", "b"]
    assert any("'b' has images in another split but none in train" in w for w in report.warnings)


def test_only_train_folder_is_split(tmp_path):
    root = tmp_path / "ds"
    make_single_folder(root / "train", {"a": 10, "b": 10})
    report = scan_image_folder(root, check_images=False)
    assert report.layout == "single-folder" and report.classes == ["a", "b"]
    assert set(report.splits) == {"train", "val", "test"}


@pytest.mark.parametrize("kind", ["missing", "file", "empty", "no_images", "flat"])
def test_unusable_folders_raise_one_sentence(tmp_path, kind):
    root = tmp_path / "ds"
    if kind == "file":
        root.write_text("x")
    elif kind == "empty":
        root.mkdir()
    elif kind == "no_images":
        (root / "a").mkdir(parents=True)
        (root / "a" / "readme.txt").write_text("x")
    elif kind == "flat":
        root.mkdir()
        write_png(root / "x.png")
    with pytest.raises(DatasetError) as info:
        scan_image_folder(root)
    message = str(info.value)
    assert str(root.name) in message and message.count("\n") == 0


def test_progress_and_cancel(tmp_path):
    from cnn_studio.core.errors import Cancelled

    root = make_single_folder(tmp_path / "ds", {"a": 5, "b": 5})
    calls = []
    scan_image_folder(root, progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, 10) and calls[-1] == (10, 10)
    with pytest.raises(Cancelled):
        scan_image_folder(root, cancel=lambda: True)


def test_train_test_folders_get_a_carved_stratified_seeded_val(tmp_path):
    root = make_split_dirs(tmp_path / "ds", classes=("a", "b"), train=10, test=2)
    report = scan_image_folder(root, check_images=False)
    assert list(report.splits) == ["train", "val", "test"] and report.val_source == "carved"
    assert report.per_class("val") == {"a": 1, "b": 1} and report.per_class("train") == {"a": 9, "b": 9}
    train_paths = {p for p, _ in report.splits["train"]}
    assert not train_paths & {p for p, _ in report.splits["val"]}
    assert all("/train/" in p for p, _ in report.splits["val"])  # never from test
    assert report.splits == scan_image_folder(root, check_images=False).splits  # seeded
    other_seed = scan_image_folder(root, check_images=False, split_seed=7)
    assert other_seed.splits["val"] != report.splits["val"] or len(report.splits["val"]) == 0
    assert report.to_json_dict()["val_source"] == "carved"
    assert not any("No validation images" in w for w in report.warnings)
    # validation "test" keeps all of train (the old behaviour, now explicit)
    explicit = scan_image_folder(root, check_images=False, validation="test")
    assert "val" not in explicit.splits and len(explicit.splits["train"]) == 20


def test_fallback_to_test_is_labelled(tmp_path):
    root = make_split_dirs(tmp_path / "ds", classes=("a", "b"), train=4, test=2)
    report = scan_image_folder(root, check_images=False, val_fraction=0.0)
    assert "val" not in report.splits and report.val_source == ""
    assert any("No validation images" in w and "val_fraction is 0" in w for w in report.warnings)
    tiny = scan_image_folder(root, check_images=False)  # 4 per class: round(0.4) = 0 to carve
    assert any("too few training images" in w for w in tiny.warnings)
    ds = open_dataset(DataConfig(root=str(root), val_fraction=0.0))
    assert resolve_heldout("auto", ds.splits) == "test"
    with pytest.raises(DatasetError, match="no validation images"):
        resolve_heldout("val", ds.splits)


def test_clamped_working_size_is_named(tmp_path):
    root = make_split_dirs(tmp_path / "ds", classes=("a", "b"), train=2, test=1, size=(384, 384))
    write_png(root / "train" / "a" / "odd.png", size=(300, 200), seed=99)
    report = scan_image_folder(root, validation="test")
    text = " ".join(report.warnings)
    assert report.working_size == 256
    assert "384x384, clamped to 256 px; set image_size to change it" in text
    assert "most common (shorter side) working size 256" not in text


def test_all_different_sizes_say_so(tmp_path):
    for i, size in enumerate(((64, 64), (70, 50), (90, 80))):
        write_png(tmp_path / "ds" / "train" / ("a" if i % 2 else "b") / f"x{i}.png", size=size, seed=i)
    write_png(tmp_path / "ds" / "test" / "a" / "t.png", size=(40, 30), seed=9)
    report = scan_image_folder(tmp_path / "ds", validation="test")
    sizes = [w for w in report.warnings if "different sizes" in w]
    assert sizes and sizes[0].startswith("Images have 4 different sizes;") and "most common" not in sizes[0]
