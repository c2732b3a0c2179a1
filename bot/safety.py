"""Red-flag escalation and the fixed disclaimer.

Every user message is checked here before retrieval and independently of it. Two channels:

1. **Phrase rules** (`match_phrases`, pure): named regexes over a normalized copy of the whole
   message, written in the words people use ("wet myself", "numb down there", "end it all"),
   with common typos and inflections. A hit is dropped when a negation cue governs it in its
   own clause ("no numbness down there", "I don't have a fever"), when the clause says it is
   old, chronic or accidental (rule-specific `unless`), or, for emergency and urgent rules,
   when the sentence is a general knowledge question with no first person ("what is cauda
   equina?"). Negations that *are* the symptom ("I can't pee", "can't feel when I wipe") are
   part of the pattern, so they never cancel it. Crisis rules have no knowledge-question
   exemption: any mention of suicide shows the crisis lines, as search engines do.
2. **Embedding similarity** (`SafetyChecker`): cosine between the message (or its sentences)
   and about thirty lay exemplar messages (`EXEMPLARS`), with one threshold per level tuned on
   `evals/redflag_tuning.jsonl` (`python -m evals.tune_safety` prints the thresholds, recall
   and false-positive rate). It catches paraphrases the rules miss ("I've written a note for my
   family"), only looks for levels the rules did not already find, and never fires on a
   sentence with a negation cue or (below crisis) on a general knowledge question: a near
   neighbour of "I lost control of my bladder" is "I have no bladder problems", and the
   embedding cannot tell them apart. Exemplars that are mostly topic ("sciatica down both
   legs", "pain at night") were left out: the model matches them to ordinary back-pain talk.

Cost: a short single-sentence message reuses the caller's vector (one 384 x n matrix-vector
product). Multi-sentence messages are split and their sentences embedded, in one batch, only
when the whole-message vector comes within `PROBE_MARGIN` of a threshold, or when the message
is longer than the caller's vector covers (`COVER_CHARS`); at most `MAX_UNITS` sentences.

`check_safely` never raises: any failure, or no checker, escalates (fail closed).
Not here: how the reply is laid out (bot.core / bot.compose) and languages other than English.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bot.types import LEVELS

# ---------------------------------------------------------------------------------------------
# Fixed texts
# ---------------------------------------------------------------------------------------------

DISCLAIMER = (
    "This is educational information only, not medical advice or a diagnosis. "
    "Talk to your doctor or MS team about your own situation, and in an emergency call your "
    "local emergency number."
)

ESCALATION_TEXT: dict[str, str] = {
    "emergency": (
        "**Emergency: get medical help now.** What you describe can be a sign of a serious "
        "problem that needs treatment straight away. Call 911 (US), 999 (UK), 112 (EU) or your "
        "local emergency number, or go to the nearest emergency department now. Do not wait to "
        "see if it gets better."
    ),
    "crisis": (
        "**You are not alone: please talk to someone now.** If you are thinking about suicide "
        "or harming yourself, call or text 988 (Suicide & Crisis Lifeline, US), call Samaritans "
        "on 116 123 (UK, free, day or night), or call your local emergency number. If you are "
        "in danger right now, call 911 (US), 999 (UK) or 112 (EU)."
    ),
    "urgent": (
        "**Urgent: see a doctor today.** What you describe should be checked by a doctor today, "
        "not at your next routine appointment. Contact your doctor or MS team today; if you "
        "cannot reach them, use an urgent care service such as NHS 111 (UK). If it gets worse "
        "quickly, call your local emergency number."
    ),
}

FAIL_CLOSED_TEXT = (
    "**We could not check your message for warning signs.** To be safe: if you have sudden or "
    "severe symptoms, such as loss of bladder or bowel control, numbness between your legs, new "
    "weakness in both legs or signs of a stroke, call 911 (US), 999 (UK), 112 (EU) or your local "
    "emergency number, or go to the emergency department now. If you are thinking about suicide, "
    "call or text 988 (US) or call Samaritans on 116 123 (UK)."
)

_RANK = {level: i for i, level in enumerate(LEVELS)}  # emergency, crisis, urgent


@dataclass(frozen=True)
class RedFlag:
    """One escalation. `evidence` is for tests and debugging only: never log it."""

    level: str  # "emergency" | "crisis" | "urgent"
    rule: str  # phrase rule name, "similar:<exemplar>", or "check-failed"
    evidence: str


CHECK_FAILED = RedFlag("emergency", "check-failed", "")

# ---------------------------------------------------------------------------------------------
# Normalization: one lowercase copy that regexes (and the embedder) can always read
# ---------------------------------------------------------------------------------------------

_TAG = re.compile(r"<[^<>]{0,200}>")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")  # keeps "\n"
_FORMAT = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")  # zero-width
_APOSTROPHE = re.compile(r"[\u2018\u2019\u201b\u02bc\u00b4`\u2032]")
_SPACE = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r"\s*\n\s*")
_REPEAT = re.compile(r"(\w)\1{2,}")  # "bladdder" -> "bladder", "sooooo" -> "soo"


def normalize(message: str) -> str:
    """Lowercase text for matching: no tags, entities, control characters or lone surrogates.

    >>> normalize("I CAN\u2019T <b>pee</b>\\x00 &amp; bladdder\\ud800")
    "i can't pee & bladder"
    """
    text = _SURROGATE.sub(" ", message)
    text = html.unescape(_TAG.sub(" ", text))
    text = unicodedata.normalize("NFKC", text)
    text = _FORMAT.sub("", _CONTROL.sub(" ", text))
    text = _APOSTROPHE.sub("'", text.lower())
    text = _REPEAT.sub(r"\1\1", text)
    return _NEWLINES.sub("\n", _SPACE.sub(" ", text)).strip()


# ---------------------------------------------------------------------------------------------
# Phrase rules
# ---------------------------------------------------------------------------------------------


def _gap(n: int) -> str:
    """Up to `n` filler words ("my legs [just keep] giving way")."""
    return rf"(?:[\w']+,? ){{0,{n}}}"


CANT = (
    r"(?:can'?t|cannot|can not|cnt|could(?:n'?t| not)|(?:un|not |no longer |not even )able to"
    r"|can no longer)(?: even| really| properly| actually)?"
)
FEEL_NEG = (
    r"(?:can'?t|cannot|can not|cnt|couldn'?t|could not|don'?t|do not|didn'?t|did not|no longer"
    r"|not|barely|hardly|unable to)(?: even| really| properly| actually)?"
    r" (?:feel|felt|sense|notice|tell)"
)
PEE = (
    r"(?:pee|pea|wee|urinat\w*|piss|pass (?:urine|water)|go (?:for a )?(?:pee|wee)"
    r"|empty (?:my |the )?bladder|start (?:peeing|weeing|the flow))"
)
BLADDER = r"(?:blad+e?r|bladdr|bowels?|bowles)"
NUMB = (
    r"(?:numb\w*|numm\w*|numnes+|tingl\w*|pins and needles|dead|no (?:feeling|sensation)"
    r"|lost (?:all )?(?:the )?(?:feeling|sensation)|los(?:s|ing) (?:of )?(?:feeling|sensation)"
    r"|(?:reduced|less|little|strange|weird|odd) (?:feeling|sensation))"
)
AREA = (
    r"(?:down (?:there|below|under)|between (?:my|the|his|her|your) legs"
    r"|(?:my|the|his|her) (?:groin|genitals?|genital area|privates?|private (?:parts|area|bits)"
    r"|bits|crotch|bum|butt|buttocks?|backside|bottom|bum cheeks|anus|back passage|perineum"
    r"|vagina|vulva|penis|testicles|inner thighs|rear end|saddle(?: area)?)"
    r"|(?:the |my )?(?:groin|genital|crotch|buttock|bottom|bum|anal|private|saddle) (?:area|region)"
    r"|groin|genitals|crotch|buttocks|perineum)"
)
LEGS = r"(?:legs|leggs|legz)"
SCIATICA = r"(?:sciatica|sciatic\w*|siatica|sciatca|sciattica|schiatica|sciatia|shooting pains?)"
BACK = r"(?:back|spine|spinal|neck|tailbone|coccyx|lumbar|vertebra\w*|sciatica)"
PAIN = r"(?:pain\w*|ache\w*|aching|achy|achey|hurts?|hurting|sore|throbb\w*|sciatica|agony|back)"
DOUBLE = r"(?:doub?b?le|duble|dubble|dbl)"
WEIGHT = r"(?:(?:\d+ ?)?(?:weight|wieght|wight|pounds|lbs|kilos?|kgs?|stones?)|half a stone)"
SYMPTOM = (
    r"(?:numb\w*|tingl\w*|pins and needles|weak\w*|balance|dizz\w*|vertigo|vision|eyesight"
    r"|blurr\w*|walking|clums\w*|symptoms?|speech|swallowing|co-?ordination|tremor)"
)
_NUM = r"(?:\d+|one|two|three|four|five|six|seven|a few|several|a couple(?: of)?|couple of|a)"
DURATION = (
    r"(?:(?:for|over|in|since|lasting|lasted|been) (?:the )?(?:last |past )?"
    r"(?:more than |over |about |nearly |almost )?"
    r"(?:" + _NUM + r" (?:days?|weeks?)|24 ?(?:hours|hrs|h)|a day and a half"
    r"|(?:mon|tues|wednes|thurs|fri|satur|sun)day|yesterday|last week|the weekend)"
    r"|" + _NUM + r" days (?:now|ago|running|straight)"
    r"|(?:more|longer) than (?:24|twenty[- ]four) ?(?:hours|hrs|h)|(?:more|longer) than a day)"
)
FEVER = (
    r"(?:fever\w*|fevre|fevor|feaver|pyrexi\w*|(?:a|high|running a|got a|have a|had a|with a"
    r"|slight) (?:temp|temperature)|temperature of|temp of|(?:3[89]|4[01])(?:\.\d)? ?(?:c|degrees)"
    r"|10[0-4](?:\.\d)? ?(?:f|degrees)|(?:temp|temperature) (?:is|of|was|reading|has been"
    r"|went up to|hit) (?:about |over |nearly )?(?:3[89]|4[01]|10[0-4])"
    r"|chills|shiver\w*|shakes and|rigou?rs|night sweats"
    r"|sweats at night|sweating (?:at night|buckets)|sweats and|hot and cold|burning up"
    r"|(?:boiling|hot) (?:hot )?(?:then|and then|one minute and) (?:freezing|cold))"
)
CANCER = (
    r"(?:canc[ae]r\w*|cancor|tumou?rs?|lymphoma|leuk(?:a|ae)?emia|myeloma|melanoma|carcinoma"
    r"|sarcoma|malignan\w*|metasta\w*|chemo(?:therapy)?|radiotherapy|oncolog\w*)"
)
WORSE = (
    r"(?:worse|worsening|weaker|flar\w*|playing up|deteriorat\w*|relaps\w*|gone downhill"
    r"|harder to walk|can'?t walk)"
)

# `unless` patterns: a clause that says the hit is old, chronic, accidental or an MS medicine.
OLD = (
    r"(?:\d+|a few|two|three|four|five|six|several|many|ten|twenty) (?:years?|months?) ago"
    r"|last (?:year|month|summer|winter|spring|autumn)|years ago|in (?:19|20)\d\d"
    r"|as a (?:child|kid|teen\w*)|when i was (?:young|younger|a child|little|a kid)"
    r"|fine now|recovered|better now|used to|long time ago|a while ago|ages ago"
    r"|in my (?:teens|twenties|thirties|forties|fifties|sixties|[1-6]0'?s)"
)
CHRONIC = (
    r"for (?:years|ages|a long time|months|decades)|since (?:my )?diagnos\w*|always"
    r"|(?<!than )usual(?:ly)?|normal for me|every (?:summer|evening)"
    r"|when (?:i'?m |it'?s |i am |it is )?(?:hot|tired|warm)|in the heat"
    r"|after (?:a |my )?(?:walk|exercise|gym|shower|bath|workout|long day)"
    r"|by the end of the day|on and off"
)
ACCIDENT = (
    r"accident\w*|by mistake|cooking|shaving|chopping|gardening|lifting|in the kitchen"
    r"|on (?:a|the) (?:glass|knife|tin|can|paper|oven|stove|iron|kettle|pan|grill|radiator)"
    r"|ironing|oven|kettle|hot water|at (?:the )?gym|exercis\w*|playing|fell|fall"
)
MS_MEDICINE = (
    r"(?:for|of|with) (?:my )?ms|copaxone|glatiramer|interferon|avonex|rebif|betaferon|betaseron"
    r"|plegridy|kesimpta|ofatumumab|dmt|disease[- ]modifying|insulin|prescribed|b12|botox"
    r"|medication"
)


@dataclass(frozen=True)
class Rule:
    """A named red-flag pattern.

    `requires`: a second pattern that must also occur, not negated, within `near` characters
    (fever *and* back pain). `unless`: a pattern that voids the hit when found in its clause.
    """

    name: str
    level: str
    pattern: re.Pattern[str]
    requires: re.Pattern[str] | None = None
    near: int = 300
    unless: re.Pattern[str] | None = None


def _rule(name: str, level: str, *alternatives: str, requires: str | None = None,
          near: int = 300, unless: str | None = None) -> Rule:
    def word(p: str) -> re.Pattern[str]:
        return re.compile(r"\b(?:" + p + r")\b")

    return Rule(name, level, word("|".join(alternatives)),
                word(requires) if requires else None, near, word(unless) if unless else None)


RULES: tuple[Rule, ...] = (
    # -- emergency: cauda equina (bladder, bowel, saddle), both legs, trauma, stroke ----------
    _rule("wet-or-soiled-myself", "emergency",
          r"(?:wet|wetting|wetted|peed|pee'?d|peeing|pissed|pissing|weed|weeing|soaked)"
          r" (?:my ?self|myslef|meself|my (?:pants|trousers|knickers|underwear|bed|jeans"
          r"|clothes))",
          r"wet (?:the|my) bed",
          r"(?:pants|trousers|knickers|underwear|bed|clothes|jeans) (?:are|were|is|was|got)"
          r" (?:all )?(?:wet|soaked|soiled)",
          r"(?:pooed|pooped|pooping|pooing|soiled|soiling|shat|shit|shitting|messed|messing)"
          r" (?:my ?self|my (?:pants|trousers|knickers|underwear|bed))",
          r"leak\w* (?:poo|poop|stool|faeces|feces|urine|wee|pee)",
          r"(?:urine|wee|pee|poo|poop) (?:just |keeps? )?(?:leak\w*|com\w* out|pour\w* out"
          r"|dribbl\w*)",
          r"dribbl\w* (?:urine|wee|pee)",
          r"(?:having|had|keep having|kept having) (?:\w+ )?accidents"
          r"|accidents? (?:with|from) (?:my )?(?:bladder|bowels?)|(?:bladder|bowel) accidents?",
          unless=r"sneez\w*|cough\w*|laugh\w*|jump\w*|trampoline"),
    _rule("bladder-bowel-control-lost", "emergency",
          r"(?:lost|losing|lose|loss of|no|no longer have) (?:any |all )?(?:the )?"
          r"(?:control (?:of|over) |control |feeling in )(?:my |the |his |her )?"
          r"(?:" + BLADDER + r"|wee|pee|urine|poo|poop|bowel movements)",
          CANT + r" (?:control|feel) (?:my |the |his |her )?" + BLADDER,
          r"(?:lost|losing|lose|loss of|no) (?:my |all |any )?" + BLADDER + r" control",
          r"(?:lost|losing|lose|loss of|no) (?:the )?(?:ability|power) to (?:hold|control)"
          r" (?:my |in )?(?:pee|wee|urine|bladder|bowels?|poo|poop|it)",
          BLADDER + r" (?:control )?(?:has |have |is |are |just )?(?:gone|went|given up|gave up"
          r"|stopped working|not working|packed up|failed|let go)",
          r"(?:sudden\w*|new|just|started|become|became|now) " + _gap(2) + r"incontinen\w*"),
    _rule("cannot-pee", "emergency",
          CANT + " " + PEE + r"(?! without| with(?:out)? (?:it )?(?:burning|stinging|pain))",
          r"(?:have ?n'?t|havent|havn'?t|have not|not) (?:been able to (?:pee|wee|urinate|go)"
          r"|peed|pee'?d|weed|wee'?d|urinated|passed (?:urine|water)|had a (?:pee|wee)"
          r"|been for a (?:pee|wee))",
          r"nothing (?:comes|is coming|came|will come) out when i (?:try to )?(?:pee|wee|go)",
          r"(?:need|want|try|trying|tried) " + _gap(2) + r"(?:pee|wee)\w* but nothing"
          r" (?:comes|will come|is coming|came)",
          r"no (?:pee|urine|wee) (?:is )?coming out", r"urinary retention", r"retaining urine"),
    _rule("bladder-full-nothing-out", "emergency",
          r"(?:" + CANT + r"|nothing will|it won'?t) (?:get|push|squeeze|let|come) (?:anything |any"
          r" |it |much |a drop )?out",
          requires=r"blad+e?r|pee|wee|urin\w*|toilet|loo", near=120),
    _rule("cannot-feel-toilet", "emergency",
          FEEL_NEG + " " + _gap(4) + r"(?:wip\w*|toilet paper|loo roll|tissue|toilet seat"
          r"|loo seat)",
          NUMB + " " + _gap(3) + r"when (?:i )?wip\w*",
          FEEL_NEG + r" (?:when|if|that) i (?:need|have|want|'?m going|am going) (?:to )?"
          r"(?:a )?(?:pee|wee|poo|poop|go)",
          FEEL_NEG + r" (?:my ?self|it) (?:peeing|weeing|pooing|coming out)",
          r"(?:" + NUMB + "|" + FEEL_NEG + r" (?:anything|a thing|much)) " + _gap(3)
          + r"(?:when|while|as) i (?:go to|use|sit on|am on|'?m on) (?:the )?(?:toilet|loo"
          r"|bathroom|lavatory)"),
    _rule("saddle-numbness", "emergency",
          NUMB + " " + _gap(4) + r"(?:in |around |round |on |of )?" + AREA,
          AREA + " " + _gap(3) + r"(?:is|are|feels?|felt|has|have|went|gone|going|got|get"
          r"|getting|seems?) " + _gap(2) + NUMB,
          FEEL_NEG + r" (?:anything |much |it |a thing )?"
          r"(?:(?!numb|tingl|pain|problem|issue|sensation)[\w']+ ){0,2}" + AREA,
          r"saddle (?:area|region|numb\w*|an(?:a|ae|e)sth\w*|tingl\w*|sensation|feeling)",
          NUMB + " " + _gap(3) + r"saddle",
          r"cau?da equin\w*|corda equina"),
    _rule("both-legs-weak-or-numb", "emergency",
          r"both (?:of )?(?:my |his |her |the )?(?:legs?|leggs|feet|lower limbs|thighs) "
          + _gap(5) + r"(?:weak\w*|numb\w*|tingl\w*|dead|paraly[sz]\w*|giving (?:way|out)"
          r"|gave (?:way|out)|buckl\w*|collaps\w*|not working|stopped working"
          r"|won'?t (?:move|work|hold))",
          r"(?:weak\w*|numb\w*|numnes+|tingl\w*|paraly[sz]\w*|pins and needles|no feeling"
          r"|lost (?:the )?feeling) " + _gap(3) + r"(?:in |down |of )?both (?:of )?"
          r"(?:my |his |her |the )?(?:legs?|leggs|feet|sides)",
          unless=CHRONIC),
    _rule("legs-giving-way", "emergency",
          LEGS + " " + _gap(4) + r"(?:giving|gave|give|gives|went|gone|going|turned|turning"
          r"|keep) (?:way|out|from under\w*|to jelly|underneath)",
          LEGS + " " + _gap(2) + r"(?:like |to )jelly",
          LEGS + " " + _gap(2) + r"(?:buckl\w*|collaps\w*|crumpl\w*)",
          LEGS + " " + _gap(2) + r"(?:won'?t|wont|can'?t|cannot|don'?t|do not|will not)"
          r" (?:hold|support|carry|take) (?:me|my weight|him|her)",
          r"(?:" + CANT + r"|can barely|can hardly|barely|hardly) (?:feel|move|lift|use)"
          r" (?:either (?:of )?(?:my |his |her )?legs?|both (?:of )?(?:my |his |her )?legs"
          r"|(?:my |his |her )?" + LEGS + ")",
          CANT + r" (?:walk|stand)(?: up)?(?: at all| anymore| any more| properly since| since"
          r"| today| this morning)",
          r"sudden\w* " + _gap(2) + CANT + r" (?:walk|stand|move my legs)",
          r"(?:can|could) (?:barely|hardly) (?:walk|stand)(?: now| at all| anymore| today"
          r"| since)",
          LEGS + r"\b[^.!?\n]{0,60}" + CANT + r" (?:stand|walk|move)(?: up)?"
          r"(?= *(?:$|[.,!?;]|now|at all|anymore|any more|today))",
          r"(?:sudden\w*|new|getting worse|worsening|rapidly) " + _gap(3) + r"(?:weak|numb)\w* "
          + _gap(3) + r"(?:in )?(?:my |his |her |the |both )?" + LEGS,
          LEGS + " " + _gap(3) + r"(?:weak|numb)\w* " + _gap(4) + r"(?:sudden\w*|getting worse"
          r"|by the (?:hour|minute)|every hour|rapidly|quickly"
          r"|worse and worse|worse every|since (?:this morning|yesterday|last night|today|i woke)"
          r"|today)",
          r"(?:numb|paraly[sz]ed|dead) " + _gap(2) + r"from the (?:waist|hips?|chest|belly button)"
          r" down",
          r"(?:lost|no) (?:all )?(?:feeling|sensation|movement) (?:in|from) (?:my |the )?"
          r"(?:legs|waist down|hips down)",
          unless=CHRONIC),
    _rule("sciatica-both-legs", "emergency",
          SCIATICA + " " + _gap(4) + r"(?:in |down |into |on |through |to |going down )?both "
          r"(?:my |of my |the )?(?:legs?|leggs|sides|thighs|buttocks|hips)",
          r"both (?:my )?(?:legs|sides) " + _gap(4) + SCIATICA,
          r"(?:bilateral|double) " + SCIATICA,
          SCIATICA + " " + _gap(4) + r"(?:spread|spreading|moved|moving|gone|going|went|is now"
          r"|now) " + _gap(2) + r"(?:to |into |down )?(?:the other|my other)"),
    _rule("pain-down-both-legs", "emergency",
          r"(?:pain\w*|going|goes|shoot\w*|radiat\w*|travel\w*|spread\w*|burning) " + _gap(2)
          + r"(?:down |into |in )both (?:my |of my )?(?:legs|leggs|buttocks|thighs)",
          requires=SCIATICA),
    _rule("fall-or-accident-back-pain", "emergency",
          r"fell(?! asleep| in love| for| behind| apart| ill| pregnant| short| through| out)",
          r"fallen (?:down|over|off|from|on)|falling (?:down|off|from)",
          r"(?:tumbled|tumbling) (?:down|off|over)",
          r"came off (?:my|a|the) (?:[\w']+ )?(?:bike|motorbike|motorcycle|horse|bicycle|scooter"
          r"|ladder)",
          r"(?:had|took) (?:a|an) (?:[\w']+ )?(?:fall|tumble)",
          r"(?:bad|nasty|serious|big|hard|heavy) fall",
          r"(?:slipped|tripped|stumbled) (?:on|over|and|down|off)",
          r"(?:car|road|traffic|motorbike|motorcycle|bike|cycling|riding|skiing|sports?|rugby|work"
          r"|motorway) (?:acc?[ie]d[ea]nt|crash|collision|smash)",
          r"crashed (?:my|the|into|on)",
          r"(?:was|been|had|got) in (?:a|an) (?:[\w']+ )?(?:crash|acc?[ie]d[ea]nt|collision"
          r"|pile[- ]?up)",
          r"(?:hit|knocked (?:off|down|over)) by (?:a|an|the) (?:car|bus|van|lorry|truck|bike"
          r"|cyclist|motorbike)",
          r"knocked off (?:my|a) (?:bike|motorbike|horse)", r"whiplash", r"rear[- ]?ended",
          r"landed (?:hard )?on my (?:back|bum|bottom|tailbone|coccyx)",
          requires=BACK, unless=OLD),
    _rule("stroke-signs", "emergency",
          r"face " + _gap(3) + r"(?:droop\w*|drop\w*|sag\w*|lopsided|fallen|slid\w*)",
          r"(?:droop\w*|dropped|saggy|sagging|lopsided) " + _gap(2) + r"(?:face|mouth|smile"
          r"|side of (?:my|his|her) face)",
          r"(?:slur\w*|slurry) " + _gap(1) + r"(?:speech|words|talking|voice)",
          r"(?:speech|talking|words|voice) " + _gap(2) + r"(?:slurr?ed|slurring|garbled|jumbled"
          r"|muddled|gibberish|coming out wrong|not making sense)",
          CANT + r" (?:speak|talk|get (?:my |his |her |the )?words out"
          r"|find (?:my |his |her |the )?words|smile properly|lift (?:my|his|her|one) arm"
          r"|raise (?:my|his|her|one) arm)",
          r"(?:having|have|i'?ve had|just had|think (?:i'?m|im|i am|he'?s|she'?s|it'?s|i had"
          r"|he had|she had)|could this be|is this|am i having|is (?:he|she) having)"
          r" (?:an? )?(?:mini[- ]?)?(?:stroke|tia)",
          r"stroke (?:symptoms|signs)|signs of (?:a )?stroke",
          r"(?:is|'s|are|'re|am|'m|keeps?|started|been) slurr\w*",
          unless=OLD),
    # -- crisis: no knowledge-question exemption ---------------------------------------------
    _rule("arm-weak-with-face-or-speech", "emergency",
          r"(?:arm|hand) (?:has |have |is |just )?(?:gone|went|going|is|feels?|turned) (?:all )?"
          r"(?:floppy|limp|dead|weak|heavy|useless|numb)",
          requires=r"face|speech|slurr\w*|words|talk\w*|speak\w*|mouth|smile", near=150,
          unless=OLD),
    _rule("suicide", "crisis",
          r"su+i+c+i+d\w*|suicdal|sucid\w*|suiced\w*|suisid\w*|suiside\w*|suicde|suacid\w*"
          r"|sewer ?slide|unalive\w*"),
    _rule("kill-myself", "crisis",
          r"(?:kill|kil|kll|killing|killed|murder) (?:my ?self|myslef|meself|me self)", r"kms",
          r"(?:end|ending|ended) (?:it all|it|my (?:own )?life|everything|things)(?! with)",
          r"(?:take|taking|took) my (?:own )?life", r"(?:off|top) myself",
          r"(?:hang|hanging|drown|drowning|shoot|shooting|gas) my ?self",
          r"jump\w* (?:off|in front of|from) (?:a|the) (?:bridge|train|building|roof|cliff"
          r"|tower|car park)"),
    _rule("wish-to-die", "crisis",
          r"(?:want|wanna|wish|wishing|would like|ready|prefer|longing) " + _gap(3) + r"(?:to )?"
          r"(?:die(?! down| off| out)|be dead|not be here|not exist|not be alive"
          r"|disappear\w*|be gone forever|not wake up|never wake up)",
          r"wish (?:i|that i) (?:was|were|wasn'?t|weren'?t|had never been|could) (?:dead|alive"
          r"|here|born|around|die|disappear)",
          r"better off (?:dead|without me|if i (?:was|were|wasn'?t|weren'?t) (?:gone|dead|here"
          r"|around|alive))",
          r"(?:happier|easier|better|fine|cope|manage) " + _gap(2) + r"without me",
          r"(?:easier|better|happier|simpler)(?: off)? (?:for [\w']+ )?if i (?:just )?"
          r"(?:wasn'?t|weren'?t|was not|were not) (?:here|around|alive)",
          r"(?:easier|better|happier|simpler)(?: off)? (?:for [\w']+ )?if i (?:just )?"
          r"(?:was|were) (?:gone|dead)|(?:easier|better|happier|simpler)(?: off)? (?:for [\w']+ )?"
          r"if i (?:just )?(?:died|killed myself|disappeared)",
          r"(?:no ?one|nobody|noone) (?:would|will|'?d) (?:even )?(?:miss|notice|care"
          r"|mind)(?: me| if i)",
          r"(?:don'?t|dont|do not|no longer|never) (?:want|wish|wanna) to (?:live|be alive"
          r"|be here|be around|be in this world|exist|go on|carry on|wake up)",
          r"life (?:is|feels|seems) (?:so |completely |totally )?pointless",
          r"(?:no|not any|(?:don'?t|dont|can'?t|cannot) see (?:any|a|the)|lost (?:any |all )?"
          r"(?:the )?) ?(?:point|reason) (?:in |to |of |for )?(?:living|go on|going on"
          r"|keep living|keep going|carrying on|carry on|being alive|being here|life|live"
          r"|staying alive|stay alive|anything anymore|anymore|any more)",
          r"life(?:'s| is)? (?:not|isn'?t|no longer|aint|ain'?t) worth (?:living|it)",
          r"what'?s the point (?:of|in) (?:living|life|going on|carrying on|being alive"
          r"|anything)",
          CANT + r" (?:go on|carry on|keep going|do this) (?:like this|anymore|any more|living)",
          r"(?:don'?t|dont|do not) think i can (?:keep going|go on|carry on|cope)"
          r"|" + CANT + r" (?:keep going|go on|carry on)(?= *(?:$|[.,!?;]))",
          r"(?:sleep|go to sleep) and (?:never|not) wake up",
          CANT + r" cope (?:with )?(?:living|life|being alive)",
          CANT + r" cope (?:anymore|any more)",
          r"(?:tired|sick) of (?:living|being alive|life)",
          r"giv\w* up on (?:life|living|everything)",
          r"nothing (?:left )?to live for|no (?:reason|one|point) (?:left )?to live for",
          r"do something (?:stupid |silly |drastic )?to my ?self"
          r"|(?:might|going to|gonna|could|will) do something (?:stupid|silly|drastic)",
          r"(?:had|'?ve had) enough of (?:life|living|everything)",
          r"(?:i'?m|i am|feel like|feel) (?:just |such )?(?:a )?(?:[\w']+ )?burden",
          r"burden (?:to|on) (?:everyone|my family|them|everybody|my kids|my partner)",
          r"want (?:it|this|everything) (?:all )?to (?:be over|end|stop) (?:for good|forever"
          r"|permanently)",
          r"want (?:it|everything) (?:all )?to be over",
          r"giv\w* (?:away )?(?:all )?(?:my|away my) (?:things|stuff|possessions|belongings)",
          r"goodbye (?:letters?|notes?)|suicide notes?",
          r"sa(?:y|ying|id) goodbye to (?:everyone|people|my family|everybody)"),
    _rule("self-harm", "crisis",
          r"self[- ]?harm\w*|self[- ]?injur\w*|self[- ]?mutilat\w*",
          r"(?:harm|harming|harmed) (?:my ?self|myself)",
          r"(?:cut|cutting|slit|slitting|burn|burning|burned|burnt) (?:my ?self|myself"
          r"|my wrists?)",
          r"(?:hurt|hurting|punish|punishing|starve|starving)"
          r" (?:my ?self|myself) (?:on purpose|deliberately|intentionally|again|to cope|to feel"
          r"|because)",
          r"(?:want|urge|going|thinking about|think about|thought about|thoughts? (?:of|about))"
          r" (?:to )?(?:hurt|harm|cut|burn|hurting|harming|cutting) my ?self",
          unless=ACCIDENT),
    _rule("overdose", "crisis",
          r"overdos\w*", r"od (?:on|with)",
          r"(?:take|taking|took|swallow\w*|down|downing) (?:all|a load|loads|a bunch|a handful"
          r"|handfuls|lots|the whole (?:box|packet|pack|bottle)|every one) (?:of )?"
          r"(?:my |the |these |those )?(?:pills|tablets|meds|medications?|painkillers|gabapentin"
          r"|pregabalin|baclofen|co-?codamol|paracetamol|tramadol|codeine|morphine)"
          r" (?:at once|in one go|together|tonight|and (?:die|end|never))",
          r"stockpil\w*",
          r"(?:saving|saved|hoarding|hoarded) (?:up )?(?:my )?(?:pills|tablets|meds)"),
    # -- urgent ---------------------------------------------------------------------------------
    _rule("fever-with-back-pain", "urgent", FEVER, requires=BACK),
    _rule("unexplained-weight-loss", "urgent",
          r"(?:los(?:t|ing|e)|dropp(?:ed|ing)|drop|shed|shedding) " + _gap(3) + WEIGHT
          + r"(?: [\w']+){0,6}? (?:without (?:trying|meaning to|dieting|a diet|reason"
          r"|explanation|even trying)|not (?:trying|dieting|on a diet)|for no (?:apparent "
          r"|obvious )?reason|(?:and )?(?:i )?(?:don'?t|do not|dont) know why"
          r"|(?:i )?can'?t explain)",
          r"(?:unexplained|unintentional|unintended|unexplainable|mystery|inexplicable"
          r"|unexpected) (?:loss of )?" + WEIGHT + r"(?: ?loss)?",
          r"weight ?loss " + _gap(2) + r"(?:without|for no|i can'?t explain|unexplained"
          r"|i cannot explain)",
          WEIGHT + r" (?:is |has been |keeps |just )?(?:dropping|falling|coming|melting|dropped"
          r"|fallen) off"),
    _rule("cancer-history-back-pain", "urgent", CANCER, requires=BACK, near=400),
    _rule("pain-worse-at-night", "urgent",
          r"(?:worse|worst|bad|terrible|unbearable|awful|agony|intense|excruciating|horrendous"
          r"|so bad) " + _gap(2) + r"(?:at|in the|during the|through the) night",
          r"night[- ]?time (?:back )?pain|night pain",
          r"(?:wakes?|waking|woke|keeps?|keeping|kept) me (?:up|awake)",
          r"(?:woken|wake|waking|woke) " + _gap(2) + r"(?:by|with|from|because of) (?:the |my )?"
          r"(?:[\w']+ )?(?:pain|ache|agony)",
          r"(?:worse|worst) (?:when )?(?:lying|laying) (?:down|flat|in bed|still)",
          r"(?:worse|worst) when i (?:lie|lay) (?:down|flat|in bed|still)",
          r"(?:aches?|hurts?|pain\w*|throbs?|sore|agony) " + _gap(2) + r"(?:all|every|through the"
          r"|the whole) night",
          r"at night " + _gap(3) + r"(?:worse|worst|unbearable|agony|so bad|terrible)",
          requires=PAIN, near=120,
          unless=r"spasm\w*|cramp\w*|restless|bladder|pee|wee|toilet|loo|nocturia|jerk\w*"
          r"|twitch\w*|kick\w*"),
    _rule("injecting-drugs", "urgent",
          r"inject\w* " + _gap(2) + r"(?:drugs|heroin|meth\w*|speed|cocaine|coke|crack|smack"
          r"|gear|steroids)",
          r"iv drugs?|ivdu|intravenous (?:drug|heroin)\w*",
          r"(?:shoot|shooting|shot|shoots) up (?:heroin|drugs|gear|smack|meth)",
          r"shar\w* needles|(?:dirty|used|shared) needles|heroin",
          requires=r"back|spine|spinal|neck|pain\w*|fever|ache\w*|hurt\w*", near=400,
          unless=MS_MEDICINE + "|" + OLD),
    _rule("possible-relapse", "urgent",
          r"(?:having|have|had|in|going through|got|started|starting"
          r"|think (?:i'?m|im|i am|it'?s|this is)(?: having)?) (?:an? |another |my )?(?:ms )?"
          r"(?:relapse|exacerbation|ms attack|ms flare(?:[- ]?up)?|flare[- ]?up)",
          r"relapsing(?! remitting|-remitting)",
          r"(?:ms|my ms) (?:is )?(?:flaring|flared)|(?:new|fresh) relapse",
          unless=r"last|previous|past|years ago|scared|afraid|worried about|fear|prevent|avoid"
          r"|after (?:a|my|the)|during|if i|sciatica|back pain|pain flare"),
    _rule("new-symptoms-over-24h", "urgent",
          SYMPTOM + r"(?: \S+){0,10}? " + DURATION,
          DURATION + r"(?: \S+){0,10}? " + SYMPTOM,
          r"(?:old|previous|past|usual)? ?(?:ms )?" + SYMPTOM + " " + _gap(3)
          + r"(?:came back|come back|coming back|returned|returning|are back|is back"
          r"|back again)",
          unless=OLD + "|" + CHRONIC),
    _rule("vision-loss-or-double-vision", "urgent",
          DOUBLE + r" (?:vision|vison|visoin|sight|images?)",
          r"seeing (?:double|two of everything|things double|two of things)|diplopia",
          r"seeing (?:everything|things) (?:twice|double|in two)|(?:2|two) of everything",
          r"(?:everything|things) (?:looks?|is|are|appears?|seems?) double",
          r"(?:lost|losing|lose|loss of) " + _gap(2) + r"(?:vision|sight|eyesight)",
          r"(?:went|gone|going|am|'?m) blind",
          r"blind(?:ness)? in (?:one|my [\w']+|the [\w']+) eye",
          CANT + r" see " + _gap(2) + r"(?:out of|with|from|in) (?:my|one|the) (?:[\w']+ )?eye",
          r"(?:vision|sight|eyesight) (?:in (?:my|one|the) (?:[\w']+ )?eye )?" + _gap(2)
          + r"(?:went|gone|going|has gone|suddenly|turned) (?:[\w']+ )?(?:black|dark|blurr\w*"
          r"|grey|gray|dim|cloudy|foggy|misty|washed out)",
          r"sudden\w* " + _gap(2) + r"(?:blurr\w*|lost|dim|dark|loss of|foggy) (?:[\w']+ )?"
          r"(?:vision|sight|eyesight)",
          r"blurr\w* " + _gap(2) + r"(?:in|of|out of) (?:one|my (?:left|right)|the (?:left"
          r"|right)) eye",
          r"(?:pain|hurts?|painful|ache\w*|sore) " + _gap(3) + r"(?:mov\w*|look\w* (?:around"
          r"|sideways|to the side)) (?:my |the )?eyes?",
          r"eyes? (?:has |have )?(?:went|gone|going|turned) (?:all )?(?:blurr\w*|dark|dim|cloudy"
          r"|foggy|misty|black|grey|gray)",
          r"eyes? " + _gap(6) + r"(?:hurts?|pain\w*|painful|sore) " + _gap(3) + r"(?:mov\w*"
          r"|look\w* (?:around|sideways|to the side|up|left|right))",
          r"optic neuritis"),
    _rule("urine-infection-ms-worse", "urgent",
          r"(?:burn\w*|sting\w*|hurts?|pain\w*|sore|painful) " + _gap(3) + r"(?:when|while|as"
          r"|after|to) (?:i )?(?:pee|wee|urinat\w*|piss|peeing|weeing|pass (?:urine|water)"
          r"|go to the (?:toilet|loo))",
          r"(?:pee|wee|urinat\w*|peeing|weeing) " + _gap(3) + r"(?:burn\w*|sting\w*|hurts?"
          r"|painful)",
          r"utis?|(?:urine|urinary(?: tract)?|bladder|water|kidney) infection|cystitis",
          r"(?:pee|urine|wee) (?:is |smells|looks )?(?:cloudy|smelly|bloody)"
          r"|cloudy (?:pee|urine|wee)",
          requires=WORSE),
)

# A negation cue within the last few words of a hit's clause cancels it ("I have no bladder
# problems"); a few look-alikes are not negations of the symptom ("no longer", "don't know").
_NEGATION = re.compile(
    r"\b(?:no|not|never|without|nor|neither|none|deny|denies|denied|free of|absence of"
    r"|negative for|ruled out|(?:is|are|was|were|do|does|did|have|has|had|wo|would|should)n'?t"
    r"|dont|doesnt|didnt|havent|hasnt|hadnt|isnt|arent|wasnt|werent|wont|wouldnt)\b"
)
_NOT_NEGATION = re.compile(
    r"\b(?:no longer|not sure|not certain|no idea|(?:do|did)n'?t know|dont know|not only"
    r"|not just|not even|no reason|no warning|no explanation|without (?:any )?(?:warning"
    r"|reason|notice|realis\w*|realiz\w*|notic\w*|trying|explanation|meaning))\b"
    r"|\bnever (?:felt|been|had|known) (?:anything like|this|so|such|like)\b"
    r"|\b(?:did|do)n'?t (?:notice|realis\w*|realiz\w*|feel|know)"
    r"(?= (?:that|i|i'd|i'm|i've|i had)\b)"
)
NEGATION_WINDOW = 5  # words before the hit, within its clause
_BOUNDARY = re.compile(
    r"[.!?;:\n]|\b(?:but|however|although|though|yet|except|whereas|while|because|cos|so|until"
    r"|and then|then)\b"
    r"|,\s*(?:and |but )?(?=(?:i|i'm|im|i've|ive|my|me|it|it's|now|then|today|yesterday"
    r"|suddenly|this|he|she|they)\b)"
    r"|\band (?=(?:i|i'm|im|i've|my|now|then|today|suddenly)\b)"
)
_SENTENCE_END = re.compile(r"[.!?\n]")
_QUESTION_START = re.compile(
    r"(?:what|what's|whats|how|why|which|who|is|are|can|could|does|do|should|will|would"
    r"|tell me|explain|define)\s"
)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|ive|i'd|i'll|me|my|myself|mine)\b")


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the clause around text[start:end] (punctuation, "but", ", I ...")."""
    lo = max(0, start - 200)
    left = lo
    for m in _BOUNDARY.finditer(text, lo, start):
        left = m.end()
    m = _BOUNDARY.search(text, end, min(len(text), end + 200))
    return left, (m.start() if m else min(len(text), end + 200))


