"""Red-flag escalation: the catalogue (every flag, its level and source), the concept
lexicons, scope (negation, time, person, knowledge questions, idioms), the learned channel,
safety-netting, and failing closed.

Rule and scope tests are pure. Tests marked slow use the real packaged model (the session
`settings` fixture's index directory) and the real training data; the only fakes are a
classifier that crashes or returns garbage and one that always says benign, which the real one
cannot be made to do.
"""

from __future__ import annotations

import dataclasses
import doctest
import importlib
import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import bot.safety.catalogue
from bot.safety import (
    CATALOGUE,
    CHECK_FAILED,
    DISCLAIMER,
    ESCALATION_TEXT,
    FAIL_CLOSED_TEXT,
    LEVELS,
    MAX_CHECK_CHARS,
    RULES,
    SAFETY_NET_TEXT,
    SafetyChecker,
    check_safely,
    lexicon,
    match_phrases,
    needs_safety_net,
    scope,
)
from bot.safety.checker import (
    COVER_CHARS,
    MAX_UNITS,
    THRESHOLDS,
    WINDOW_BAR,
    WINDOW_WORDS,
    windows,
)
from bot.safety.classifier import (
    CLASSES,
    DATA_DIR,
    FOLDER,
    SafetyModel,
    TrainSettings,
    ensure_model,
    is_trained,
    load_examples,
    model_key,
    train,
    training_files,
)
from bot.safety.normalize import normalize
from evals.tune_safety import Item, padded, run, score, sets

