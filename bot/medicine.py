"""Questions about changing one's own medicine get a fixed text, never a quote.

"Should I stop my Ocrevus because of back pain?" has no safe answer in five articles about
pain: any quote would read as advice to change a treatment. The bot answers every such
question with the same text, written here, and makes no claim.

Questions asking *how much* of a medicine to take ("how many mg of pregabalin is safe?",
"what's the maximum dose of baclofen?") get a fixed text too: the articles give no amounts,
and a quote near such a question ("NICE recommends … pregabalin") reads as a dose answer.
Questions about how dosing works in general ("do they start you on a big dose?") are
answered from the articles as usual.

Not here: red flags (`bot.safety`: a lethal-dose question shows the crisis lines first).
"""

from __future__ import annotations

import re

MEDICINE_CHANGE_TEXT = (
    "Please ask your MS team before changing any medicine. Stopping, starting, skipping or "
    "changing the dose of a medicine — including a disease-modifying treatment — can have "
    "effects that only the people who know your treatment can weigh up, so I can't advise "
    "on it. If a medicine is giving you side effects, tell them soon."
)

_CHANGE = (r"(?:stop|stopping|quit|quitting|come off|coming off|get off|go off|switch|switching|"
           r"change|changing|swap|reduce|reducing|lower|lowering|increase|increasing|double|"
           r"halve|skip|skipping|miss|pause|pausing|cut down|cut back|taper|wean|start|starting|"
           r"take more|take less|take extra)")
_MEDICINE = (r"(?:medicines?|medications?|meds|drugs?|tablets?|pills?|doses?|dosage|injections?|"
             r"infusions?|treatments?|therapy|dmts?|disease[- ]modifying\w*|ocrevus|ocrelizumab|"
             r"kesimpta|ofatumumab|tysabri|natalizumab|tecfidera|dimethyl fumarate|vumerity|"
             r"gilenya|fingolimod|mayzent|siponimod|zeposia|ponesimod|ponvory|aubagio|"
             r"teriflunomide|copaxone|glatiramer|avonex|rebif|betaferon|plegridy|interferon|"
             r"lemtrada|alemtuzumab|mavenclad|cladribine|rituximab|steroids?|prednisolone|"
             r"baclofen|tizanidine|gabapentin|pregabalin|lyrica|amitriptyline|duloxetine|"
             r"nortriptyline|carbamazepine|sativex|botox|fampridine|ampyra)")
DOSE_AMOUNT_TEXT = (
    "I can't tell you how much of a medicine to take: the articles give no doses, and the "
    "right amount depends on you and your other medicines. Please ask the doctor, nurse or "
    "pharmacist who prescribed it."
)

_ASKER = (r"(?:(?:should|can|could|shall|may|must|do|would|will) i|is it (?:ok|okay|safe|fine|"
          r"bad|wise|alright)(?: for me)? to|i (?:want|need|have|think i should|am going) to|"
          r"i'?m (?:thinking of|going to|planning to|tempted to)|am i allowed to)")
_OWN = re.compile(rf"\b{_ASKER}\b[^.?!]*?\b{_CHANGE}\b[^.?!]*?\b{_MEDICINE}\b", re.I)
_BARE = re.compile(rf"^\W*{_CHANGE}\s+(?:taking\s+)?(?:my\s+)?{_MEDICINE}\b", re.I)
_IT = re.compile(rf"\b{_ASKER}\b[^.?!]*?\b{_CHANGE}\b\s+(?:taking\s+)?(?:it|them|this|that|"
                 rf"these)\b", re.I)
_ANY_MEDICINE = re.compile(rf"\b{_MEDICINE}\b", re.I)
_UNITS = r"(?:mg|milligrams?|mcg|micrograms?|ml|tablets?|pills?|capsules?|doses?|puffs?)"
_AMOUNT = re.compile(
    rf"\bhow (?:many|much)\b[^.?!]*?(?:\b{_UNITS}\b|\b{_MEDICINE}\b[^.?!]*?\b(?:take|have|use)\b)"
    r"|\b(?:what|whats|what's|which)(?: is| are|'s)? (?:the |my |a )?(?:max(?:imum)?|safe|right"
    r"|correct|daily|recommended|highest|top) (?:daily )?dos(?:e|es|age)\b"
    r"|\b\d+ ?(?:mg|milligrams?|mcg)\b[^.?!]*\b(?:safe|too much|ok|okay|enough|max\w*)\b"
    r"|\b(?:is|are) \d+ ?(?:mg|milligrams?|mcg|tablets?|pills?)\b",
    re.I)


def asks_dose_amount(message: str) -> bool:
    """Does the message ask how much of a medicine to take?

    >>> [asks_dose_amount(m) for m in ["how many milligrams of pregabalin is safe to take?",
    ...  "what's the maximum dose of baclofen", "is 600mg of gabapentin too much?",
    ...  "do they start you on a big dose for nerve pain meds",
    ...  "how much exercise helps back pain?", "what medicines help spasticity"]]
    [True, True, True, False, False, False]
    """
    return bool(_AMOUNT.search(message))


def changes_own_medicine(message: str, earlier: str = "") -> bool:
    """Does the message ask whether to change one's own medicine? `earlier` is the message
    a follow-up refers to ("can I stop it suddenly?" after "What is baclofen?").

    >>> [changes_own_medicine(m) for m in ["should I stop my Ocrevus because of back pain",
    ...  "Can I stop taking baclofen now that my stiffness is better?",
    ...  "what medicines help spasticity", "can gabapentin help nerve pain?",
    ...  "should I stop running because of back pain",
    ...  "do they start you on a big dose for nerve pain meds"]]
    [True, True, False, False, False, False]
    >>> changes_own_medicine("can i stop it suddenly?", "What is baclofen?")
    True
    """
    if _OWN.search(message) or _BARE.search(message):
        return True
    return bool(earlier) and bool(_IT.search(message)) and bool(_ANY_MEDICINE.search(earlier))


def fixed_reply(message: str, earlier: str = "") -> str | None:
    """The fixed text a medicine question gets instead of quotes (changing one's own medicine,
    or how much of one to take), or None. `earlier` as in `changes_own_medicine`.

    >>> fixed_reply("should I stop my Ocrevus?") == MEDICINE_CHANGE_TEXT
    True
    >>> fixed_reply("what's the maximum dose of baclofen") == DOSE_AMOUNT_TEXT
    True
    >>> fixed_reply("what medicines help spasticity") is None
    True
    """
    if changes_own_medicine(message, earlier):
        return MEDICINE_CHANGE_TEXT
    if asks_dose_amount(message):
        return DOSE_AMOUNT_TEXT
    return None