def _negated(text: str, start: int, end: int) -> bool:
    """Does a negation cue govern text[start:end]? Looks back a few words within the clause."""
    left, _ = _clause(text, start, end)
    words = _NOT_NEGATION.sub(" ", text[left:start]).split()[-NEGATION_WINDOW:]
    return bool(_NEGATION.search(" ".join(words)))


def _sentence(text: str, start: int, end: int) -> str:
    left = max((text.rfind(c, max(0, start - 400), start) for c in ".!?\n"), default=-1) + 1
    m = _SENTENCE_END.search(text, end, min(len(text), end + 400))
    return text[left:(m.start() if m else min(len(text), end + 400))].strip()


def _is_general_question(sentence: str) -> bool:
    """ "what is cauda equina?" asks about a topic; "can't pee, is that bad?" reports one."""
    return bool(_QUESTION_START.match(sentence)) and not _FIRST_PERSON.search(sentence)


def _fires(rule: Rule, text: str, m: re.Match[str]) -> bool:
    start, end = m.span()
    if _negated(text, start, end):
        return False
    if rule.unless is not None:
        left, right = _clause(text, start, end)
        if rule.unless.search(text, left, right):
            return False
    if rule.level != "crisis" and _is_general_question(_sentence(text, start, end)):
        return False
    if rule.requires is not None:
        lo, hi = max(0, start - rule.near), min(len(text), end + rule.near)
        return any(not _negated(text, r.start(), r.end())
                   for r in rule.requires.finditer(text, lo, hi))
    return True