# (message, level, rule): what people actually write, with typos and inflections.
RED_FLAGS = [
    # emergency: bladder and bowel
    ("I wet myself this afternoon", "emergency", "wet-or-soiled-myself"),
    ("keep wetting myself since the back pain started", "emergency", "wet-or-soiled-myself"),
    ("i pooed myself and didnt feel it", "emergency", "wet-or-soiled-myself"),
    ("I've lost control of my bladdder", "emergency", "bladder-bowel-control-lost"),
    ("can't control my bowels since this morning", "emergency", "bladder-bowel-control-lost"),
    ("I can't pee", "emergency", "cannot-pee"),
    ("i cant urinate at all today", "emergency", "cannot-pee"),
    ("unable to wee since last night", "emergency", "cannot-pee"),
    ("I haven't peed since yesterday morning", "emergency", "cannot-pee"),
    ("my bladder is full but I can't get anything out", "emergency",
     "bladder-full-nothing-out"),
    # emergency: saddle
    ("I can't feel when I wipe", "emergency", "cannot-feel-toilet"),
    ("cant feel the toilet paper when i wipe", "emergency", "cannot-feel-toilet"),
    ("I'm numb down there", "emergency", "saddle-numbness"),
    ("numb between my legs since yesterday", "emergency", "saddle-numbness"),
    ("my buttocks and groin have gone numb", "emergency", "saddle-numbness"),
    ("tingling in my saddle area", "emergency", "saddle-numbness"),
    ("I think I have cauda equina", "emergency", "saddle-numbness"),
    # emergency: both legs
    ("both legs are weak and it's getting worse", "emergency", "both-legs-weak-or-numb"),
    ("numbness in both my legs", "emergency", "both-legs-weak-or-numb"),
    ("my legs keep giving way", "emergency", "legs-giving-way"),
    ("my legs gave out on the stairs", "emergency", "legs-giving-way"),
    ("I can't feel my leggs", "emergency", "legs-giving-way"),
    ("sciatica in both legs", "emergency", "sciatica-both-legs"),
    ("my siatica has spread to my other leg", "emergency", "sciatica-both-legs"),
    # emergency: trauma and stroke
    ("I fell down the stairs and now my back is agony", "emergency",
     "fall-or-accident-back-pain"),
    ("car accident this morning, my neck and back hurt", "emergency",
     "fall-or-accident-back-pain"),
    ("my dad's face is drooping", "emergency", "stroke-signs"),
    ("her speech is slurred and she can't lift her arm", "emergency", "stroke-signs"),
    ("i think im having a stroke", "emergency", "stroke-signs"),
    ("his arm has gone floppy and his face looks odd", "emergency",
     "arm-weak-with-face-or-speech"),
    ("shooting pain down both legs from my sciatica", "emergency", "pain-down-both-legs"),
    # crisis
    ("I've been thinking about suicide", "crisis", "suicide"),
    ("feeling suicidle", "crisis", "suicide"),
    ("I want to kill myself", "crisis", "kill-myself"),
    ("I just want to end it all", "crisis", "kill-myself"),
    ("everyone would be better off without me", "crisis", "wish-to-die"),
    ("I don't want to live anymore", "crisis", "wish-to-die"),
    ("what's the point in living like this", "crisis", "wish-to-die"),
    ("I self harm when it gets bad", "crisis", "self-harm"),
    ("I've been cutting myself", "crisis", "self-harm"),
    ("I'm going to take all my tablets tonight", "crisis", "overdose"),
    # urgent
    ("back pain and a fever", "urgent", "fever-with-back-pain"),
    ("I've got chills and my lower back is killing me", "urgent", "fever-with-back-pain"),
    ("losing weight without trying", "urgent", "unexplained-weight-loss"),
    ("I've lost 8kg for no reason", "urgent", "unexplained-weight-loss"),
    ("I had breast cancer and now have back pain", "urgent", "cancer-history-back-pain"),
    ("history of cancer, new back pain", "urgent", "cancer-history-back-pain"),
    ("my back pain is worse at night", "urgent", "pain-worse-at-night"),
    ("the pain wakes me up at night", "urgent", "pain-worse-at-night"),
    ("I inject drugs and my back hurts", "urgent", "injecting-drugs"),
    ("IV drug use, sore back", "urgent", "injecting-drugs"),
    ("new symptoms for 2 days", "urgent", "new-symptoms-over-24h"),
    ("my old symptoms came back", "urgent", "new-symptoms-over-24h"),
    ("I think I'm having a relapse", "urgent", "possible-relapse"),
    ("I have double vision", "urgent", "vision-loss-or-double-vision"),
    ("dubble vison since this morning", "urgent", "vision-loss-or-double-vision"),
    ("I lost vision in one eye", "urgent", "vision-loss-or-double-vision"),
    ("it burns when I pee and my MS is worse", "urgent", "urine-infection-ms-worse"),
    # concepts added with the catalogue: indirect bladder wording, floppy feet, the general
    # "call 999" list, means of harm, fracture risk, third person
    ("I keep wetting myself without noticing", "emergency", "bladder-bowel-control-lost"),
    ("can't control when I pee anymore", "emergency", "bladder-bowel-control-lost"),
    ("i cant tell if my bladder is full", "emergency", "bladder-bowel-control-lost"),
    ("I suddenly can't hold my wee and my back is agony", "emergency",
     "bladder-bowel-control-lost"),
    ("not been able to pass urine since last night", "emergency", "cannot-pee"),
    ("only a dribble comes out when I try to pee since yesterday", "emergency", "cannot-pee"),
    ("it's numb when I wipe", "emergency", "cannot-feel-toilet"),
    ("my bum has gone numb since this morning", "emergency", "saddle-numbness"),
    ("can't feel anything during sex since the back pain started", "emergency",
     "sexual-numbness"),
    ("both feet suddenly floppy and I keep tripping", "emergency", "both-legs-weak-or-numb"),
    ("my husband says both his legs have gone weak since this morning", "emergency",
     "both-legs-weak-or-numb"),
    ("his speech sounds drunk and his face is drooping", "emergency", "stroke-signs"),
    ("crushing chest pain going into my arm", "emergency", "chest-pain"),
    ("tight chest spreading to my jaw and I'm clammy", "emergency", "chest-pain"),
    ("sudden worst headache of my life and a stiff neck", "emergency",
     "sudden-severe-headache"),
    ("I suddenly cant see out of both eyes", "emergency", "sudden-loss-of-sight"),
    ("she's having a seizure", "emergency", "seizure"),
    ("my husband collapsed and isn't responding", "emergency", "collapse-or-unresponsive"),
    ("breathing is really laboured and he's going grey", "emergency", "breathing-difficulty"),
    ("how many gabapentin would it take to not wake up", "crisis", "lethal-dose-question"),
    ("what dose of amitriptyline is fatal", "crisis", "lethal-dose-question"),
    ("I want to crash the car to make the pain stop", "crisis", "harm-by-vehicle-or-fall"),
    ("my son says he wants to kill himself", "crisis", "kill-myself"),
    ("I'd rather be dead than live like this", "crisis", "wish-to-die"),
    ("years of steroids and now sudden sharp back pain", "urgent",
     "steroids-or-osteoporosis-sudden-back-pain"),
    ("I had breast cancer 5 years ago and now my back aches constantly", "urgent",
     "cancer-history-back-pain"),
    ("new pins and needles in both hands for the last 48 hours", "urgent",
     "new-symptoms-over-24h"),
    # concepts added with the third red-flag dev set: NHS "call 999" allergy and bleeding,
    # one eye going dark at once, a sensory level, incontinence unnoticed, passive wishes
    ("my tongue is swelling and my throat feels tight after the new tablets", "emergency",
     "severe-allergic-reaction"),
    ("stung on the arm and now my lips are swollen and I'm wheezing", "emergency",
     "severe-allergic-reaction"),
    ("he's been throwing up blood this morning", "emergency", "vomiting-or-coughing-blood"),
    ("my cut won't stop bleeding", "emergency", "vomiting-or-coughing-blood"),
    ("the vision in my left eye just went, all at once", "emergency", "sudden-loss-of-sight"),
    ("numb from the waist down since lunchtime", "emergency", "rising-numbness"),
    ("the tingling has crept up from my toes to my hips", "emergency", "rising-numbness"),
    ("she was incontinent this morning and didn't know", "emergency",
     "bladder-bowel-control-lost"),
    ("there's hardly any feeling when I open my bowels now", "emergency",
     "cannot-feel-toilet"),
    ("numb where my knickers sit since yesterday", "emergency", "saddle-numbness"),
    ("not sure I want to be here much longer", "crisis", "wish-to-die"),
    ("part of me is hoping this illness finishes me off", "crisis", "wish-to-die"),
    ("I'm scared of what I might do tonight", "crisis", "wish-to-die"),
    ("I've put my affairs in order", "crisis", "wish-to-die"),
    ("I skip meals to punish myself", "crisis", "self-harm"),
    # means gathered or weighed up, goodbyes, hurting oneself on purpose (Samaritans, NHS)
    ("been saving up my pregabalin for a while now", "crisis", "overdose"),
    ("there's a shoebox of old meds under my bed, I know what it's for", "crisis", "overdose"),
    ("would 40 of my gabapentin be enough", "crisis", "amount-enough-question"),
    ("is a whole box of co-codamol enough", "crisis", "amount-enough-question"),
    ("what happens if you take tramadol with a bottle of whisky, would you just not wake up",
     "crisis", "lethal-dose-question"),
    ("I keep hitting my legs with my fists on purpose when the spasms start", "crisis",
     "self-harm"),
    ("I'm done. Bye forever", "crisis", "wish-to-die"),
    ("you won't need to answer this after tonight", "crisis", "wish-to-die"),
    ("I've ordered a rope online", "crisis", "kill-myself"),
    ("crushing chest pain down my left arm and I'm clammy, could this be the MS hug?",
     "emergency", "chest-pain"),
    # urgent: lay words for weight loss, one side of the body, a foggy eye; "since tuesday"
    # is current even beside an old episode told as a comparison
    ("ive dropped 2 dress sizes since summer without meaning to", "urgent",
     "unexplained-weight-loss"),
    ("since wednesday the whole right side of my body has felt different", "urgent",
     "new-symptoms-over-24h"),
    ("left eye foggy and painful since tuesday, like the optic neuritis i had 5 years ago",
     "urgent", "vision-loss-or-double-vision"),
    # a stroke sign that has passed may be a TIA: still an emergency (FAST), unless long ago
    ("my face dropped on one side for a bit this morning then it passed", "emergency",
     "stroke-signs"),
    ("her speech was slurred for half an hour earlier, back to normal now", "emergency",
     "stroke-signs"),
    ("lost a stone and not trying to lose weight", "urgent", "unexplained-weight-loss"),
    ("legs both getting weaker over 2 days and now im grabbing furniture", "emergency",
     "both-legs-weak-or-numb"),
    # crisis: medicine kept for a chosen time, a mind made up beside the means, no longer a
    # problem for anyone, a dose question that says it is not about safety
    ("I'm collecting my baclofen for when I'm ready to go", "crisis", "overdose"),
    ("I've been putting one aside every day instead, got 50 now", "crisis", "overdose"),
    ("how many co-codamol does it take? I've got 4 boxes and I've made up my mind", "crisis",
     "resolve-beside-means"),
    ("I won't be a problem for anyone much longer", "crisis", "kill-myself"),
    ("honestly I don't want to keep going", "crisis", "wish-to-die"),
    ("how many paracetamol is too many? not asking for safety reasons", "crisis",
     "lethal-dose-question"),
    ("what happens if you take a whole box of tizanidine?", "crisis", "lethal-dose-question"),
    # an allergic reaction that reaches breathing or makes one faint is anaphylaxis (NHS); a
    # numbness that does not come back is not transient
    ("allergic reaction to the injection and now I feel really faint", "emergency",
     "severe-allergic-reaction"),
    ("hives everywhere after the new tablets and I can't swallow properly", "emergency",
     "severe-allergic-reaction"),
    ("my lips have ballooned after the naproxen and I'm wheezing", "emergency",
     "severe-allergic-reaction"),
    ("numb around my bum since lunch and the feeling doesn't come back when I stand", "emergency",
     "saddle-numbness"),
    # a symptom spreading day by day may be a relapse building up; tired of it all beside the
    # means
    ("the tingling creeps a bit higher up my legs every day", "urgent", "new-symptoms-over-24h"),
    ("two boxes of amitriptyline in the drawer and I'm tired of everything", "crisis",
     "resolve-beside-means"),
    # preparations and goodbyes, access to a gun, "on purpose", "enough to never come round"
    # (Samaritans and NHS warning signs)
    ("I've written a letter for whoever finds me", "crisis", "wish-to-die"),
    ("no more physio for me, I won't be around.", "crisis", "kill-myself"),
    ("I rang my mum to say goodbye to her properly, like it's the last time", "crisis",
     "wish-to-die"),
    ("putting money aside for my funeral so the kids aren't stuck with it", "crisis",
     "wish-to-die"),
    ("honestly if the MS killed me next week I'd be relieved", "crisis", "wish-to-die"),
    ("I know where my dad keeps his shotgun", "crisis", "kill-myself"),
    ("is it dangerous to mix tramadol and whisky? I hope it is", "crisis",
     "lethal-dose-question"),
    ("I'm going to take enough diazepam to never come round", "crisis", "lethal-dose-question"),
    ("I took too many co-codamol on purpose last night", "crisis", "overdose"),
    ("how deep should I cut to make it stop", "crisis", "self-harm"),
    ("I held the lighter to my arm again when the pain came back", "crisis", "self-harm"),
]

