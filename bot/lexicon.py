"""Lay words → the articles' words, for lexical search and the "not covered" decision.

Patients write "bum", "wee", "pins and needles", "Nurofen"; the articles say "buttock",
"bladder", "tingling", "anti-inflammatory". BM25 cannot match what it has never seen, and a
topic word no article uses counts against coverage, so without this table lay wording both
misses evidence and causes refusals. Every article word here occurs in the corpus (a test
checks it), and the table only adds words: the patient's own words are never removed from
what is searched.

Not here: dense search (the adapted model learns lay wording from the training pairs) and
the red-flag rules (`bot.safety` has its own lexicons).
"""

from __future__ import annotations

import re
from functools import lru_cache

# lay phrase -> article words. Keys are matched as whole words, case-insensitively; a key
# with a space is a phrase ("pins and needles").
LAY_TO_ARTICLE: dict[str, str] = {
    # body parts
    "bum": "buttock buttocks", "butt": "buttock buttocks", "backside": "buttock buttocks",
    "bottom": "buttock buttocks", "arse": "buttock buttocks", "ass": "buttock buttocks",
    "glutes": "buttock buttocks", "cheek": "buttock",
    "feet": "limbs legs", "foot": "limbs legs", "toes": "limbs legs",
    "hands": "limbs arms", "hand": "limbs arms", "fingers": "limbs arms",
    "thigh": "leg limbs", "thighs": "leg limbs", "calf": "leg limbs", "calves": "leg limbs",
    "tailbone": "lower back", "coccyx": "lower back", "lumbago": "lower back pain",
    # bladder and bowel
    "wee": "bladder urinary", "wees": "bladder urinary",
    "weeing": "bladder urinary", "pee": "bladder urinary",
    "peeing": "bladder urinary", "urinate": "bladder urinary",
    "urinating": "bladder urinary", "pissing": "bladder urinary",
    "wet myself": "bladder urinary", "poo": "bowel", "pooing": "bowel",
    "constipated": "constipation bowel",
    # sensations
    "pins and needles": "tingling numbness", "tingly": "tingling", "numb": "numbness",
    "zaps": "electric shock", "zap": "electric shock", "zapping": "electric shock",
    "buzzing": "electric tingling", "stiff": "stiffness spasticity",
    "tightness": "stiffness spasticity tight", "cramps": "spasms cramping",
    "cramp": "spasms cramping", "charley horse": "spasms cramping",
    "twitching": "spasms", "jerking": "spasms", "achy": "aching ache", "sore": "aching pain",
    "squeezing": "squeezing hug", "band around": "hug tight",
    # medicines: brands and everyday names to the articles' names
    "nurofen": "anti-inflammatory ibuprofen", "advil": "anti-inflammatory ibuprofen",
    "motrin": "anti-inflammatory ibuprofen", "brufen": "anti-inflammatory ibuprofen",
    "ibuprofen": "anti-inflammatory", "aleve": "anti-inflammatory naproxen",
    "naproxen": "anti-inflammatory", "nsaid": "anti-inflammatory", "nsaids": "anti-inflammatory",
    "painkiller": "painkillers", "pain killer": "painkillers",
    "paracetamol": "painkillers", "tylenol": "painkillers", "panadol": "painkillers",
    "co-codamol": "painkillers", "codeine": "painkillers",
    "lyrica": "pregabalin", "neurontin": "gabapentin", "cymbalta": "duloxetine",
    "lioresal": "baclofen", "zanaflex": "tizanidine", "elavil": "amitriptyline",
    "pills": "medications", "tablets": "medications", "meds": "medications",
    # treatments and aids
    "physio": "physiotherapy physical therapy", "physiotherapist": "physiotherapy",
    "hot water bottle": "heat therapy", "heating pad": "heat therapy",
    "heat pad": "heat therapy", "warm bath": "heat", "ice pack": "cold ice",
    "walking stick": "cane assistive", "stick": "cane", "walker": "assistive",
    "slouch": "posture", "slouching": "posture", "hunched": "posture", "hunching": "posture",
    "yoga": "stretching exercise", "stretches": "stretching",
    # everyday names for MS events and feelings
    "flare": "relapse", "flare-up": "relapse", "flare up": "relapse",
    "attack": "relapse", "exhausted": "fatigue", "knackered": "fatigue", "tired": "fatigue",
    "depressed": "depression", "low mood": "depression", "anxious": "anxiety",
    "worried": "anxiety", "scan": "mri",
}


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    keys = sorted(LAY_TO_ARTICLE, key=len, reverse=True)  # "pins and needles" before "pins"
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, keys)) + r")(?![\w-])",
                      re.IGNORECASE)


def lay_phrases(text: str) -> list[str]:
    """The lay phrases of `text`, lower-cased, in order.

    >>> lay_phrases("Pins and needles in my FEET")
    ['pins and needles', 'feet']
    """
    return [m.group(1).lower() for m in _pattern().finditer(text)]


def article_terms(text: str) -> list[str]:
    """The article words for every lay phrase in `text`, without repeats.

    >>> article_terms("my bum hurts when I wee")
    ['buttock', 'buttocks', 'bladder', 'urinary']
    """
    out: list[str] = []
    for phrase in lay_phrases(text):
        for word in LAY_TO_ARTICLE[phrase].split():
            if word not in out:
                out.append(word)
    return out


def expand(text: str) -> str:
    """`text` with the article words of its lay phrases appended (for BM25).

    >>> expand("can Nurofen help?")
    'can Nurofen help? anti-inflammatory ibuprofen'
    >>> expand("what is spasticity?")
    'what is spasticity?'
    """
    extra = article_terms(text)
    return f"{text} {' '.join(extra)}" if extra else text


def translate(text: str) -> str:
    """`text` with each lay phrase replaced by its article words (for the coverage check:
    a lay word the table knows is not a topic the articles lack).

    >>> translate("burning in my feet at night")
    'burning in my limbs legs at night'
    """
    return _pattern().sub(lambda m: LAY_TO_ARTICLE[m.group(1).lower()], text)