def _match_normalized(text: str) -> list[RedFlag]:
    flags = []
    for rule in RULES:
        for m in rule.pattern.finditer(text):
            if _fires(rule, text, m):
                flags.append(RedFlag(rule.level, rule.name, m.group(0)))
                break
    return sorted(flags, key=lambda f: _RANK[f.level])


def match_phrases(message: str) -> list[RedFlag]:
    """Phrase-rule hits over the whole message, at most one per rule, most severe level first.

    >>> [f.rule for f in match_phrases("No fever, but I can't feel when I wipe")]
    ['cannot-feel-toilet']
    """
    return _match_normalized(normalize(message))


# ---------------------------------------------------------------------------------------------
# Embedding channel
# ---------------------------------------------------------------------------------------------

# Lay exemplars per level, named for debugging. Kept distinct from the tuning set's wording.
EXEMPLARS: dict[str, dict[str, str]] = {
    "emergency": {
        "bladder-lost": "I've suddenly started wetting myself and can't stop it",
        "bowel-lost": "I had an accident and soiled myself without feeling it",
        "retention": "I need to pee but nothing will come out",
        "saddle": "I have lost feeling around my bottom and genitals",
        "legs-collapse": "my legs keep collapsing underneath me",
        "fall": "I had a bad fall and hurt my back badly",
        "accident": "I was hit by a car and my back is injured",
        "stroke-face": "one side of my face has dropped and I can't smile properly",
        "stroke-speech": "I suddenly can't get my words out and my arm is weak",
    },
    "crisis": {
        "suicidal": "I have been thinking about taking my own life",
        "end": "I just want to end everything",
        "burden": "my family would be happier if I wasn't around",
        "no-point": "there is no point in carrying on",
        "rather-dead": "I would rather be dead",
        "want-die": "I feel completely hopeless and want to die",
        "self-harm": "I have been cutting my arms on purpose",
        "plan": "I have saved up tablets to take all at once",
        "goodbye": "I have been writing goodbye letters to my family",
        "over": "I can't cope anymore and I want it all to be over",
        "disappear": "I want to disappear forever",
    },
    "urgent": {
        "fever": "my back hurts and I feel hot and shivery",
        "temperature": "my back pain came with a high temperature",
        "weight": "I am getting thinner without trying and my back aches",
        "cancer": "I had cancer treatment before and now my spine hurts",
        "drugs": "I use needles to take street drugs and my back is sore",
        "new-symptom": "I have had a new MS symptom for two days",
        "old-symptom": "an old MS symptom has returned and won't go away",
        "ms-worse": "my MS symptoms have suddenly got worse over the last few days",
        "vision-loss": "the sight in one eye has gone dark and blurry",
        "double": "I see two images of everything I look at",
        "eye-pain": "my eye hurts when I move it and colours look washed out",
        "uti": "it stings when I pass urine and my MS has flared up",
    },
}


