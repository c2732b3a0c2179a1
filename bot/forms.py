"""Question forms: what kind of sentence answers a question, from the way it is asked.

"What is spasticity?" wants a definition, "how is it treated?" a treatment, "what happens if
spasticity goes untreated?" a consequence, "can MS cause sciatica?" a yes/no statement. The
retriever finds sentences on the topic; among those, the one of the right form answers. Both
sides are small, named, tested patterns, so a reader can see why a sentence won; the weight
of a fit is chosen on the dev set (`python -m evals.tune_selection`).

Not here: the relevance scores themselves (`bot.core`) and the choice of quotes
(`bot.compose.select`).
"""

from __future__ import annotations

import re

# Checked in this order: the first that matches names the form ("what happens if … treated"
# asks for a consequence, not a treatment).
QUESTION_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("consequence", re.compile(
        r"\bwhat (?:happens|will happen|would happen|could happen)\b|\buntreated\b|"
        r"\bwithout (?:treatment|treating)\b|\bif (?:i|you) (?:don'?t|do not|never|ignore)\b|"
        r"\bleft alone\b|\bget worse\b|\blong[- ]term\b|\bcomplications?\b", re.I)),
    ("treatment", re.compile(
        r"\bhow (?:is|are|do|does|can|should|would)\b.*\b(?:treat\w*|manag\w*|reliev\w*|eas\w*|"
        r"help\w*|stop|reduc\w*)\b|\btreat(?:ed|ment|ments|ing)?\b|\bwhat (?:helps?|can i do|"
        r"should i do|can be done|works?)\b|\bremed(?:y|ies)\b|\brelie(?:f|ve)\b|\bmanag\w*\b|"
        r"\b(?:medication|medicine|drug|pill)s? for\b|\bget rid of\b|\bease\b", re.I)),
    ("definition", re.compile(
        r"^\W*(?:so\s+)?(?:what(?:'s| is| are)|whats|define|meaning of)\b(?!.*\b(?:cause|causes|"
        r"difference|best|signs? of|symptoms?|feel|like)\b)|\bwhat does .* mean\b|"
        r"\bwhat (?:exactly|actually) (?:is|are)\b", re.I)),
    ("cause", re.compile(
        r"^\W*why\b|\bwhat (?:causes|caused|makes|triggers?)\b|\bcause[sd]? by\b|"
        r"\breason\b|\bhow (?:does|can|do) .* (?:cause|lead to)\b", re.I)),
    ("feeling", re.compile(
        r"\bfeel(?:s)? like\b|\bwhat does .* feel\b|\bdescribe\b|\bsensation\b|\bsymptoms?\b|"
        r"\bsigns?\b", re.I)),
    ("yesno", re.compile(
        r"^\W*(?:can|could|does|do|did|is|are|was|will|would|should|may|might|has|have)\b",
        re.I)),
)

# What a sentence of each form looks like in these articles.
SENTENCE_FORMS: dict[str, re.Pattern[str]] = {
    "definition": re.compile(
        r"^[^,.;:]{0,60}\b(?:is|are) (?:a|an|the|when|what|part|one|caused by)\b|"
        r"\brefers? to\b|\b(?:is|are) (?:known|called)\b|\bmeans?\b|\bdescribes?\b|"
        r"\bcall(?:s|ed)? this\b|\bterm\b", re.I),
    "treatment": re.compile(
        r"\btreat\w*|\btherap\w*|\bmedications?\b|\bmedicines?\b|\bdrugs?\b|\bexercis\w*|"
        r"\bmanag\w*|\brelie\w*|\bsurgery\b|\binjections?\b|\bphysiotherapy\b|\bstretch\w*|"
        r"\bmassage\b|\bacupuncture\b|\bbaclofen\b|\bgabapentin\w*|\bpregabalin\b|"
        r"\bbotulinum\b|\brehabilitation\b|\bhelps?\b|\bprescrib\w*", re.I),
    "consequence": re.compile(
        r"\bwithout treatment\b|\bif left\b|\buntreated\b|\b(?:can|may|could) lead to\b|"
        r"\bleads? to\b|\bresults? in\b|\bover time\b|\bmore serious\b|\bcomplications?\b|"
        r"\bworsen\w*|\bpermanent\w*|\bcontractures?\b|\bif (?:a person|you|someone)\b", re.I),
    "cause": re.compile(
        r"\bcaus\w*|\bdue to\b|\bbecause\b|\bresults? (?:of|from)\b|\blead\w* to\b|"
        r"\btrigger\w*|\bdamage\w*|\bstems? from\b|\bwhen\b", re.I),
    "feeling": re.compile(
        r"\bfeel\w*|\bsensations?\b|\bburning\b|\bstabbing\b|\btingling\b|\bshooting\b|"
        r"\bdescri\w*|\blike\b|\bsharp\b|\bdull\b|\baching\b|\bsqueez\w*|\belectric\b|"
        r"\bsymptoms?\b|\binclud\w*", re.I),
    "yesno": re.compile(
        r"^(?:yes|no)\b|\b(?:can|may|might|could|does|do|is|are) (?:not |also )?"
        r"(?:cause|causes|lead|affect|involve|result|be|have|experience|develop|make|trigger)\b|"
        r"\b(?:doesn['’]t|does not|don['’]t|do not|cannot|can['’]t|isn['’]t|is not|aren['’]t|"
        r"are not)\b|"
        r"\bcommon\b|\bpossible\b", re.I),
}


def question_form(question: str) -> str | None:
    """The form of answer a question asks for, or None.

    >>> [question_form(q) for q in ["What is spasticity?", "how is spasticity treated?",
    ...  "what happens if spasticity goes untreated?", "can MS cause sciatica?",
    ...  "why does MS cause back pain?", "what does MS nerve pain feel like?", "back pain"]]
    ['definition', 'treatment', 'consequence', 'yesno', 'cause', 'feeling', None]
    """
    for form, pattern in QUESTION_FORMS:
        if pattern.search(question):
            return form
    return None


def fits(form: str | None, sentence: str) -> bool:
    """Does `sentence` have the shape of an answer of `form`?

    >>> fits("consequence", "Without treatment, spasticity can become more serious.")
    True
    >>> fits("definition", "Spasticity is a condition in which muscles stiffen.")
    True
    >>> fits("treatment", "Spasticity is a condition in which muscles stiffen.")
    False
    """
    return form is not None and SENTENCE_FORMS[form].search(sentence) is not None