# Negations and benign near misses: none of these may escalate.
QUIET = [
    "no bladder problems",
    "I had a rash from naproxen last year",
    "no reaction to the injection, but I feel faint if I stand up too fast",
    "I'm allergic to plasters. My heart races when I'm anxious",
    "my bum goes numb on hard chairs but it comes back when I stand up",
    "every day I walk a bit further up the hill",
    "I won't be around on Friday, can we move my physio?",
    "my husband will be there when they find me a bed on the ward",
    "how deep is too deep for a sports massage on sciatica?",
    "we made our wills after my diagnosis, it felt sensible",
    "is it dangerous to drink on baclofen? I want to know before the wedding",
    "I'm tired of everything about this clinic",
    "I dropped two dress sizes on a diet",
    # weight loss explained by a diet or exercise is not unexplained (NICE NG59)
    "weight dropping off me since i joined the gym and started eating better",
    # a sign that comes with fatigue, or has for years, is MS fatigue, not a stroke
    "speech gets muddled when I'm tired, it's been my MS brain fog for years",
    "face droopy with tiredness at the end of the day",
    "i cant speak properly in the mornings til ive had coffee",
    "my face drooped years ago with bells palsy, fine now",
    "i made up my mind, i am going to try the pregabalin",
    "I want to keep going with physio",
    "what happens if i take 2 baclofen by accident",
    "my eye is a bit blurry after a hot shower",
    "had a fever last month, fine since monday",
    "I don't have a fever",
    "I've never had cancer",
    "I'm not suicidal",
    "no numbness down there",
    "I didn't notice any numbness down there",
    "no fever or chills, just a stiff back",
    "I don't have double vision",
    "my back aches after gardening",
    "I feel a bit down about my diagnosis",
    "my legs are tired after a walk",
    "I had a fall last year but I'm fine now",
    "my cat died and I'm sad",
    "what is cauda equina?",
    "this pain is killing me",
    "I could kill for a good night's sleep",
    "I cut my finger cooking",
    "I fell asleep on the sofa and my neck is stiff",
    "my spasms are worse at night",
    "I inject Copaxone for my MS",
    "pain shooting up my back",
    "I have an overactive bladder from MS",
    "I've had numbness in my foot for years",
    "can MS cause sciatica?",
    "what helps spasticity?",
    "is gabapentin used for nerve pain?",
    "Can MS cause double vision?",
    "hay fever season again, my eyes are swollen and itchy",
    "a little blood when I brush my gums",
    "my wife will kill me if I skip physio again",
    "the kids will be the end of me this summer holiday",
    "",
    "   ",
    # scope: negation, time, knowledge questions, hypotheticals, idioms, heat
    "I don't have any saddle numbness, I'm just asking what saddle numbness would feel like",
    "I tripped on a step and bruised my knee, my back is fine, no pain",
    "what are the warning signs of cauda equina?",
    "Say I had a relapse while on holiday abroad, what would I do?",
    "what should I do if I ever lose control of my bladder?",
    "I read about stroke signs and wanted to know what FAST means",
    "I had a fever last month but I'm fine now",
    "I've had an overactive bladder for years and my MS nurse manages it",
    "heat makes my back pain worse",
    "my vision went blurry in a hot bath but cleared once I got out",
    "the MS hug feels like a tight band round my chest",
    "that was a killer workout, my legs are like jelly in a good way",
    "I'm dying to know if heat makes sciatica worse",
    "my back is killing me today",
    "what is the maximum daily dose of gabapentin?",
    # idioms and hearsay told by others, or by a leaflet or a video
    "I'm dying for a holiday, my back needs a rest",
    "I'd kill for a decent mattress",
    "these stairs will be the death of me",
    "my sister heard that numbness down there means A&E, is that right?",
    "I watched a video saying night pain in the back means cancer, is it true?",
    "a poster at the surgery said weight loss with back pain needs checking",
    # the means concepts: ordinary dose and supply questions
    "is 10mg of baclofen enough to help?",
    "would 2 paracetamol be enough for a headache",
    "is a whole week of rest enough for sciatica?",
    "I collect my prescriptions from the chemist every month",
    "I won't need my walking stick after today, the physio says",
    "bought a rope for the dog's tug of war",
    "I cut my hand chopping onions",
    "tight chest, it's just my MS hug, comes and goes",
    # hypotheticals and transient, positional numbness
    "if I one day couldn't feel my legs, should I ring 999?",
    "say I couldn't pee one day, how long before it's a problem?",
    "if my sciatica spread to both legs would that be bad?",
    "woke up with a dead arm from sleeping on it, came back after five minutes",
    "my leg went numb sitting cross-legged, the feeling came back within a minute",
    "the hoovering nearly killed me, my back is wrecked",
]