# Cosine thresholds per level, tuned on evals/redflag_tuning.jsonl by `python -m
# evals.tune_safety`: the lowest value (0.01 grid) at which the embedding channel fires on no
# benign item and on no item of a less severe level, plus a 0.02 margin.
THRESHOLDS: dict[str, float] = {"emergency": 0.70, "crisis": 0.55, "urgent": 0.71}
# A multi-sentence message is split (one extra, batched model pass) only if its whole vector
# comes within this margin of a level's threshold: a red flag diluted by other sentences still
# shows. Tuned by `python -m evals.tune_safety`: per level, the widest margin (0.05 grid) at
# which the split is paid for on at most 5% of benign messages padded with neutral sentences.
PROBE_MARGIN: dict[str, float] = {"emergency": 0.20, "crisis": 0.15, "urgent": 0.05}
COVER_CHARS = 800  # message_vec is taken to cover this much (the model reads 256 word pieces)
MAX_UNITS = 16  # sentences embedded at most, per message
MAX_UNIT_CHARS = 400
_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+|;\s*")
# For long messages, sentences worth embedding mention a body part, symptom or feeling.
_CUE = re.compile(
    r"\b(?:blad|bowel|pee|wee|urin|toilet|loo|wip|numb|tingl|feel|leg|walk|stand|fall|fell"
    r"|accident|crash|face|speech|word|arm|stroke|die|dead|death|live|living|life|kill|end|hurt"
    r"|harm|cut|pill|tablet|point|burden|over|fever|temp|chill|shiver|sweat|weight|thin|cancer"
    r"|tumo|night|sleep|inject|needle|drug|symptom|relapse|flare|vision|sight|eye|double|blind"
    r"|burn|sting|infection|uti|worse|new|sudden|gone|goodbye|disappear|hopeless|note|letter"
    r"|family|everyone|anymore|cope|alone|pointless|plan)"
)


