"""The fixed texts of the safety layer: the disclaimer, the escalation texts, the fail-closed
text and the safety net. They are the only advice the bot gives in its own words, so they live
in one place, are reviewed as a whole and are tested word for word.

Not here: when each is shown (`bot.safety.checker`, `bot.core`).
"""

from __future__ import annotations

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

# Safety-netting, as clinicians do at the end of a consultation: a message that describes the
# writer's own current symptoms, and raised no red flag, still ends with the signs that mean
# "get help now", so that a flag the checker missed still reaches the patient.
SAFETY_NET_TEXT = (
    "**Get help now if:** you cannot pee, or lose control of your bladder or bowels; you have "
    "numbness between your legs or around your bottom; both legs become weak or numb; you notice "
    "signs of a stroke (face drooping, arm weakness, slurred speech). Call 911 (US), 999 (UK), "
    "112 (EU) or your local emergency number. If you have thoughts of suicide, call or text 988 "
    "(US) or call Samaritans on 116 123 (UK). New or worse MS symptoms lasting more than 24 "
    "hours: contact your MS team today."
)