WEIRD = [
    "",
    "\x00\x01\x02\x7f",
    "\ud800",
    "back pain \udfff\ud800 help",
    "😭😭😭 my back 😭",
    "👨‍👩‍👧 family emoji with zero width joiners",
    "أشعر بألم في ظهري",
    "\u202eeep t'nac I",
    "<script>alert('x')</script><b>hello</b>&nbsp;&#0;&#xD800;",
    "a" * 5000,
    "." * 5000,
    "\n" * 5000,
    "no " * 3000,
]



# -- fixed texts -----------------------------------------------------------------------------


def test_disclaimer_is_plain_short_and_says_what_it_must() -> None:
    assert not any(mark in DISCLAIMER for mark in "*_#<>[]`")
    assert 1 <= DISCLAIMER.count(". ") + 1 <= 3 and DISCLAIMER.endswith(".")
    for words in ("educational information", "not medical advice", "diagnosis",
                  "doctor or MS team", "emergency number"):
        assert words in DISCLAIMER


def test_escalation_texts_are_fixed_marked_and_actionable() -> None:
    assert list(ESCALATION_TEXT) == list(LEVELS) == ["emergency", "crisis", "urgent"]
    assert all(text.startswith("**") for text in ESCALATION_TEXT.values())
    for number in ("911", "999", "112", "emergency department"):
        assert number in ESCALATION_TEXT["emergency"]
    for words in ("988", "Samaritans", "116 123", "local emergency number", "not alone"):
        assert words in ESCALATION_TEXT["crisis"]
    for words in ("today", "doctor or MS team", "NHS 111"):
        assert words in ESCALATION_TEXT["urgent"]
    assert FAIL_CLOSED_TEXT.startswith("**We could not check your message for warning signs.**")
    for words in ("911", "999", "112", "emergency department", "988", "116 123"):
        assert words in FAIL_CLOSED_TEXT


def test_the_safety_net_names_the_signs_that_mean_get_help_now() -> None:
    assert SAFETY_NET_TEXT.startswith("**Get help now if:**")
    for words in ("bladder or bowels", "numbness between your legs", "both legs",
                  "stroke", "suicide", "999", "911", "988", "116 123", "24 hours"):
        assert words in SAFETY_NET_TEXT


def test_red_flags_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        CHECK_FAILED.level = "urgent"  # type: ignore[misc]
    assert dataclasses.astuple(CHECK_FAILED) == ("emergency", "check-failed", "")


@pytest.mark.parametrize("module", ["checker", "scope", "normalize", "catalogue", "rules"])
def test_docstring_examples_hold(module: str) -> None:
    # by name: the package exports a function `normalize` that hides its module
    assert doctest.testmod(importlib.import_module(f"bot.safety.{module}")).failed == 0


# -- the catalogue ---------------------------------------------------------------------------


def test_every_rule_is_in_the_catalogue_with_a_source_and_back() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    assert set(names) == set(CATALOGUE)
    for r in RULES:
        assert r.level in LEVELS
        entry = CATALOGUE[r.name]
        assert entry.covers and entry.source
        assert re.search(r"NHS|NICE|MS Society|MS Trust|Samaritans|988", entry.source), r.name


def test_every_catalogue_entry_has_a_tested_example() -> None:
    assert {rule for _, _, rule in RED_FLAGS} == set(CATALOGUE)


def test_the_catalogue_table_lists_every_flag_most_severe_first() -> None:
    table = bot.safety.catalogue.table().splitlines()
    assert table[0] == "| flag | level | covers | source |"
    rows = table[2:]
    assert len(rows) == len(RULES)
    levels = [row.split(" | ")[1] for row in rows]
    assert levels == sorted(levels, key=list(LEVELS).index)


def test_the_readme_shows_todays_catalogue() -> None:
    from ingest.settings import ROOT

    assert bot.safety.catalogue.table() in (ROOT / "README.md").read_text("utf-8"), \
        "README's catalogue is stale: paste `python -m bot.safety` into it"


def test_a_rule_with_an_unknown_level_is_refused() -> None:
    from bot.safety.rules import rule

    with pytest.raises(ValueError, match="is not one of emergency, crisis, urgent"):
        rule("x", "serious", "x")


# -- concepts --------------------------------------------------------------------------------


@pytest.mark.parametrize(("concept", "words"), [
    ("PEE", ["pee", "wee", "urinate", "pass water", "pass urine", "empty my bladder"]),
    ("CANT", ["can't", "cant", "cannot", "unable to", "not able to", "no longer able to"]),
    ("FEEL_NEG", ["can't feel", "don't notice", "can't tell", "barely feel"]),
    ("BLADDER", ["bladder", "bladdr", "bowels", "bowles"]),
    ("NUMB", ["numb", "numbness", "tingling", "pins and needles", "no feeling",
              "lost the feeling"]),
    ("AREA", ["down there", "between my legs", "my groin", "my bum", "the saddle area",
              "my privates", "my inner thighs"]),
    ("SCIATICA", ["sciatica", "siatica", "sciatca", "shooting pains"]),
    ("FEVER", ["fever", "a temperature", "chills", "shivering", "hot and cold", "burning up",
               "39 degrees"]),
    ("CHEST", ["chest", "breastbone"]),
    ("HEADACHE", ["headache", "head ache", "migraine"]),
    ("STIFF_NECK", ["stiff neck", "neck is stiff", "can't bend my neck"]),
    ("SEIZURE", ["seizure", "convulsing", "having a fit", "fitting"]),
    ("COLLAPSE", ["collapsed", "passed out", "unconscious", "unresponsive", "fainted and"]),
    ("BREATH", ["can't breathe", "struggling to breathe", "gasping for air", "lips are blue"]),
    ("STEROID", ["steroids", "prednisolone", "pred", "osteoporosis", "brittle bones"]),
    ("LETHAL", ["lethal", "fatal", "to not wake up", "stop my heart"]),
    ("VEHICLE_HARM", ["crash the car", "drive into a wall", "step in front of"]),
    ("AIRWAY_SWELLING", ["anaphylaxis", "throat is closing", "tongue swelling", "epipen"]),
    ("BLOOD_UP", ["vomiting blood", "coughed up blood", "threw up some blood",
                  "won't stop bleeding", "bleeding heavily", "coughed up a mouthful of red blood"]),
    ("MEDICINE", ["pills", "tablets", "meds", "my prescriptions", "amitriptylin", "oramorph",
                  "co-codamol", "sleeping pills"]),
    ("ALCOHOL", ["vodka", "a drink", "booze", "wine"]),
    ("HOARD", ["saving up", "saved them up", "hoarding", "stashed", "putting aside",
               "been collecting"]),
    ("AMOUNT", ["30", "all of my", "my whole", "a month's supply", "the whole packet"]),
    ("HARM_ACT", ["punching", "hitting", "banging", "scratching", "burning", "biting"]),
    ("PURPOSE", ["on purpose", "deliberately", "to feel something"]),
])
def test_each_concept_knows_the_lay_words(concept: str, words: list[str]) -> None:
    pattern = re.compile(r"\b(?:" + getattr(lexicon, concept) + r")\b")
    for word in words:
        assert pattern.fullmatch(word) or pattern.search(word), (concept, word)


