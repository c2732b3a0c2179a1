"""Scope: whether a concept hit in a message is about a current red flag at all.

Four questions, each a pure function of the normalized text and the hit's offsets:

- **negation**: a negation cue governs the hit in its own clause ("no numbness down there",
  "I don't have a fever"). Negations that *are* the symptom ("I can't pee") are part of the
  concept patterns, so they never cancel themselves.
- **time**: the clause or sentence says the event is past and resolved ("fever last month,
  fine now") or long-standing and unchanged ("numb feet for years") — `RESOLVED`, and per flag
  the `unless` patterns of the catalogue.
- **knowledge**: the sentence asks about a topic ("what is cauda equina?", "what are the
  warning signs…", "what should I do if I ever…") rather than reporting one.
- **idiom**: "my back is killing me", "killer workout", "dying to know" are not red flags;
  `strip_idioms` blanks them (keeping offsets) before matching.

Person is not a reason to stay silent: a husband's or mother's *current* symptoms escalate
just as the writer's own do. Only the safety net (`describes_own_symptoms`) asks about the
writer.

Not here: the concepts themselves (`bot.safety.lexicon`).
"""

from __future__ import annotations

import re

from bot.safety.lexicon import OLD

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
    # a past episode as a comparison: "…since tuesday, like the optic neuritis I had in 2019"
    r"|,\s*(?=(?:just |exactly )?like (?:the|my|when|last time|before|i had|it did)\b)"
    r"|\band (?=(?:i|i'm|im|i've|my|now|then|today|suddenly)\b)"
)
_SENTENCE_END = re.compile(r"[.!?\n]")


