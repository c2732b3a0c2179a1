"""Questions about changing one's own medicine, or how much of one to take, are recognised,
and nothing else is."""

from __future__ import annotations

import pytest

from bot.medicine import DOSE_AMOUNT_TEXT, asks_dose_amount, changes_own_medicine

ASKS = [
    "should I stop my Ocrevus because of back pain",
    "Can I stop taking baclofen now that my stiffness is better?",
    "Can I switch myself from amitriptyline to duloxetine?",
    "Is it ok to stop my disease-modifying therapy if I feel fine?",
    "i'm thinking of coming off gabapentin, is that ok",
    "should i double my pregabalin dose when the pain is bad",
    "stop taking tecfidera?",
]
DOES_NOT = [
    "what medicines help spasticity",
    "can gabapentin help nerve pain?",
    "should I stop running because of back pain",
    "do they start you on a big dose for nerve pain meds",
    "How is the dose of nerve pain medication started?",
    "why did my doctor start me on such a low dose of amitriptyline",
    "can sitting too long stop my back from healing",
]


@pytest.mark.parametrize("message", ASKS)
def test_recognised(message: str) -> None:
    assert changes_own_medicine(message)


@pytest.mark.parametrize("message", DOES_NOT)
def test_not_recognised(message: str) -> None:
    assert not changes_own_medicine(message)


def test_a_follow_up_about_it_needs_a_medicine_before_it() -> None:
    assert changes_own_medicine("can i stop it suddenly?", "Is gabapentin used for nerve pain?")
    assert not changes_own_medicine("can i stop it suddenly?", "What is sciatica?")


AMOUNTS = [
    "how many milligrams of pregabalin is safe to take?",
    "How much baclofen can I take in one go?",
    "whats the max dose of gabapentin",
    "is 900mg amitriptyline a day ok?",
    "how many tablets of co-codamol can I have",
]
NOT_AMOUNTS = [
    *DOES_NOT,
    "how much exercise helps back pain?",
    "how many people with MS get Lhermitte's sign?",
    "what is the starting dose usually like, low or high?",
]


@pytest.mark.parametrize("message", AMOUNTS)
def test_dose_amounts_recognised(message: str) -> None:
    assert asks_dose_amount(message)


@pytest.mark.parametrize("message", NOT_AMOUNTS)
def test_dose_amounts_not_recognised(message: str) -> None:
    assert not asks_dose_amount(message)


def test_the_dose_text_makes_no_claim_about_an_amount() -> None:
    assert "mg" not in DOSE_AMOUNT_TEXT and not any(c.isdigit() for c in DOSE_AMOUNT_TEXT)


def test_docstring_examples_hold() -> None:
    import doctest

    import bot.medicine

    result = doctest.testmod(bot.medicine)
    assert result.attempted >= 4 and result.failed == 0