# -- rules (pure) ----------------------------------------------------------------------------


@pytest.mark.parametrize(("message", "level", "rule"), RED_FLAGS)
def test_rules_catch_lay_wording(message: str, level: str, rule: str) -> None:
    flags = match_phrases(message)
    assert flags[0].level == level
    assert rule in [f.rule for f in flags]


@pytest.mark.parametrize("message", QUIET)
def test_negations_and_near_misses_do_not_fire(message: str) -> None:
    assert match_phrases(message) == []


@pytest.mark.parametrize(("message", "rule"), [
    ("I CAN’T PEE", "cannot-pee"),  # capitals, curly apostrophe
    ("<p>I can&#39;t pee</p>", "cannot-pee"),  # HTML and an entity
    ("I can't p\u200bee", "cannot-pee"),  # a zero-width space inside the word
    ("I\x00 wet\x07 myself", "wet-or-soiled-myself"),  # control characters
    ("I wet myself\ud800", "wet-or-soiled-myself"),  # a lone surrogate
    ("i wet   myself", "wet-or-soiled-myself"),
    ("suiciiiidal", "suicide"),  # stretched letters
    ("I can't peeeeee", "cannot-pee"),
])
def test_normalization_keeps_the_words_readable(message: str, rule: str) -> None:
    assert [f.rule for f in match_phrases(message)] == [rule]


# -- scope -----------------------------------------------------------------------------------


def test_a_negation_governs_only_its_own_clause() -> None:
    assert [f.rule for f in match_phrases("No fever, but I can't feel when I wipe")] == [
        "cannot-feel-toilet"]
    assert [f.rule for f in match_phrases("I'm not suicidal but I want to end it all")] == [
        "kill-myself"]
    assert [f.rule for f in match_phrases("no bladder problems and I can't pee")] == [
        "cannot-pee"]
    assert match_phrases("no numbness down there") == []


def test_knowledge_questions_differ_from_reports() -> None:
    for question in ("What is cauda equina syndrome?", "Does MS cause loss of bladder control?",
                     "Is double vision a symptom of MS?",
                     "what are the warning signs of cauda equina?",
                     "how do I know if it's a relapse?",
                     "what should I do if I ever lose bladder control?"):
        assert match_phrases(question) == [], question
    # a report, even phrased as a question, escalates,
    assert match_phrases("Should I worry that I can't pee?")[0].level == "emergency"
    assert match_phrases("what are the signs of cauda equina, since last night I can't pee")
    # and so does a question followed by a report.
    assert match_phrases(
        "Is it normal for sciatica to make your saddle area go numb? It happened today.")
    # Hearsay and imagined cases ask about a topic too.
    for question in ("I read that you should call 999 if you can't pee with back pain, is "
                     "that right?", "Imagine I wet myself without noticing, is that MS?",
                     "I heard that numbness down there is an emergency, is that true?"):
        assert match_phrases(question) == [], question
    assert match_phrases("I read about cauda equina and since last night I can't pee")
    # Crisis topics always show the crisis lines, asked about or not.
    assert match_phrases("Does gabapentin cause suicidal thoughts?")[0].level == "crisis"


def test_time_scope_past_resolved_and_long_standing() -> None:
    assert match_phrases("I was in a car accident 10 years ago and my back still aches") == []
    assert match_phrases("numbness in both legs for years since my diagnosis") == []
    assert match_phrases("had a fever last month, fine now") == []
    assert match_phrases("had a fever last month and it's back now with back pain")
    # a history of cancer is a red flag because it is past
    assert match_phrases("I had cancer years ago and now my back hurts")[0].level == "urgent"
    assert scope.resolved("had a fever last month, fine now")
    assert not scope.resolved("had a fever last month, back now")
    for over in ("I had a fever last week with flu, it's gone and my symptoms are back to "
                 "baseline", "my legs went to jelly in the hot tub for an hour, then fine",
                 "a water infection made my MS flare, but once the antibiotics worked "
                 "everything went back to how it was"):
        assert scope.resolved(over) and match_phrases(over) == [], over
    # feeling that came back after minutes is over; a symptom that came back today is not
    assert scope.resolved("my foot went numb, it came back after a few minutes")
    assert not scope.resolved("the numbness came back this morning")
    assert match_phrases("the numbness between my legs went away but came back today")
    # "the physio used to warn me" is not "I used to have it"
    assert match_phrases("numb in the saddle area since this morning, the word the physio "
                         "used to warn me about")
    assert match_phrases("I used to get numbness in my saddle area years ago") == []
    # a single event long ago, and none since, is over; "and another one today" is not
    for over in ("my son had a fit as a toddler with a fever, he's 15 now and never had "
                 "another one", "i fainted once at a concert when i was 17, never happened "
                 "since", "my friend had a seizure once at uni, does ms cause seizures"):
        assert match_phrases(over) == [], over
    for again in ("I had a seizure years ago and another one today",
                  "had a seizure when i was 17. had another this morning",
                  "I had a seizure as a child and today I had another",
                  "i had a seizure once at work today"):
        assert match_phrases(again)[0].level == "emergency", again
    assert scope.recurs("a fit years ago and another one today", 5)
    assert not scope.recurs("a fit years ago and never had another", 5)
    # "gone" as a change, not an end: "it's gone numb" is current.
    assert not scope.resolved("its gone numb between my legs")
    assert match_phrases("its gone numb between my legs and my back hurts")


