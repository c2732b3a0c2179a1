"""The coverage score: fitting is deterministic, the calibration honours its false-refusal
bound exactly, and the saved model round-trips."""

from __future__ import annotations

import numpy as np

from bot.coverage import FEATURES, CoverageModel, calibrate, fit, load, save


def test_fit_is_deterministic_and_orders_the_classes() -> None:
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(1, 0.3, (40, 2)), rng.normal(0, 0.3, (10, 2))])
    y = np.array([1] * 40 + [0] * 10)
    first, second = fit(x, y), fit(x, y)
    assert all(np.array_equal(a, b) for a, b in zip(first[:3], second[:3], strict=True))
    mean, scale, w, b = first
    model = CoverageModel(tuple(mean), tuple(scale), tuple(w), b, 0.5, "m")
    assert model.probability([1.0, 1.0]) > 0.5 > model.probability([0.0, 0.0])


def test_calibration_refuses_most_within_the_bound() -> None:
    p = [0.95, 0.9, 0.8, 0.6, 0.3, 0.5, 0.2, 0.1]
    covered = [True, True, True, True, True, False, False, False]
    # no false refusal allowed: the cut must stay below 0.3, so 0.2 and 0.1 are refused
    assert calibrate(p, covered, 0.0) == 0.25
    # one of five answerable may be refused: 0.3 goes, and all three uncovered are caught
    assert calibrate(p, covered, 0.2) == 0.55


def test_saved_model_round_trips(tmp_path) -> None:
    model = CoverageModel((0.1,) * len(FEATURES), (1.0,) * len(FEATURES),
                          (0.5,) * len(FEATURES), -0.2, 0.3, "abc")
    save(model, tmp_path / "c.json")
    assert load(tmp_path / "c.json") == model
    assert load(tmp_path / "missing.json") is None