@dataclass(frozen=True)
class Unit:
    """A sentence the embedding channel may compare with the exemplars."""

    text: str
    negated: bool  # a negation cue anywhere in it: the embedding stays silent
    general: bool  # a general knowledge question: only the crisis level may fire


def units(text: str) -> list[Unit]:
    """Sentences of a normalized message (two words or more), capped in length."""
    out = []
    for part in _SPLIT.split(text):
        part = part.strip()
        if len(part.split()) < 2:
            continue
        part = part[:MAX_UNIT_CHARS]
        negated = bool(_NEGATION.search(_NOT_NEGATION.sub(" ", part)))
        out.append(Unit(part, negated, _is_general_question(part)))
    return out


def _eligible(unit: Unit, level: str) -> bool:
    return not unit.negated and (level == "crisis" or not unit.general)


class SafetyChecker:
    """Phrase rules plus embedding similarity to exemplars. Holds the exemplar matrix."""

    def __init__(self, encode: Callable[[list[str]], np.ndarray],
                 thresholds: Mapping[str, float] | None = None) -> None:
        self.thresholds = dict(THRESHOLDS if thresholds is None else thresholds)
        if set(self.thresholds) != set(LEVELS):
            raise ValueError(
                f"thresholds must name exactly {LEVELS}, got {sorted(self.thresholds)}")
        self._encode = encode
        names = [(level, name) for level in LEVELS for name in EXEMPLARS[level]]
        matrix = np.asarray(encode([EXEMPLARS[lv][nm] for lv, nm in names]), dtype=np.float32)
        if matrix.ndim != 2 or matrix.shape[0] != len(names) or not np.isfinite(matrix).all():
            raise ValueError(f"encode returned {matrix.shape} for {len(names)} exemplars")
        self._matrix = matrix
        self._names = [name for _, name in names]
        self._columns = {lv: np.array([i for i, (l2, _) in enumerate(names) if l2 == lv])
                         for lv in LEVELS}

    @property
    def exemplar_matrix(self) -> np.ndarray:
        """Normalized exemplar vectors, one row per exemplar, grouped by level."""
        return self._matrix

    def columns(self, level: str) -> np.ndarray:
        """Rows of `exemplar_matrix` that belong to `level`."""
        return self._columns[level]

    # -- vectors ---------------------------------------------------------------------------------
    def _vector(self, vec: np.ndarray) -> np.ndarray:
        v = np.asarray(vec, dtype=np.float32).reshape(-1)
        norm = float(np.linalg.norm(v)) if v.shape == (self._matrix.shape[1],) else 0.0
        if not np.isfinite(norm) or norm == 0.0:
            raise ValueError(
                f"message_vec must be a finite nonzero {self._matrix.shape[1]}-d vector")
        return v / norm

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        vecs = np.asarray(self._encode(list(texts)), dtype=np.float32)
        if vecs.shape != (len(texts), self._matrix.shape[1]) or not np.isfinite(vecs).all():
            raise ValueError(f"encode returned {vecs.shape} for {len(texts)} texts")
        return vecs

    def _best(self, vecs: np.ndarray, cands: Sequence[Unit], level: str
              ) -> tuple[float, str, str]:
        """Highest similarity at `level` over eligible units: (score, exemplar, unit text)."""
        cols = self._columns[level]
        sims = vecs @ self._matrix[cols].T  # units x exemplars of this level
        best = (-1.0, "", "")
        for i, unit in enumerate(cands):
            if _eligible(unit, level):
                j = int(np.argmax(sims[i]))
                if sims[i, j] > best[0]:
                    best = (float(sims[i, j]), self._names[cols[j]], unit.text)
        return best

    def best_matches(self, messages: Sequence[str]) -> list[dict[str, tuple[float, str, str]]]:
        """Per message and level, the best (similarity, exemplar, sentence) over every eligible
        sentence, with no probe and no phrase rules: what `evals.tune_safety` sweeps thresholds
        over. One batched model pass for all messages."""
        per_message = [units(normalize(m)) for m in messages]
        flat = [u for cands in per_message for u in cands]
        vecs = self._embed([u.text for u in flat]) if flat else self._matrix[:0]
        out, i = [], 0
        for cands in per_message:
            part, i = vecs[i:i + len(cands)], i + len(cands)
            out.append({level: self._best(part, cands, level) for level in LEVELS})
        return out

    # -- the check -------------------------------------------------------------------------------
    def _similar(self, text: str, message_vec: np.ndarray | None, levels: Sequence[str]
                 ) -> list[RedFlag]:
        cands = units(text)
        if not cands:
            return []
        covered = len(text) <= COVER_CHARS
        flags: list[RedFlag] = []
        if message_vec is not None and covered:
            # The caller's vector: decisive for one sentence; for several, it fires only if no
            # sentence is negated, else it tells whether a closer look (a split) is worth a pass.
            whole = self._matrix @ message_vec
            closer = []
            for level in levels:
                cols = self._columns[level]
                j = int(np.argmax(whole[cols]))
                if whole[cols[j]] >= self.thresholds[level] and all(
                        _eligible(u, level) for u in cands):
                    flags.append(RedFlag(level, f"similar:{self._names[cols[j]]}", text[:200]))
                elif (len(cands) > 1
                      and whole[cols[j]] >= self.thresholds[level] - PROBE_MARGIN[level]):
                    closer.append(level)
            levels = closer
        if not levels:
            return flags
        cands = _select(cands, levels, covered)
        if not cands:
            return flags
        vecs = self._embed([u.text for u in cands])
        for level in levels:
            score, name, unit = self._best(vecs, cands, level)
            if score >= self.thresholds[level]:
                flags.append(RedFlag(level, f"similar:{name}", unit))
        return flags

    def check(self, message: str, message_vec: np.ndarray | None = None) -> list[RedFlag]:
        """All red flags in the whole message, most severe first, at most one per level.

        `message_vec`: the caller's normalized embedding of the (possibly cut) message, reused
        so that a short message costs no extra model pass. May raise: use `check_safely`.
        """
        if not isinstance(message, str):
            raise TypeError(f"message must be str, not {type(message).__name__}")
        if message_vec is not None:
            message_vec = self._vector(message_vec)  # a bad vector fails, even if unused
        text = normalize(message)
        found: dict[str, RedFlag] = {}
        for flag in _match_normalized(text):
            found.setdefault(flag.level, flag)
        missing = [level for level in LEVELS if level not in found]
        if missing:
            for flag in self._similar(text, message_vec, missing):
                found.setdefault(flag.level, flag)
        return [found[level] for level in LEVELS if level in found]


def _select(cands: list[Unit], levels: Sequence[str], covered: bool) -> list[Unit]:
    """Sentences worth embedding: eligible for a missing level; for a long message, those
    with a symptom cue, first and last `MAX_UNITS // 2` of them."""
    keep = [u for u in cands if any(_eligible(u, lv) for lv in levels)]
    if not covered:
        keep = [u for u in keep if _CUE.search(u.text)]
    if len(keep) > MAX_UNITS:
        keep = keep[: MAX_UNITS // 2] + keep[-(MAX_UNITS // 2):]
    return keep


def check_safely(checker: SafetyChecker | None, message: str,
                 message_vec: np.ndarray | None = None) -> list[RedFlag]:
    """`checker.check`, but never raises: any failure (or no checker) escalates to emergency."""
    if checker is None:
        return [CHECK_FAILED]
    try:
        return checker.check(message, message_vec)
    except Exception:
        return [CHECK_FAILED]