def test_time_scope_the_hits_own_clause_and_unchanged_symptoms() -> None:
    # the hit's own clause says it is over, whatever the rest of the sentence says
    assert match_phrases("My temperature from the flu has gone away but my back still aches") \
        == []
    assert match_phrases("the numbness down below went away last year but came back this "
                         "morning")
    assert scope.resolved("the numbness never came back")
    assert not scope.resolved("the feeling in my legs never came back to normal")
    assert not scope.resolved("it went away and then came back this morning")
    # long-standing and unchanged, unless the same sentence tells of a change
    for stable in ("my bum has felt numb since 2016, no change at all",
                   "numb patches on both thighs, stable and unchanged for ages"):
        assert scope.longstanding(stable) and match_phrases(stable) == [], stable
    for changed in ("my MS is stable but since yesterday I can't feel my bum",
                    "numbness down below, no change for years until this morning it spread",
                    "both legs numb for two days, my MS has been stable"):
        assert not scope.longstanding(changed) and match_phrases(changed), changed
    # "now gone" ends an event; "now gone into" does not
    assert match_phrases("shooting pain down both legs last week, now gone") == []
    assert match_phrases("the sciatica has now gone down both legs")


def test_scope_asked_and_denied_hearsay_and_the_dead() -> None:
    for quiet in ("the GP asked if I'd lost bladder control or had saddle numbness, I said no "
                  "to both",
                  "a lady in my MS group said her husband had a fit, can baclofen do that?",
                  "my late mum had bowel cancer, could my back pain be hereditary?",
                  "I saw a post about someone who wet themselves with sciatica, how common?",
                  "my cancer scare turned out benign, but my back aches",
                  "my friend said if both legs go weak it's an emergency. mine aren't"):
        assert match_phrases(quiet) == [], quiet
    # advice passed on, then a report: the report escalates
    assert match_phrases("the nurse said to call 999 if I can't pee, and I can't pee since "
                         "this morning")[0].level == "emergency"
    assert match_phrases("my wife said her legs have gone numb and she can't pee")
    # someone else's current symptoms, and a "passed out", still escalate
    assert match_phrases("my husband passed out and won't wake up")[0].level == "emergency"
    assert match_phrases("my dad has prostate cancer and new back pain")[0].level == "urgent"


def test_person_someone_elses_current_symptoms_still_escalate() -> None:
    for message in ("my husband can't pee since last night and his back is agony",
                    "my mum's face is drooping", "my wife is numb down there",
                    "my dad has had a fever and back pain since yesterday"):
        assert match_phrases(message), message


def test_idioms_are_not_red_flags() -> None:
    for message in ("my back is killing me", "killer workout at physio",
                    "dying to know if yoga helps", "I could kill for a cup of tea",
                    "I'm dead tired after work", "laughed so hard I nearly wet myself",
                    "nearly pooed myself when the car slid on the ice",
                    "my wife collapsed onto the sofa after work, shattered",
                    "husband passed out on the couch at 8pm, snoring",
                    "my pants were wet with sweat after the gym"):
        assert match_phrases(message) == [], message
    assert match_phrases("I nearly wet myself, then I did wet myself without feeling it")
    # the sofa idiom is only sleep: a collapse that does not come round still escalates
    assert match_phrases("he collapsed on the sofa and isn't responding")
    assert match_phrases("he collapsed onto the sofa for no reason")
    assert scope.strip_idioms("my back is killing me") == "my back" + " " * 14
    assert match_phrases("my back is killing me and I want to kill myself")[0].level == "crisis"


def test_accidental_or_trigger_hits_do_not_fire() -> None:
    assert match_phrases("I cut myself shaving") == []
    assert match_phrases("I wet myself a little when I sneeze") == []
    assert match_phrases("the MS hug feels like a tight band round my chest") == []


def test_several_levels_come_most_severe_first() -> None:
    message = ("I have a fever. Honestly I want to end it all. "
               "I fell down the stairs and my back is agony.")
    assert [f.level for f in match_phrases(message)] == ["emergency", "crisis", "urgent"]


def test_the_whole_of_a_very_long_message_is_read() -> None:
    filler = "My back aches after gardening and I take my baclofen at night. "
    message = (filler * 2000)[: 100_000 - 30] + " and now I can't pee at all."
    assert len(message) == 100_000 - 2
    assert [f.rule for f in match_phrases(message)] == ["cannot-pee"]
    assert match_phrases(filler * 1600) == []


@pytest.mark.parametrize("message", WEIRD)
def test_weird_input_never_raises(message: str) -> None:
    assert isinstance(match_phrases(message), list)


# -- safety net ------------------------------------------------------------------------------


@pytest.mark.parametrize(("message", "net"), [
    ("my back hurts when I sit, what helps?", True),
    ("I get shooting pains down my left leg", True),
    ("my legs feel stiff and heavy today", True),
    ("what is spasticity?", False),
    ("how is sciatica treated?", False),
    ("I have MS, can it cause back pain?", False),
    ("I had sciatica years ago but it's gone now", False),
])
def test_the_safety_net_is_for_the_writers_own_current_symptoms(message, net) -> None:
    assert needs_safety_net(message, []) is net
    assert needs_safety_net(message, [CHECK_FAILED]) is False  # escalated: no net beside it


# -- fail closed -----------------------------------------------------------------------------


class CrashingClassifier:
    """Gives "benign" probabilities, then fails like a broken model would."""

    def __init__(self, crash_after: int = 0) -> None:
        self.calls = 0
        self.crash_after = crash_after

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        if self.calls > self.crash_after:
            raise RuntimeError("model crashed")
        return benign(texts)


def benign(texts: list[str]) -> np.ndarray:
    """A classifier that always says "benign": only the rules can fire beside it."""
    return np.tile(np.array([1.0, 0.0, 0.0, 0.0], np.float32), (len(texts), 1))


def test_check_safely_fails_closed() -> None:
    assert check_safely(None, "can MS cause sciatica?") == [CHECK_FAILED]
    checker = SafetyChecker(CrashingClassifier())
    # A message with a cue is read by the classifier: it crashes, the reply escalates.
    assert check_safely(checker, "My back aches when I sit. " * 40 + "I feel numb.") == [
        CHECK_FAILED]
    # What the classifier returns must be probabilities, one row per text.
    for bad in (lambda t: np.ones((len(t), 3)), lambda t: np.full((len(t), 4), np.nan),
                lambda t: np.ones((len(t) + 1, 4))):
        assert check_safely(SafetyChecker(bad), "my back hurts") == [CHECK_FAILED]
    assert check_safely(checker, None) == [CHECK_FAILED]  # type: ignore[arg-type]
    # A message with no cue costs no pass, so the broken classifier is never called.
    assert check_safely(checker, "is MS inherited?") == []
    assert check_safely(SafetyChecker(benign), "I can't pee")[0].rule == "cannot-pee"