def clause(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the clause around text[start:end] (punctuation, "but", ", I ...").

    >>> t = "i wont be reordering, i wont be here"
    >>> t[slice(*clause(t, 22, len(t)))]
    'i wont be here'
    """
    lo = max(0, start - 200)
    left = lo
    # Search a little past `start`: a boundary's lookahead (", I …") may need the hit's words.
    for m in _BOUNDARY.finditer(text, lo, min(len(text), start + 40)):
        if m.end() > start:
            break
        left = m.end()
    m = _BOUNDARY.search(text, end, min(len(text), end + 200))
    return left, (m.start() if m else min(len(text), end + 200))


def negated(text: str, start: int, end: int) -> bool:
    """Does a negation cue govern text[start:end]? Looks back a few words within the clause."""
    left, _ = clause(text, start, end)
    words = _NOT_NEGATION.sub(" ", text[left:start]).split()[-NEGATION_WINDOW:]
    return bool(_NEGATION.search(" ".join(words)))


# -- knowledge questions and hypotheticals -------------------------------------------------------
_QUESTION_START = re.compile(
    r"(?:what|what's|whats|how|why|which|who|is|are|can|could|does|do|should|will|would"
    r"|tell me|explain|define)\s"
)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|ive|i'd|i'll|me|my|myself|mine)\b")
# A question about a topic, whoever asks it: "what are the warning signs of cauda equina?",
# "how do I know if it's a relapse?", "when should I worry about numbness?".
_KNOWLEDGE = re.compile(
    r"\b(?:what (?:are|is|r) (?:the |some |common |typical )?(?:warning |red[- ]flag |main "
    r"|early |usual )?(?:signs?|symptoms?|red flags?|causes?|treatments?)"
    r"|what (?:is|are|does|do|'s) (?:a |an |the )?[\w' -]{2,40} (?:mean|feel like|look like)"
    r"|what [\w' -]{2,40} (?:would|might|does|do|should|could) (?:feel|look) like"
    r"|what(?:'s| is) (?:a |an )?(?:cauda equina|relapse|stroke|sciatica|lhermitte\w*)"
    r"|how (?:do|would|can|will) (?:i|you|we|someone|people) (?:know|tell|recogni[sz]e|spot)"
    r"|when (?:should|do|would) (?:i|you|we|someone|people) (?:worry|go|call|seek|see)"
    r"|should i (?:worry|be worried) (?:about|if)|is it (?:an )?emergency if"
    r"|(?:tell me|explain) (?:about|what)|(?:signs?|symptoms?) (?:of|for) (?:cauda equina"
    r"|a stroke|stroke|a relapse|relapse|an emergency)|what (?:counts|would count) as)"
)
# "what should I do if I ever lose bladder control?" asks about a possibility, not a report.
_HYPOTHETICAL = re.compile(
    r"\b(?:what if|say (?:i|you|someone) (?:had|have|get|got|were|could|couldn'?t|couldnt|can'?t"
    r"|cant|lost|did|didn'?t|was)"
    # "if I one day couldn't feel my legs", "if my sciatica spread to both legs, would that be bad?"
    r"|if (?:i|you|someone|they|he|she|my \w+) [\w' ]{0,40}\bone day\b"
    r"|if [\w' ,]{3,60} (?:would|will|should) (?:that|it|this|i) (?:be|mean|need|have to|go)\b"
    r"|if (?:i|you|someone|they|he|she|my \w+) (?:ever|were to|was to|started? to"
    r"|begins? to|develop\w*|gets?|got|had|experienc\w*|noticed?|lost|loses?)|in case (?:i|you)"
    r"|supposing|suppose|hypothetically|could (?:i|you|someone) (?:get|develop)"
    r"|(?:is|are) (?:there|they) (?:any )?(?:risk|chance)s? (?:of|that)"
    # hearsay and imagined cases: "I read that you should call 999 if…", "imagine I…"
    r"|(?:i|we|my \w+|someone|somebody|he|she|they)(?:'ve| have)? (?:read|heard|saw|was told"
    r"|were told) (?:that|somewhere|online|on \w+|if|about)"
    r"|i keep (?:reading|hearing)|(?:read|saw|heard|watched|seen) (?:a|an|this) (?:story|article"
    r"|post|thread|video|tiktok|leaflet|poster|programme|program|documentary)"
    # advice passed on: "my friend said if both legs go weak it's an emergency"
    r"|(?:said|says|told me|told us) (?:that )?(?:if|you should|you must|to (?:call|go|ring))"
    r"|(?:a|the) (?:leaflet|poster|website|article|video|tiktok) (?:at|from|on|said|says)"
    r"|(?:someone|somebody|a (?:guy|man|woman|lady|friend|person)|people|others)"
    r" (?:on|in|at|from) (?:reddit|facebook|the forum|a forum|an? \w+ group|my \w+ group"
    r"|the \w+ group|tiktok|youtube|twitter|instagram|online)"
    r"|imagine (?:if |that )?(?:i|you|someone|my|a)"
    # another person's history told as history: the dead, and a family's past
    r"|my late \w+|(?:he|she|they) (?:passed(?! out)|died)\b|passed away|who died"
    r"|died (?:of|from)"
    r"|(?:runs?|ran) in (?:the|my|our) family|family history"
    # "why does my GP always ask if I've had cancer?" asks about a question, not a history
    r"|why (?:does|do|did|would|will) (?:my |the |a |your )?(?:gp|doctors?|nurses?|physio\w*"
    r"|consultants?|neuro\w*|they|people) (?:always |keep |still |even )?ask\w*)\b"
)


_DENIED = re.compile(r" ?(?:is|feels|seems|was|'s) (?:absolutely |totally )?(?:fine|ok|okay|normal"
                     r"|great|good)\b")


def denied_after(text: str, end: int) -> bool:
    """ "my back is fine": the word just before `end` is said to be well.

    >>> denied_after("my back is fine", 7), denied_after("my back is sore", 7)
    (True, False)
    """
    return bool(_DENIED.match(text, end))


def reported_after(text: str, end: int) -> bool:
    """Does the next sentence report a current event ("is it normal…? It happened today.")?"""
    m = _SENTENCE_END.search(text, end)
    return bool(m) and bool(_REPORT.search(text, m.end(), min(len(text), m.end() + 120)))


def sentence(text: str, start: int, end: int) -> str:
    """The sentence around text[start:end]."""
    left = max((text.rfind(c, max(0, start - 400), start) for c in ".!?\n"), default=-1) + 1
    m = _SENTENCE_END.search(text, end, min(len(text), end + 400))
    return text[left:(m.start() if m else min(len(text), end + 400))].strip()


def is_general_question(sentence: str) -> bool:
    """ "what is cauda equina?" asks about a topic; "can't pee, is that bad?" reports one.

    >>> is_general_question("what are the warning signs of cauda equina"), \\
    ...     is_general_question("i can't pee, is that bad")
    (True, False)
    """
    if _KNOWLEDGE.search(sentence) or _HYPOTHETICAL.search(sentence):
        return not _REPORT.search(sentence)
    return bool(_QUESTION_START.match(sentence)) and not _FIRST_PERSON.search(sentence)


# A sentence that asks a knowledge question but also reports a current event still reports it:
# "what are the signs of cauda equina, because since last night I can't pee".
_REPORT = re.compile(
    r"\b(?:since (?:last night|this morning|yesterday|today|i woke|then)|right now|at the moment"
    r"|this morning|last night|today|tonight|just now|for (?:the )?(?:last|past) (?:few )?"
    r"(?:hours?|days?)|happened (?:today|yesterday|last night|this morning)|came on|started"
    r"|i(?:'ve| have) (?:got|had|been)|i(?:'m| am) (?:having|getting)"
    r"|(?:he|she)(?:'s| is) (?:having|got))\b"
)

# -- time: past and resolved ----------------------------------------------------------------------
# Feeling that came back after minutes is a symptom that is over ("dead arm from sleeping on it,
# came back after 5 minutes"); a symptom that "came back today" has returned.
_NOT_FEELING_BACK = r"(?! (?:after|within|in (?:a|an|\d+|about|under|less)|once|when|as soon as))"
_UNDONE = r"(?<!n't )(?<!nt )(?<!not )(?<!never )"  # "doesn't come back when I stand up"
_TRANSIENT = (
    r"(?:" + _UNDONE + r"(?:came|comes?|coming) back (?:after|within|in (?:a|an|\d+|about"
    r"|under|less)|once|when"
    r"|as soon as)|took (?:a (?:few|couple of) |\d+ |about \d+ )?(?:minutes?|mins?|seconds?"
    r"|secs?) (?:to (?:come back|wear off|go|settle|pass))|wor(?:e|n) off|wearing off"
    r"|(?:then|and) (?:it )?eased|gone within|(?:from|after) (?:lying|sleeping|sitting|leaning"
    r"|kneeling) on it|slept on it|dead arm)"
)
# A clause that says the event is over ("last month, fine now"), unless it also says it is back.
_STILL = re.compile(
    r"\b(?:still|again|back again|(?<!never )(?:came|come|coming) back" + _NOT_FEELING_BACK
    + r"|returned"
    r"|(?<!fine )(?<!better )(?<!ok )(?<!okay )(?<!normal )(?<!gone )now\b(?! (?:fine|better|ok"
    r"|okay|gone|over|resolved|recovered))|today|tonight|this morning"
    r"|since (?:then(?!,? nothing)|yesterday|last night|this (?:morning|afternoon|evening)"
    r"|lunch\w*|(?:about |around )?\d{1,2} ?(?:am|pm|o'?clock))|started"
    r"|(?<!fine )(?<!better )(?<!okay )(?<!ok )(?<!normal )since (?:mon|tues|wednes|thurs|fri"
    r"|satur|sun)day"
    r"|keeps? (?:happening|coming|getting)|getting worse)\b"
)
_RESOLVED = re.compile(
    r"\b(?:" + OLD + r"|" + _TRANSIENT + r"|(?:all |fully )?(?:resolved|cleared up|went away"
    r"|gone now|settled"
    r"|sorted)|(?:fine|ok|okay|better|normal|back to normal) (?:now|since|again|after)"
    r"|(?:fine|ok|okay) ever since|it passed|have ?n'?t had (?:it|one|any) since"
    r"|(?:it'?s|it is|they'?re|they are) (?:all |completely )?(?:gone|cleared)"
    r"(?=\s*(?:now\b|[.,!?;)\n]|$|and\b|but\b))"
    r"|(?:has|have|had) (?:all |completely )?(?:cleared|gone away)"
    r"|(?:is|are|was|were) (?:all |completely |long )?gone(?=\s*(?:now\b|[.,!?;)\n]|$|and\b"
    r"|but\b))"
    r"|(?:went|gone|got|are|is|was) back to (?:my |its |their |his |her )?(?:baseline|usual"
    r"|normal|how (?:it|they|i) (?:was|were))"
    r"|then (?:fine|ok|okay|better|normal)|(?:given )?the all[- ]clear|all clear"
    r"|now (?:gone|fine|ok|okay|better|resolved|cleared|healed)(?=\s*(?:[.,!?;)\n]|$|and\b"
    r"|but\b|thank))|(?:fully |completely )?healed"
    r"|(?:never|(?:has|have)n'?t) (?:came|come|coming) back(?! to normal| to how| properly)"
    r"|since then nothing|never (?:happened|had (?:it|one)) (?:again|since)|never had another"
    r"|(?:has|have)n'?t (?:happened|had (?:it|one|another)) (?:again|since)"
    r"|nothing since|(?:x-?rays?|scans?|mri|biopsy|tests?|bloods?|results?) (?:showed|show|was|were"
    r"|came back|found) (?:nothing|clear|normal|benign|fine|negative)|nothing (?:was )?broken"
    r"|once (?:the |my )?[\w-]+ (?:broke|cleared|settled|kicked in|worked|wore off))\b"
)


# Long-standing and unchanged ("numb from the waist down for 6 years, no change", "it's stable"),
# unless the same sentence tells of a change.
_UNCHANGED = re.compile(
    r"\b(?:(?:it'?s|it is|they'?re|they are|has been|have been|been|is|are|all) (?:pretty |quite "
    r"|very |totally )?stable|no (?:real )?change|unchanged|(?:has|have)n'?t changed"
    r"|not changed|same as (?:always|ever|usual|before)|like it has (?:for|since)"
    r"|(?:it'?s|that'?s|this is) (?:just )?my (?:usual|normal)"
    r"|(?:it'?s|that'?s|its|thats|it is|that is|just) (?:just )?(?:the |an |my )?ms hug)\b"
)
_CHANGE = re.compile(
    r"\b(?:new|newly|worse|worsening|sudden\w*|different|spread\w*|(?<!no )(?<!not )changed"
    r"|started|since (?:yesterday|last night|this morning|today|then)|today|tonight"
    r"|this (?:morning|week)|right now|getting worse|but now|now (?:it'?s|i|i'm|i can'?t)"
    r"|(?:has|have|is|'s) (?:come|came) back|for (?:the )?(?:last |past )?(?:a |an |one |two "
    r"|three |four |five |\d+ |a few |few |couple of |a couple of )?(?:hours?|days?|weeks?)"
    r"|over the (?:last|past) \w+(?: \w+)?|since (?:mon|tues|wednes|thurs|fri|satur|sun)day"
    r"|last (?:mon|tues|wednes|thurs|fri|satur|sun)day|yesterday)\b"
)


def longstanding(sentence: str) -> bool:
    """Does the sentence say the symptom is long-standing and unchanged?

    >>> longstanding("numb from the waist down for 6 years, no change")
    True
    >>> longstanding("numb feet for 6 years but since this morning numb down below too")
    False
    """
    return bool(_UNCHANGED.search(sentence)) and not _CHANGE.search(sentence)


# "my physio asked about saddle numbness and bladder problems, I said no to all of them"
_ANSWERED_NO = re.compile(
    r"\b(?:i |we |he |she )?(?:said|answered|ticked|told (?:her|him|them)) (?:no|none)\b"
    r"|\bnone of (?:those|them|these|that)\b"
)


def answered_no(sentence: str) -> bool:
    """Does the sentence say the symptom was asked about and denied?

    >>> answered_no("she asked about numbness down there and i said no to all of them")
    True
    """
    return bool(_ANSWERED_NO.search(sentence))


# What undoes an end told earlier in the sentence: "went away last year but came back today".
_RETURN = re.compile(r"\b(?:(?<!never )(?:came|come|coming) back" + _NOT_FEELING_BACK
                     + r"|returned|again|(?:it'?s|is|are"
                     r"|they'?re) back|started|recurr\w*)\b")


def clause_resolved(text: str, start: int, end: int) -> bool:
    """Does the hit's own clause say it is over, with nothing after it in the sentence saying
    it returned? ("the fever is gone but my back still aches": the fever is over.)

    >>> t = "the fever has gone away but my back still aches"
    >>> clause_resolved(t, 4, 9), clause_resolved(t + ", and the fever came back", 4, 9)
    (True, False)
    """
    left, right = clause(text, start, end)
    if not resolved(text[left:right]):
        return False
    m = _SENTENCE_END.search(text, right)
    return not _RETURN.search(text, right, m.start() if m else len(text))


# A past event told as the first of more: "I had a seizure years ago and another one today",
# "…when I was 17. Had another this morning".
_RECURS = re.compile(
    r"\b(?:(?:another|one) (?:one |fit |seizure |episode |attack |bout )?(?:again )?(?:today"
    r"|tonight|this (?:morning|afternoon|evening)|last night|just now|now|yesterday)"
    r"|(?:happened|happening|happens|started|starting|came on|coming on|it'?s back|back) again"
    r"|again (?:today|tonight|this (?:morning|afternoon|evening)|last night|just now|now"
    r"|yesterday)|(?:had|having|got) another|just had (?:another|one))\b"
)
_OLD = re.compile(OLD)
RECUR_WINDOW = 200  # characters after the hit


def recurs(text: str, end: int) -> bool:
    """Does the text after a past event's hit tell of it happening again now?

    >>> recurs("I had a seizure years ago and another one today", 15)
    True
    >>> recurs("I had a seizure years ago, never had another", 15)
    False
    """
    return any(not negated(text, m.start(), m.end()) for m in
               _RECURS.finditer(text, end, min(len(text), end + RECUR_WINDOW)))


_TODAY = re.compile(r"\b(?:today|tonight|this (?:morning|afternoon|evening)|last night"
                    r"|just now|right now|yesterday)\b")


def today(text: str, left: int, right: int) -> bool:
    """Does text[left:right] place an event today ("once at work today")?"""
    return bool(_TODAY.search(text, left, right))


def told_as_old(sentence: str) -> bool:
    """Does the sentence place its event long ago ("years ago", "in 2015", "as a child")?

    >>> told_as_old("my face dropped years ago, fine now"), told_as_old("face dropped, fine now")
    (True, False)
    """
    return any(not _FINE.fullmatch(m.group(0)) for m in _OLD.finditer(sentence))


_FINE = re.compile(r"fine now|better now|recovered")


def is_old(span: str) -> bool:
    """Is `span` a past-time phrase ("years ago", "when I was 17")?"""
    return bool(_OLD.fullmatch(span))


def resolved(sentence: str) -> bool:
    """Does the sentence say the event is past and over?

    >>> resolved("had a fever last month, fine now"), resolved("had a fever last month, back now")
    (True, False)
    >>> resolved("numb since lunch and the feeling doesn't come back when I stand up")
    False
    """
    return bool(_RESOLVED.search(sentence)) and not _STILL.search(sentence)


# -- idioms ----------------------------------------------------------------------------------
IDIOMS = re.compile(
    r"\b(?:(?:is|are|was|'s|'re|been|keeps?) (?:absolutely |just |really )?killing me"
    r"|killer (?:workout|session|class|day|week|shift|walk|hill|pain|headache|commute)"
    r"|dying (?:to|for) (?:know|try|ask|hear|see|get|go|a)\w*|dying for (?:the|a|an|some|my|our)"
    r"\b|(?:could|would) (?:kill|murder) (?:for )?(?:a|an|some)\b|(?:i'?d|id|i would|i could)"
    r" kill for\b|be the death of (?:me|us|him|her)"
    r"|dead (?:tired|on my feet|beat|easy|serious|good)"
    r"|bored to death|scared to death|sick to death|to death of|worried sick"
    r"|i could (?:have )?died (?:of|laughing|from embarrassment)|nearly died (?:of|laughing)"
    # "laughed so hard I nearly wet myself": what nearly happened did not
    r"|(?:nearly|almost) (?:wet|peed|pee'?d|weed|wee'?d|pooed|pooped|poo'?d|soiled|shat|shit"
    r"|messed) (?:my ?self|my pants|my knickers|my trousers)"
    # sleep after a long day: "crashed on the sofa after work", "passed out on the couch at 8pm"
    r"|(?:crashed|flopped|conked out|passed out|collapsed|keeled over)(?: out)? (?:on|onto|in"
    r"|into) (?:the|my|our) (?:sofa|couch|settee|armchair|bed)(?= (?:[\w']+ ){0,3}(?:after"
    r"|at \d|all day|lol|haha|exhausted|shattered|knackered|tired|asleep|snoring))"
    r"|wet (?:through )?with sweat|(?:pants|clothes|top|shirt) (?:were |was |are |is )?"
    r"(?:all )?(?:wet|soaked) with sweat"
    r"|(?:laughing|laughed) my head off|knock(?:ed)? (?:me|myself) out (?:cold )?(?:with|on)"
    r"|over my dead body|dead (?:of|in the) (?:night|winter)|fit (?:and|as) (?:healthy|a fiddle)"
    r"|keep(?:ing)? fit|get(?:ting)? fit|fit(?:ness)? (?:class|classes|instructor)"
    r"|(?:would|'d) kill (?:me|him|her)|(?:nearly|almost) (?:killed|finished) (?:me|us)(?! off)"
    r"|(?:boss|mum|mom|dad|wife|husband|partner|sister|brother|kids|teacher|friend|he|she|they)"
    r"(?:'ll| will| is going to| is gonna| would) (?:literally |actually )?(?:kill|murder)"
    r" (?:me|us)"
    r"|(?:kids|children|they|he|she|you|boss|job|work)(?:'ll| will| are going to| is going to)"
    r" be the (?:end|death) of me)"
)


def strip_idioms(text: str) -> str:
    """Blank idioms, keeping every offset.

    >>> strip_idioms("my back is killing me, killer workout")
    'my back              ,               '
    """
    return IDIOMS.sub(lambda m: " " * len(m.group(0)), text)


# -- the writer's own current symptoms (for the safety net) ---------------------------------------
_SYMPTOM_WORDS = re.compile(
    r"\b(?:pain\w*|ache\w*|aching|achy|hurts?|hurting|sore|numb\w*|tingl\w*|pins and needles"
    r"|weak\w*|spasm\w*|stiff\w*|cramp\w*|burning|shooting|stabbing|throbb\w*|sciatica|agony"
    r"|twinge\w*|zaps?|electric|shocks?|tight\w*|heavy|dizz\w*|blurr\w*|falls?|fell|tripp\w*"
    r"|bladder|bowel|pee|wee|leak\w*|swollen|swelling|fatigue|exhaust\w*|tremor)\b"
)
_OWN = re.compile(
    r"\b(?:i(?:'ve| have)? (?:got|been|had|have|keep|get|feel|am|can'?t)|i(?:'m| am)"
    r" (?:in|having|getting|feeling|suffering)|my (?:back|legs?|foot|feet|hips?|bum|buttocks?"
    r"|neck|spine|arms?|hands?|knees?|bladder|bowels?|pain|sciatica|spasms?|body|side|muscles?"
    r"|nerves?|ms|lower)|i (?:feel|get|have|keep|can'?t|cannot|wake|woke|hurt|ache)|me (?:pain"
    r"|agony))\b"
)


def describes_own_symptoms(text: str) -> bool:
    """Does the message tell of the writer's own current symptoms (not only ask about a topic)?

    >>> describes_own_symptoms("my back hurts when i sit, what helps?")
    True
    >>> describes_own_symptoms("what is spasticity?"), describes_own_symptoms("i have ms")
    (False, False)
    """
    for part in re.split(r"[.!?,;\n]+|\bbut\b", text):
        own = _OWN.search(part)
        if own and _SYMPTOM_WORDS.search(part) and not resolved(part):
            return True
    return False
