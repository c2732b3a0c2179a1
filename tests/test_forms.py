"""Question forms and the sentence shapes that answer them, on the corpus's own sentences."""

from __future__ import annotations

import pytest

from bot.forms import fits, question_form


@pytest.mark.parametrize(("question", "form"), [
    ("what is spasticity", "definition"),
    ("What's Lhermitte's sign?", "definition"),
    ("what does neuropathic mean", "definition"),
    ("how is spasticity treated?", "treatment"),
    ("what helps nerve pain", "treatment"),
    ("what can I do about my back pain", "treatment"),
    ("what happens if spasticity goes untreated", "consequence"),
    ("what happens if I ignore sciatica?", "consequence"),
    ("can MS cause sciatica?", "yesno"),
    ("does sitting make it worse", "yesno"),
    ("why does MS cause back pain", "cause"),
    ("what causes sciatica", "cause"),
    ("what does MS nerve pain feel like", "feeling"),
    ("back pain and MS", None),
])
def test_question_form(question: str, form: str | None) -> None:
    assert question_form(question) == form


# Sentences of the articles, and the forms they answer.
@pytest.mark.parametrize(("sentence", "form", "expected"), [
    ("Without treatment, spasticity can become more serious and lead to complications.",
     "consequence", True),
    ("Sciatica is a specific kind of pain caused by pinching or damage to the sciatic nerve.",
     "definition", True),
    ("Medical professionals often use the following methods to treat spasticity in people "
     "with MS: physical therapy", "treatment", True),
    ("MS nerve pain can feel like burning, stabbing, sharpness, or squeezing.", "feeling", True),
    ("However, MS only affects the central nervous system (CNS), which doesn’t involve the "
     "sciatic nerve.", "yesno", True),
    ("The sciatic nerve is part of the peripheral nervous system.", "treatment", False),
    ("The sciatic nerve is part of the peripheral nervous system.", "consequence", False),
])
def test_sentence_shapes(sentence: str, form: str, expected: bool) -> None:
    assert fits(form, sentence) is expected


def test_no_form_fits_nothing() -> None:
    assert fits(None, "Spasticity is common.") is False


@pytest.mark.slow
def test_the_consequence_is_quoted(bot) -> None:
    """The issue's example: v0.1.0 quoted three sentences about spasticity, none saying what
    happens. (It comes second, not first: a form bonus large enough to put it first lost
    first-passage support on dev, see `python -m evals.tune_selection`.)"""
    reply = bot.answer("what happens if spasticity goes untreated")
    assert any("Without treatment" in q.text for q in reply.quotes)