def test_a_message_too_long_to_check_in_time_escalates_with_the_fail_closed_text() -> None:
    checker = SafetyChecker(CrashingClassifier(crash_after=99))
    message = "what helps spasticity? " * (MAX_CHECK_CHARS // 20)
    assert len(message) > MAX_CHECK_CHARS
    t = time.perf_counter()
    assert check_safely(checker, message) == [CHECK_FAILED]
    assert time.perf_counter() - t < 0.1


def test_a_checker_with_bad_thresholds_is_refused() -> None:
    with pytest.raises(ValueError, match="thresholds must name exactly"):
        SafetyChecker(benign, thresholds={"emergency": 0.5})


# -- the learned channel (real model, real training data) ------------------------------------


@pytest.fixture(scope="module")
def model(settings):
    """The classifier for the current data, in the session's index directory (copied from the
    shared cache when `make ingest` or an earlier run trained it, else trained once here)."""
    return ensure_model(settings, quiet=True)


@pytest.fixture(scope="module")
def counted(model) -> tuple[SafetyChecker, list[int]]:
    """A checker on the real classifier whose passes are counted."""
    counter = [0]

    def proba(texts: list[str]) -> np.ndarray:
        counter[0] += 1
        return model.proba(texts)

    return SafetyChecker(proba), counter


def test_training_data_is_labelled_and_kept_apart_from_dev_and_blind() -> None:
    examples = load_examples()
    assert len(examples) >= 2100
    assert {ex.level for ex in examples} == set(CLASSES)
    train = {ex.text.strip().lower() for ex in examples}
    s = sets()
    for name in ("dev", "blind"):
        overlap = [it.id for it in s[name] if it.text.strip().lower() in train]
        assert overlap == [], (name, overlap[:5])


def test_rule_tuning_pairs_are_labelled_kept_apart_and_not_trained_on() -> None:
    folder = Path(__file__).resolve().parents[1] / "bot" / "safety" / "data" / "rule_tuning"
    files = sorted(folder.glob("*.jsonl"))
    pairs = load_examples(files)
    assert len(pairs) >= 940 and {ex.level for ex in pairs} == set(CLASSES)
    for path in files:  # each pair: one flagged message and its benign twin
        by_pair: dict[int, list[str | None]] = {}
        for line in path.read_text("utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            row = json.loads(line)
            by_pair.setdefault(row["pair"], []).append(row["level"])
        assert all(len(v) == 2 and v.count(None) == 1 for v in by_pair.values()), path.name
    texts = {ex.text.strip().lower() for ex in pairs}
    assert not texts & {ex.text.strip().lower() for ex in load_examples()}
    s = sets()
    for name in ("dev", "blind"):
        assert [it.id for it in s[name] if it.text.strip().lower() in texts] == [], name


def test_the_classifier_is_keyed_by_base_model_data_and_settings() -> None:
    examples = load_examples()
    key = model_key("digest", examples, TrainSettings())
    assert key == model_key("digest", list(examples), TrainSettings())
    assert len({key, model_key("other", examples, TrainSettings()),
                model_key("digest", examples[:-1], TrainSettings()),
                model_key("digest", examples, TrainSettings(epochs=2))}) == 4
    assert DATA_DIR.is_dir() and len(training_files()) >= 3


@pytest.mark.slow
def test_the_classifier_is_trained_once_and_found_again(settings, model, tmp_path) -> None:
    target = settings.index_dir / FOLDER / model.key
    assert is_trained(target)
    record = json.loads((target / "safety.json").read_text("utf-8"))
    assert record["key"] == model.key and record["settings"] == dataclasses.asdict(
        TrainSettings())
    # A fresh index directory on the same machine takes the shared copy: no training.
    fresh = dataclasses.replace(settings, index_dir=tmp_path / "index")
    t = time.perf_counter()
    again = ensure_model(fresh, quiet=True)
    assert again.key == model.key and time.perf_counter() - t < 30
    texts = ["I can't pee since last night", "what is spasticity?"]
    assert np.allclose(again.proba(texts), model.proba(texts), atol=1e-5)
    assert np.allclose(model.proba(texts).sum(axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_training_is_deterministic(tmp_path, settings) -> None:
    from ingest.embed import extract_packaged_model

    few = load_examples()[:48]
    tiny = TrainSettings(epochs=1)
    base = extract_packaged_model(settings.cache_dir)
    logs = [train(base, few, tiny, tmp_path / name, progress=False) for name in ("a", "b")]
    assert logs[0] == logs[1]
    with np.load(tmp_path / "a" / "head.npz") as a, np.load(tmp_path / "b" / "head.npz") as b:
        assert np.array_equal(a["weight"], b["weight"])


@pytest.mark.slow
def test_a_shallower_classifier_keeps_the_first_layers(tmp_path, settings) -> None:
    from ingest.embed import extract_packaged_model

    base = extract_packaged_model(settings.cache_dir)
    train(base, load_examples()[:16], TrainSettings(epochs=1, layers=2), tmp_path / "m",
          progress=False)
    (tmp_path / "m" / "safety.json").write_text(json.dumps({"key": "k"}), "utf-8")
    shallow = SafetyModel.load(tmp_path / "m")
    assert len(shallow.encoder[0].auto_model.encoder.layer) == 2
    assert shallow.proba(["I can't pee"]).shape == (1, len(CLASSES))
    with pytest.raises(ValueError, match="layers"):
        train(base, load_examples()[:16], TrainSettings(layers=9), tmp_path / "x",
              progress=False)


@pytest.mark.slow
@pytest.mark.parametrize(("message", "level", "rule"), RED_FLAGS)
def test_check_escalates_to_the_right_level(counted, message, level, rule) -> None:
    checker, _ = counted
    flags = checker.check(message)
    # one flag per level: a rule of that level found it (the learned channel may add others)
    found = {f.level: f.rule for f in flags}
    assert found.get(level) in CATALOGUE


@pytest.mark.slow
def test_the_learned_channel_catches_wording_no_rule_knows(counted) -> None:
    checker, _ = counted
    for message, level in [("I've written letters to my kids in case I'm not here", "crisis"),
                           ("my feet keep slapping down and I'm tripping over nothing since "
                            "this morning, both sides", "emergency")]:
        assert match_phrases(message) == []
        flags = checker.check(message)
        assert [f.level for f in flags][:1] == [level], message
        assert flags[0].rule == f"learned:{level}"


@pytest.mark.slow
def test_the_learned_channel_reads_negation_and_time(counted) -> None:
    """What the linear head over the retrieval vector got wrong: these share words with red
    flags, and the fine-tuned classifier reads who, when and whether."""
    checker, _ = counted
    for message in ("no numbness in the saddle area, my bladder and bowels are normal, just a "
                    "grumbling lower back", "I can pee fine, it's just my lower back that hurts",
                    "I had a fever last month but I'm fine now, my back is stiff"):
        assert checker.check(message) == [], message


def test_the_learned_channel_never_lowers_what_a_rule_found() -> None:
    checker = SafetyChecker(benign)
    assert checker.check("I can't pee since last night")[0].rule == "cannot-pee"


@pytest.mark.slow
def test_knowledge_questions_are_vetoed_for_the_learned_channel(counted) -> None:
    checker, _ = counted
    for message in ("what are the warning signs of cauda equina?",
                    "what does a stroke look like?", "how do I know if I'm having a relapse?"):
        assert checker.check(message) == [], message


@pytest.mark.slow
def test_a_message_costs_at_most_one_classifier_pass(counted) -> None:
    checker, counter = counted
    for message in ("what helps spasticity?", "I can't pee", "My back aches. " * 30 +
                    "Since this morning I can't feel my legs."):
        before = counter[0]
        checker.check(message)
        assert counter[0] == before + 1
    before = counter[0]
    checker.check("is MS inherited?")  # no cue: nothing for the classifier to read
    assert counter[0] == before


@pytest.mark.slow
def test_a_red_flag_buried_in_a_long_message_is_found(counted) -> None:
    checker, counter = counted
    filler = "My back aches after gardening and I take my baclofen at night. "
    for tail, level in [(" Since this morning I can't pee.", "emergency"),
                        (" I've written letters to my kids in case I'm not here.", "crisis")]:
        repeats, pad = divmod(100_000 - len(tail), len(filler))
        message = filler * repeats + " " * pad + tail
        assert len(message) == 100_000
        before = counter[0]
        flags = checker.check(message)
        assert flags[0].level == level  # the most severe level comes first
        assert counter[0] <= before + 1  # the long tail: one batch of at most MAX_UNITS
    assert MAX_UNITS == 16 and COVER_CHARS == 500


@pytest.mark.slow
@pytest.mark.parametrize("message", WEIRD)
def test_weird_input_never_fails_the_check(counted, message) -> None:
    checker, _ = counted
    assert check_safely(checker, message) != [CHECK_FAILED]
    assert check_safely(checker, message + ". I can't pee")[0].rule == "cannot-pee"


@pytest.mark.slow
def test_dev_recall_and_false_escalation_hold(counted) -> None:
    """The figures the README states for dev; the blind set is reported, never asserted on
    item by item."""
    checker, _ = counted
    items = sets()["dev"]
    both, _, _, _ = run(checker, items)
    s = score(items, both)
    assert s.recall["emergency"] >= DEV_FLOOR["emergency"]
    assert s.recall["crisis"] >= DEV_FLOOR["crisis"]
    assert s.recall["urgent"] >= DEV_FLOOR["urgent"]
    assert s.false_escalation <= DEV_FLOOR["benign"]


# What dev gives today, recall rounded down and false escalation up: a change that loses
# recall or adds false alarms fails here.
DEV_FLOOR = {"emergency": 0.99, "crisis": 0.99, "urgent": 0.99, "benign": 0.12}


def test_the_padded_probe_sees_a_flag_that_fades_in_a_longer_message() -> None:
    """`evals.tune_safety.padded` reports a learned flag that holds only while it is most of
    the message: here a classifier that fires on "legs" in at most eight words."""

    def short_only(texts: list[str]) -> np.ndarray:
        rows = np.tile(np.array([1.0, 0.0, 0.0, 0.0], np.float32), (len(texts), 1))
        for i, t in enumerate(texts):
            if "legs" in t and len(t.split()) <= 8:
                rows[i] = 0.0
                rows[i, CLASSES.index("emergency")] = 1.0
        return rows

    items = [Item("a", "my legs feel strange", "emergency"), Item("b", "my back hurts", None)]
    assert padded(SafetyChecker(short_only), items) == (
        "flagged messages up to 200 characters, caught: as written 1/1, "
        "sentence in front 1/1, sentence behind 0/1")
    assert padded(SafetyChecker(benign), items).endswith("as written 0/1, "
                                                          "sentence in front 0/1, "
                                                          "sentence behind 0/1")


RUN_ON = ("i keep thinking about jumping off my balcony most nights and i have had ms for "
          "about ten years and i am on tecfidera which has been fine")


def windowed(level: str, p: float) -> Callable[[list[str]], np.ndarray]:
    """A classifier that finds `level` at `p` only in twelve words or fewer about a balcony."""

    def proba(texts: list[str]) -> np.ndarray:
        rows = np.tile(np.array([1.0, 0.0, 0.0, 0.0], np.float32), (len(texts), 1))
        for i, t in enumerate(texts):
            if "balcony" in t and len(t.split()) <= WINDOW_WORDS:
                rows[i] = (1 - p) / 3
                rows[i, CLASSES.index(level)] = p
        return rows

    return proba


def test_a_long_sentence_is_read_in_windows_for_crisis_only_and_at_the_bar() -> None:
    assert len(RUN_ON.split()) > WINDOW_WORDS * 1.5 and len(windows(RUN_ON)) >= 2
    assert SafetyChecker(windowed("crisis", 0.9)).scores(RUN_ON)["crisis"][0] == pytest.approx(
        0.9)
    below = (WINDOW_BAR + THRESHOLDS["crisis"]) / 2  # over the threshold, under the bar
    assert SafetyChecker(windowed("crisis", below)).scores(RUN_ON)["crisis"][0] < below
    for level in ("emergency", "urgent"):
        assert SafetyChecker(windowed(level, 0.99)).scores(RUN_ON)[level][0] < 0.5
    short = "i keep thinking about jumping off my balcony"  # a short sentence is read as it is
    assert windows(short) == []
    assert SafetyChecker(windowed("crisis", 0.9)).scores(short)["crisis"][0] == pytest.approx(
        0.9)


@pytest.mark.slow
def test_the_classifier_finds_a_crisis_run_on_into_an_ordinary_sentence(counted) -> None:
    """Read as one sentence this scored 0.25 (under the crisis threshold), in windows 0.99."""
    checker, _ = counted
    message = ("i keep picturing stepping in front of the bus on my way home my physio says my "
               "posture is bad and i sit at a desk all day for work")
    assert "crisis" in {f.level for f in checker.learned(normalize(message))}


def test_windows_are_bounded_like_sentences() -> None:
    seen: list[int] = []

    def proba(texts: list[str]) -> np.ndarray:
        seen.append(len(texts))
        return benign(texts)

    long_sentence = " ".join(["my back pain is bad today"] * 14) + "."
    SafetyChecker(proba).scores(normalize(" ".join([long_sentence] * 30)))
    assert seen and max(seen) <= 2 * MAX_UNITS  # sentences, then windows; no whole read
