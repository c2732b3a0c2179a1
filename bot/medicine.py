"""Questions about changing one's own medicine get a fixed text, never a quote.

"Should I stop my Ocrevus because of back pain?" has no safe answer in five articles about
pain: any quote would read as advice to change a treatment. The bot answers every such
question with the same text, written here, and makes no claim.

Not here: red flags (`bot.safety`) and dose questions the articles do not cover, which the
ordinary "not covered" decision refuses (`bot.core`).
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
_ASKER = (r"(?:(?:should|can|could|shall|may|must|do|would|will) i|is it (?:ok|okay|safe|fine|"
          r"bad|wise|alright)(?: for me)? to|i (?:want|need|have|think i should|am going) to|"
          r"i'?m (?:thinking of|going to|planning to|tempted to)|am i allowed to)")
_OWN = re.compile(rf"\b{_ASKER}\b[^.?!]*?\b{_CHANGE}\b[^.?!]*?\b{_MEDICINE}\b", re.I)
_BARE = re.compile(rf"^\W*{_CHANGE}\s+(?:taking\s+)?(?:my\s+)?{_MEDICINE}\b", re.I)
_IT = re.compile(rf"\b{_ASKER}\b[^.?!]*?\b{_CHANGE}\b\s+(?:taking\s+)?(?:it|them|this|that|"
                 rf"these)\b", re.I)
_ANY_MEDICINE = re.compile(rf"\b{_MEDICINE}\b", re.I)


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
