"""Run names, notes and the description columns of the runs list (core/runs.py)."""

from __future__ import annotations

import json

import pytest

from cnn_studio.core.config import DataConfig, ModelConfig, TrainConfig
from cnn_studio.core.errors import UserError
from cnn_studio.core.runs import (META_FILE, MAX_RUN_NAME, list_runs, options_text, read_run_meta, run_display_name,
                                  run_info, update_run_meta)


def _run(base, name="20250101-000000-simple_cnn", options=None):
    run = base / name
    run.mkdir(parents=True)
    cfg = TrainConfig(data=DataConfig(root=str(base / "datasets" / "shapes")),
                      model=ModelConfig(name="simple_cnn", options=options or {}))
    (run / "config.json").write_text(json.dumps(cfg.to_dict()))
    return run


def test_rename_and_notes_are_stored_in_the_run_folder(tmp_path):
    run = _run(tmp_path)
    assert read_run_meta(run).name == "" and run_display_name(run) == run.name
    update_run_meta(run, name="  baseline\n  without  BN ")
    update_run_meta(run, notes="lr 0.1 diverged at epoch 3;\nretry with warm-up\n\n")
    meta = read_run_meta(run)
    assert (meta.name, meta.notes) == ("baseline without BN", "lr 0.1 diverged at epoch 3;\nretry with warm-up")
    stored = json.loads((run / META_FILE).read_text(encoding="utf-8"))
    assert stored == {"name": "baseline without BN", "notes": meta.notes}
    info = run_info(run)
    assert (info.name, info.display_name, info.notes) == (run.name, "baseline without BN", meta.notes)
    update_run_meta(run, name="")  # back to the folder name, notes kept
    assert run_display_name(run) == run.name and read_run_meta(run).notes == meta.notes
    assert run.is_dir() and [r.path for r in list_runs(tmp_path)] == [str(run)]  # the folder is never renamed


def test_bad_names_and_folders_are_one_sentence_errors(tmp_path):
    run = _run(tmp_path)
    with pytest.raises(UserError, match="at most"):
        update_run_meta(run, name="x" * (MAX_RUN_NAME + 1))
    with pytest.raises(UserError, match="not a run folder"):
        update_run_meta(tmp_path / "nothing", name="a")
    (run / META_FILE).write_text("{broken")
    assert read_run_meta(run).name == ""  # a damaged file reads as no meta


def test_runs_list_describes_dataset_and_model_options(tmp_path):
    run = _run(tmp_path, options={"batch_norm": False, "widths": [8, 16], "depth": 20})
    info = run_info(run)
    assert info.dataset == "shapes"
    assert info.model_options == "batch_norm off, depth 20, widths 8x16"
    assert options_text({}) == "" and options_text(None) == ""
    assert run_info(_run(tmp_path, "plain")).model_options == ""


def test_read_metrics_by_kind_matches_a_full_parse_and_signatures_follow_the_files(tmp_path):
    from cnn_studio.core.runs import read_metrics, run_signature

    run = _run(tmp_path)
    lines = [{"kind": "step", "epoch": 1, "loss": 1.0}, {"kind": "epoch", "epoch": 1, "train_loss": 0.9},
             {"epoch": 2, "kind": "epoch", "note": "kind order differs"}, {"kind":  "step", "epoch": 2}]
    text = "".join(json.dumps(r) + "\n" for r in lines) + '{"kind":"epoch","epoch":3}\n{"kind": "epo'  # torn last line
    (run / "metrics.jsonl").write_text(text)
    every = read_metrics(run)
    assert [r for r in every if r.get("kind") == "epoch"] == read_metrics(run, kind="epoch")
    assert [r["epoch"] for r in read_metrics(run, kind="epoch")] == [1, 2, 3]
    assert len(read_metrics(run, kind="step")) == 2
    before = run_signature(run)
    assert before == run_signature(run)
    update_run_meta(run, notes="changed")
    assert run_signature(run) != before
