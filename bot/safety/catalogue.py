"""The red-flag catalogue: every flag the bot knows, its level, what it covers and where it
comes from. `RULES` are the concept combinations that detect each flag (`bot.safety.rules`);
`CATALOGUE` says, for each rule name, what it covers and which clinical source sets its level.
`python -m bot.safety` prints the table the README shows.

Level policy:
- **emergency** — call the emergency number or go to the emergency department now: suspected
  cauda equina syndrome (NHS: "an emergency", hours matter for bladder, bowel and leg
  function), stroke (FAST: "call 999"), and the other NHS "call 999" emergencies (chest pain,
  sudden severe headache, sudden loss of sight, seizure, collapse, breathing difficulty, major
  trauma). Emergency supersedes urgent: the urgent text is not shown beside it.
- **crisis** — any mention of suicide or self-harm, passive or active, a plan, a means or a
  goodbye: the crisis lines (988, Samaritans 116 123) are shown whatever else the message
  holds, and beside an emergency.
- **urgent** — see a doctor or the MS team today: NICE NG59 red flags for a serious cause of
  back pain (infection, cancer, fracture) and a possible MS relapse (MS Society / MS Trust: new
  or worse symptoms lasting more than 24 hours, not explained by heat or infection).

Not here: how a combination is matched and scoped (`bot.safety.rules`, `bot.safety.scope`).
"""

from __future__ import annotations

from typing import NamedTuple

from bot.safety.lexicon import (
    ACCIDENT,
    AIRWAY_SWELLING,
    ALCOHOL,
    ALLERGY,
    ALLERGY_SIGN,
    AMOUNT,
    AREA,
    BACK,
    BLADDER,
    BLOOD_UP,
    BODY_OR_WALL,
    BOTH_EYES,
    BREATH,
    CANCER,
    CANT,
    CHEST,
    CHRONIC,
    COLLAPSE,
    DOUBLE,
    DURATION,
    END_PAIN,
    ENOUGH,
    FEEL_NEG,
    FEVER,
    HABITUAL,
    HARM_ACT,
    HEADACHE,
    HOARD,
    LEGS,
    LETHAL,
    MEDICINE,
    MS_MEDICINE,
    NUMB,
    OLD,
    PAIN,
    PEE,
    PURPOSE,
    SCIATICA,
    SEIZURE,
    STEROID,
    STIFF_NECK,
    SUDDEN_SHARP,
    SWELLING,
    SYMPTOM,
    SYSTEMIC,
    VEHICLE_HARM,
    WEIGHT,
    WORSE,
    WORST,
    gap,
)
from bot.safety.rules import Rule, rule

RULES: tuple[Rule, ...] = (
    # -- emergency: cauda equina (bladder, bowel, saddle), both legs, trauma, stroke ----------
    rule("wet-or-soiled-myself", "emergency",
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
    rule("bladder-bowel-control-lost", "emergency",
          CANT + r" (?:hold|stop|keep in|control) (?:my |his |her |the )?(?:wee|pee|urine|poo"
          r"|bowels?|bladder|it in)",
          r"(?:not|never|don'?t|didn'?t|doesn'?t) (?:always )?mak\w* it to the (?:toilet|loo"
          r"|bathroom)",
          r"(?:bladder|bowels?) (?:just )?(?:emptied|empties|went|opened) (?:itself|themselves"
          r"|on (?:its|their) own)",
          r"(?:wear|wearing|need|needed|had to wear) (?:a |pads|nappies|incontinence pads)"
          r"(?: pads?)? " + gap(6) + r"(?:leak\w*|new|since)",
          r"(?:leak\w*|dribbl\w*|wet) " + gap(6) + r"(?:and|but) (?:i )?(?:don'?t|didn'?t|did not"
          r"|do not) (?:realis\w*|realiz\w*|notice|feel|know)",
          r"(?:didn'?t|did not|don'?t|do not|without) (?:even )?(?:feel\w*|felt|know|knew"
          r"|realis\w*|realiz\w*|notic\w*) (?:it |a thing |anything )?(?:had )?(?:happen\w*|come"
          r" out|coming)",
          r"(?:no|lost (?:the |my )?|haven'?t (?:had|felt) (?:the |an |any )?) ?(?:urge|sensation)"
          r" to (?:wee|pee|go|poo|urinate)",
          CANT + r" (?:control|stop|hold|tell) " + gap(2) + r"(?:when|if|whether) (?:i|i'm|he|she)"
          r" " + gap(2) + r"(?:pee|wee|poo|poop|go|need|urinat\w*|leak\w*)",
          FEEL_NEG + r" (?:when|if|whether) (?:my |his |her |the )?" + BLADDER
          + r" (?:is )?(?:full|empty)",
          r"(?:don'?t|do not|didn'?t|no longer|never) (?:know|notice|realis\w*|realiz\w*|feel)"
          r" (?:when|that|if) (?:i|i'm|i've|i'd|i was|he|she) " + gap(2)
          + r"(?:need|needed|have to|going|gone|wet|peed|weed|pooed|soiled|leak\w*|go)",
          r"(?:wet|wetting|peed|peeing|weed|weeing|leak\w*|soiled|soiling|incontinen\w*) "
          + gap(3) + r"without (?:even )?(?:noticing|realis\w*|realiz\w*|feeling|knowing)",
          r"(?:been|was|is|am|'?s|'?m|became|become|being) (?:\w+ )?incontinen\w* (?:\w+ )?"
          r"(?:today|tonight|twice|again|this (?:morning|afternoon|evening|week)|since|last night"
          r"|for the first time|\d+ times|three times|a few times)",
          r"(?:lost|losing|lose|loss of|no|no longer have) (?:any |all )?(?:the )?"
          r"(?:control (?:of|over) |control |feeling in )(?:my |the |his |her )?"
          r"(?:" + BLADDER + r"|wee|pee|urine|poo|poop|bowel movements)",
          CANT + r" (?:control|feel) (?:my |the |his |her )?" + BLADDER,
          r"(?:lost|losing|lose|loss of|no) (?:my |all |any )?" + BLADDER + r" control",
          r"(?:lost|losing|lose|loss of|no) (?:the )?(?:ability|power) to (?:hold|control)"
          r" (?:my |in )?(?:pee|wee|urine|bladder|bowels?|poo|poop|it)",
          BLADDER + r" (?:control )?(?:has |have |is |are |just )?(?:gone|went|given up|gave up"
          r"|stopped working|not working|packed up|failed|let go)",
          r"(?:sudden\w*|new|just|started|become|became|now) " + gap(2) + r"incontinen\w*"),
    rule("cannot-pee", "emergency",
          r"(?:(?:have|has)(?: ?n'?t| not)|not|never) been able to " + gap(1) + PEE,
          r"(?:struggl\w*|difficult\w*|hard|trouble|straining) (?:to |with )?(?:start\w* )?"
          + PEE + r"(?: \w+){0,3} (?:since|all (?:day|night)|today|this morning|last night)",
          CANT + " " + PEE + r"(?! without| with(?:out)? (?:it )?(?:burning|stinging|pain))",
          r"(?:have ?n'?t|havent|havn'?t|have not|not) (?:been able to (?:pee|wee|urinate|go)"
          r"|peed|pee'?d|weed|wee'?d|urinated|passed (?:urine|water)|had a (?:pee|wee)"
          r"|been for a (?:pee|wee))",
          r"nothing (?:comes|is coming|came|will come) out when i (?:try to )?(?:pee|wee|go)",
          r"(?:need|want|try|trying|tried) " + gap(2) + r"(?:pee|wee)\w* but nothing"
          r" (?:comes|will come|is coming|came)",
          r"no (?:pee|urine|wee) (?:is )?coming out", r"urinary retention", r"retaining urine",
          r"(?:only|just) (?:pass|get|manage|passing|getting) (?:out )?(?:a )?(?:dribble|trickle"
          r"|few drops|drop)", r"only a (?:dribble|trickle|few drops) (?:comes|came|come) out",
          CANT + r" (?:empty|go)(?: my bladder| at all)", r"nothing (?:would|will|comes?|came"
          r"|happens|happened)(?: out)? " + gap(3) + r"(?:pee|wee|go|toilet|loo)",
          r"(?:go|went|sat) (?:to|on) the (?:toilet|loo) and nothing (?:would |will )?"
          r"(?:come|came|comes|happen\w*)"),
    rule("bladder-full-nothing-out", "emergency",
          r"(?:" + CANT + r"|nothing will|it won'?t) (?:get|push|squeeze|let|come) (?:anything |any"
          r" |it |much |a drop )?out",
          requires=r"blad+e?r|pee|wee|urin\w*|toilet|loo", near=120),
    rule("cannot-feel-toilet", "emergency",
          FEEL_NEG + " " + gap(4) + r"(?:wip\w*|toilet paper|loo roll|tissue|toilet seat"
          r"|loo seat|the paper)",
          r"(?:wip\w*|toilet paper|loo roll) " + gap(4) + r"(?:numb\w*|dead|no feeling|can'?t feel"
          r"|feels? (?:weird|strange|odd|different|like nothing))",
          NUMB + " " + gap(3) + r"when (?:i )?wip\w*",
          FEEL_NEG + r" (?:when|if|that) i (?:need|have|want|'?m going|am going) (?:to )?"
          r"(?:a )?(?:pee|wee|poo|poop|go)",
          FEEL_NEG + r" (?:my ?self|it) (?:peeing|weeing|pooing|coming out)",
          r"(?:no|lost (?:all )?(?:the )?|los(?:s|ing) (?:of )?|reduced|less|hardly any|barely any)"
          r" (?:feeling|sensation) " + gap(2) + r"(?:when|while|as) (?:i |he |she )?(?:pee|wee"
          r"|poo|poop|urinat\w*|pass (?:urine|water|stools?|a stool)|open (?:my|his|her) bowels"
          r"|go to the (?:toilet|loo))",
          r"(?:" + NUMB + "|" + FEEL_NEG + r" (?:anything|a thing|much)) " + gap(3)
          + r"(?:when|while|as) i (?:go to|use|sit on|am on|'?m on) (?:the )?(?:toilet|loo"
          r"|bathroom|lavatory)"),
    rule("saddle-numbness", "emergency",
          NUMB + " " + gap(4) + r"(?:in |around |round |on |of )?" + AREA,
          AREA + " " + gap(3) + r"(?:is|are|feels?|felt|has|have|went|gone|going|got|get"
          r"|getting|seems?) " + gap(2) + NUMB,
          FEEL_NEG + r" (?:anything |much |it |a thing )?"
          r"(?:(?!numb|tingl|pain|problem|issue|sensation)[\w']+ ){0,2}" + AREA,
          r"saddle (?:area|region|numb\w*|an(?:a|ae|e)sth\w*|tingl\w*|sensation|feeling)",
          NUMB + r"[^.!?\n]{0,40}\bsaddle",
          r"(?:bum|backside|bottom|butt|buttocks|crotch|groin|privates|private parts|inner thighs"
          r"|insides? of (?:my |his |her )?thighs) " + gap(3) + r"(?:is|are|feels?|felt|has|have"
          r"|went|gone|going|got|getting) " + gap(2) + NUMB,
          NUMB + " " + gap(3) + r"(?:in |around |on )?(?:both )?(?:inner thighs|insides? of"
          r" (?:my |his |her )?thighs|private parts|privates|back passage)",
          r"(?:have|got|having|think it'?s|sounds? like|could (?:this|it) be|signs of) (?:got )?"
          r"(?:cau?da equin\w*|corda equina)"),
    rule("sexual-numbness", "emergency",
          r"(?:can'?t|cannot|don'?t|didn'?t|no longer|couldn'?t) feel (?:anything|a thing|much"
          r"|it)? ?(?:during|when (?:having|we have)|in) (?:sex|intercourse)",
          r"numb\w* (?:during|in|when having) (?:sex|intercourse)",
          r"(?:can'?t|cannot|unable to|couldn'?t) (?:get|keep|maintain) an erection",
          requires=BACK + r"|" + SCIATICA + r"|disc|numb\w*", near=300, unless=CHRONIC),
    rule("both-legs-weak-or-numb", "emergency",
          r"both (?:of )?(?:my |his |her |the )?(?:legs?|leggs|feet|lower limbs|thighs) "
          + gap(5) + r"(?:weak\w*|numb\w*|tingl\w*|dead|paraly[sz]\w*|giving (?:way|out)"
          r"|flopp\w*|flop\w*|drag\w*|slapp\w*|catch\w*|won'?t lift|dropp\w*"
          r"|gave (?:way|out)|buckl\w*|collaps\w*|not working|stopped working"
          r"|won'?t (?:move|work|hold))",
          r"(?:weak\w*|numb\w*|numnes+|tingl\w*|paraly[sz]\w*|pins and needles|no feeling"
          r"|lost (?:the )?feeling) " + gap(3) + r"(?:in |down |of )?both (?:of )?"
          r"(?:my |his |her |the )?(?:legs?|leggs|feet|sides)",
          r"(?:legs|feet) (?:are )?both (?:\w+ )?(?:getting |going |gone |feel\w* |are )?"
          r"(?:weak\w*|numb\w*|dead|floppy|heavy and weak|giving (?:way|out))",
          unless=CHRONIC),
    # A "sensory level": numbness rising up the body or everything below the chest or waist —
    # both legs at once, from the spinal cord.
    rule("rising-numbness", "emergency",
          NUMB + " " + gap(4) + r"(?:from (?:my |his |her |the )?(?:chest|waist|belly ?button|ribs"
          r"|breasts?|nipples|stomach|tummy|belly|hips) (?:down|downwards)|(?:spreading|moving"
          r"|creeping|rising|climbing|going|travell?ing|working its way|crept|spread|moved) "
          + gap(4) + r"(?:up|upwards) " + gap(3) + r"(?:to|past|as far as|towards|now at|at)"
          r" (?:my |his |her |the )?(?:waist|belly ?button|hips|chest|ribs|stomach|tummy|belly"
          r"|groin|knees|thighs|nipples))",
          r"(?:from|below) (?:my |his |her |the )?(?:chest|waist|belly ?button|ribs|nipples)"
          r" (?:down|downwards)? ?" + gap(3) + r"(?:is |are |has |have |went |gone |feels? )?"
          + NUMB,
          unless=CHRONIC),
    rule("legs-giving-way", "emergency",
          LEGS + " " + gap(4) + r"(?:giving|gave|give|gives|went|gone|going|turned|turning"
          r"|keep) (?:way|out|from under\w*|to jelly|underneath)",
          LEGS + " " + gap(2) + r"(?:like |to )jelly",
          LEGS + " " + gap(2) + r"(?:buckl\w*|collaps\w*|crumpl\w*)",
          LEGS + " " + gap(2) + r"(?:won'?t|wont|can'?t|cannot|don'?t|do not|will not)"
          r" (?:hold|support|carry|take) (?:me|my weight|him|her)",
          r"(?:" + CANT + r"|can barely|can hardly|barely|hardly) (?:feel|move|lift|use)"
          r" (?:either (?:of )?(?:my |his |her )?legs?|both (?:of )?(?:my |his |her )?legs"
          r"|(?:my |his |her )?" + LEGS + ")",
          CANT + r" (?:walk|stand)(?: up)?(?: at all| anymore| any more| properly since| since"
          r"| today| this morning)",
          r"sudden\w* " + gap(2) + CANT + r" (?:walk|stand|move my legs)",
          r"(?:can|could) (?:barely|hardly) (?:walk|stand)(?: now| at all| anymore| today"
          r"| since)",
          LEGS + r"\b[^.!?\n]{0,60}" + CANT + r" (?:stand|walk|move)(?: up)?"
          r"(?= *(?:$|[.,!?;]|now|at all|anymore|any more|today))",
          r"(?:sudden\w*|new|getting worse|worsening|rapidly) " + gap(3) + r"(?:weak|numb)\w* "
          + gap(3) + r"(?:in )?(?:my |his |her |the |both )?" + LEGS,
          LEGS + " " + gap(3) + r"(?:weak|numb)\w* " + gap(4) + r"(?:sudden\w*|getting worse"
          r"|by the (?:hour|minute)|every hour|rapidly|quickly"
          r"|worse and worse|worse every|since (?:this morning|yesterday|last night|today|i woke)"
          r"|today)",
          r"(?:numb|paraly[sz]ed|dead) " + gap(2) + r"from (?:the|my|his|her) (?:waist|hips?|chest"
          r"|belly button|tummy|stomach|bum)(?: down)?",
          r"(?:can'?t|cannot|unable to|couldn'?t) (?:lift|raise|move) (?:either|both) (?:of my )?"
          r"(?:foot|feet|legs?)",
          r"(?:toes|feet) (?:keep )?(?:drag\w*|catch\w*) (?:on )?both sides",
          r"(?:weak|weaker|numb)\w* " + gap(5) + r"both of them",
          r"(?:so weak|too weak) (?:that )?i (?:had to|have to) crawl",
          r"(?:lost|no) (?:all )?(?:feeling|sensation|movement) (?:in|from) (?:my |the )?"
          r"(?:legs|waist down|hips down)",
          unless=CHRONIC),
    rule("sciatica-both-legs", "emergency",
          SCIATICA + " " + gap(4) + r"(?:in |down |into |on |through |to |going down )?both "
          r"(?:my |of my |the )?(?:legs?|leggs|sides|thighs|buttocks|hips)",
          r"both (?:my )?(?:legs|sides) " + gap(4) + SCIATICA,
          r"(?:bilateral|double) " + SCIATICA,
          SCIATICA + " " + gap(4) + r"(?:spread|spreading|moved|moving|gone|going|went|is now"
          r"|now) " + gap(2) + r"(?:to |into |down )?(?:the other|my other)"),
    rule("pain-down-both-legs", "emergency",
          r"(?:pain\w*|going|goes|shoot\w*|radiat\w*|travel\w*|spread\w*|burning) " + gap(2)
          + r"(?:down |into |in )both (?:my |of my )?(?:legs|leggs|buttocks|thighs)",
          requires=SCIATICA),
    rule("fall-or-accident-back-pain", "emergency",
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
          r"(?:dived|dove|diving) (?:in|into)", r"hit (?:my|his|her) head",
          requires=BACK, unless=OLD),
    rule("stroke-signs", "emergency",
          r"face " + gap(3) + r"(?:droop\w*|drop\w*|sag\w*|lopsided|fallen|slid\w*)",
          r"(?:droop\w*|dropped|saggy|sagging|lopsided) " + gap(2) + r"(?:face|mouth|smile"
          r"|side of (?:my|his|her) face)",
          r"(?:slur\w*|slurry) " + gap(1) + r"(?:speech|words|talking|voice)",
          r"(?:speech|talking|words|voice) " + gap(2) + r"(?:slurr?ed|slurring|garbled|jumbled"
          r"|muddled|gibberish|coming out wrong|not making sense)",
          CANT + r" (?:speak|talk|get (?:my |his |her |the )?words out"
          r"|find (?:my |his |her |the )?words|smile properly|lift (?:my|his|her|one) arm"
          r"|raise (?:my|his|her|one) arm)",
          r"(?:having|have|i'?ve had|just had|think (?:i'?m|im|i am|he'?s|she'?s|it'?s|i had"
          r"|he had|she had)|could this be|is this|am i having|is (?:he|she) having)"
          r" (?:an? )?(?:mini[- ]?)?(?:stroke|tia)",
          r"(?:has|have|having|showing|got) (?:the )?(?:stroke (?:symptoms|signs)|signs of (?:a )?"
          r"stroke)",
          r"(?:mouth|face|lip|smile) (?:is |has |was )?(?:\w+ )?(?:droop\w*|lopsided|not moving"
          r"|isn'?t moving|gone (?:funny|floppy|slack|numb))",
          r"(?:speech|talking|voice|words) (?:sounds?|is|are|seems?) (?:all )?(?:drunk|funny|wrong"
          r"|strange|weird|garbled)", r"talking (?:nonsense|gibberish|rubbish)",
          r"(?:lift|raise) (?:my|his|her|one|either|the) (?:left |right )?arm",
          r"sudden\w* " + gap(2) + r"(?:weak\w*|numb\w*|heav\w*) " + gap(4) + r"(?:whole |one )?"
          r"(?:left|right|one) side",
          r"(?:arm|hand|leg) " + gap(1) + r"sudden\w* (?:stopped working|went dead|gave up"
          r"|dropped)",
          r"(?:is|'s|are|'re|am|'m|keeps?|started|been) slurr\w*",
          unless=HABITUAL + "|" + OLD, passing=True),
    # -- crisis: no knowledge-question exemption ---------------------------------------------
    rule("arm-weak-with-face-or-speech", "emergency",
          r"(?:arm|hand) (?:has |have |is |just )?(?:gone|went|going|is|feels?|turned) (?:all )?"
          r"(?:floppy|limp|dead|weak|heavy|useless|numb)",
          requires=r"face|speech|slurr\w*|words|talk\w*|speak\w*|mouth|smile", near=150,
          unless=OLD, passing=True),
    rule("suicide", "crisis",
          r"su+i+c+i+d\w*|suicdal|sucid\w*|suiced\w*|suisid\w*|suiside\w*|suicde|suacid\w*"
          r"|sewer ?slide|unalive\w*"),
    rule("kill-myself", "crisis",
          r"(?:kill|kil|kll|killing|killed|murder) (?:my ?self|myslef|meself|me self|him ?self"
          r"|her ?self|them ?selves)", r"kms",
          r"(?:end|ending|take|taking) (?:his|her|their) (?:own )?li(?:fe|ves)",
          r"(?:worked out|planned|plan|know|decided|thought about|thinking about) (?:exactly )?how"
          r" (?:i'?d|i would|i will|i'?ll|to|he'?d|she'?d) (?:do it|kill|end)",
          r"(?:made|have|got|making) (?:a |the |my )plan(?!s? (?:for|to see|with))",
          r"(?:today|tonight|tomorrow) (?:is|'s) (?:my |the )?(?:last|final) (?:day|night)"
          r"|tonight'?s the night|my last day",
          r"won'?t be (?:around|here) (?:for|much longer|by|next|at)",
          r"(?:i|i'?ll) won'?t be (?:around|here)(?= *(?:$|[.!?]))",
          r"(?:i )?know where (?:he|she|they|my \w+) keeps? (?:his|her|their|the) (?:gun|rifle"
          r"|shotgun|pistol)",
          r"won'?t be (?:a |an )?(?:problem|burden|trouble|bother|nuisance|in (?:the|your|their)"
          r" way) (?:for|to) (?:anyone|anybody|you|them|everyone|my \w+) (?:much|for much|any)"
          r" longer",
          r"(?:rope|noose) " + gap(4) + r"(?:garage|loft|tree|looking at|ready)",
          r"(?:bought|ordered|got|getting|buying|found) (?:myself )?(?:a |some |the )?"
          r"(?:length of )?(?:rope|noose)"
          r"(?! (?:for|to (?:tie|tow|hang (?:the|my) (?:washing|clothes))))",
          r"(?:jump\w*|step\w*|throw\w* (?:my|him|her)sel\w*) (?:off|from|in front of|onto)"
          r" (?:the |a )?(?:edge|multi-?storey|platform|tracks|train|bridge|roof|bus|lorry)",
          r"(?:hit|run over) by a (?:bus|train|car|lorry|truck) so",
          r"let go of the (?:steering )?wheel"
          r"|steer\w* (?:into|towards) (?:the )?(?:lorr|truck|traffic"
          r"|oncoming)\w*",
          r"way out (?:except|but|other than) (?:dying|death|suicide|ending it)",
          r"(?:end|ending|ended) (?:it all|it|my (?:own )?life|everything|things)(?! with)",
          r"(?:take|taking|took) my (?:own )?life", r"(?:off|top) myself",
          r"(?:hang|hanging|drown|drowning|shoot|shooting|gas) my ?self",
          r"jump\w* (?:off|in front of|from) (?:a|the) (?:bridge|train|building|roof|cliff"
          r"|tower|car park)"),
    rule("wish-to-die", "crisis",
          r"(?:want|wanna|wish|wishing|would like|ready|prefer|longing) " + gap(3) + r"(?:to )?"
          r"(?:die(?! down| off| out)|be dead|not be here|not exist|not be alive"
          r"|disappear\w*|be gone forever|not wake up|never wake up)",
          r"(?:rather|sooner) (?:just )?be dead|(?:being dead|dying|death) (?:has to be|would be|is"
          r"|must be|can'?t be) (?:better|easier|a relief|worse)",
          r"(?:hop\w*|pray\w*|wish\w*|if) " + gap(3) + r"(?:won'?t|wouldn'?t|didn'?t|don'?t|never"
          r"|not) (?:wake up|be here)",
          r"wish (?:i|that i) (?:was|were|wasn'?t|weren'?t|had never been|could) (?:dead|alive"
          r"|here|born|around|die|disappear)",
          r"better off (?:dead|without me|if i (?:was|were|wasn'?t|weren'?t) (?:gone|dead|here"
          r"|around|alive))",
          r"(?:happier|easier|better|fine|cope|manage) " + gap(2) + r"without me",
          r"(?:easier|better|happier|simpler)(?: off)? (?:for [\w']+ )?if i (?:just )?"
          r"(?:wasn'?t|weren'?t|was not|were not) (?:here|around|alive)",
          r"(?:easier|better|happier|simpler)(?: off)? (?:for [\w']+ )?if i (?:just )?"
          r"(?:was|were) (?:gone|dead)|(?:easier|better|happier|simpler)(?: off)? (?:for [\w']+ )?"
          r"if i (?:just )?(?:died|killed myself|disappeared)",
          r"(?:no ?one|nobody|noone) (?:would|will|'?d) (?:even )?(?:miss|notice|care"
          r"|mind)(?: me| if i)",
          r"(?:don'?t|dont|do not|no longer|never) (?:want|wish|wanna) to (?:live|be alive"
          r"|be here|be around|be in this world|exist|go on|carry on|keep going|wake up)",
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
          r"(?:not sure|unsure|don'?t know|not certain|no longer sure) (?:if |whether |that )?i"
          r" (?:want|wanna|still want) to (?:be here|be alive|live|go on|carry on|exist"
          r"|be around|wake up)",
          r"(?:(?:wouldn'?t|wouldnt|isn'?t|isnt) it (?:just )?(?:be )?(?:so )?)?"
          r"(?:nice|good|easier|better|peaceful|a relief) (?:to |if i could )?(?:just )?"
          r"(?:not exist|stop existing|cease to exist|disappear for good|not be here)",
          r"(?:hop\w*|wish\w*|pray\w*|want\w*|let(?:ting)?) " + gap(4) + r"(?:finish(?:es)?"
          r"|kills?) me(?: off)?",
          r"scared (?:of )?(?:my ?self|what i might do|what i'?ll do|i might do something)",
          r"(?:put\w*|get\w*|got|sort\w*) (?:all )?(?:my )?affairs in order"
          r"|sorted (?:everything|it all|things) (?:out )?for after",
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
          r"sa(?:y|ying|id) goodbye to (?:everyone|people|my family|everybody)",
          r"(?:i'?m|im|i am) (?:just |so )?(?:done|finished)[.,!]* (?:[\w']+[.,!]* ){0,3}"
          r"(?:good ?bye|bye (?:for ever|forever|for good)|farewell)",
          r"(?:good ?bye|farewell)[.,!]* (?:and )?thank(?:s| you) (?:for (?:trying|everything"
          r"|all|listening|being there|putting up with me))",
          r"(?:won'?t|will not|wont|don'?t|do not) (?:be )?need(?:ing)? (?:to [\w']+ )?(?:this"
          r"|these|it|them|you|anything|any of (?:this|it)) " + gap(3) + r"(?:after tonight"
          r"|where i'?m going|(?:much|any) longer)",
          # preparations and goodbyes (Samaritans: putting affairs in order, saying goodbye)
          r"(?:whoever|who ?ever|the person who|someone who) finds? me(?! on the floor)"
          r"|(?:when|so) (?:they|he|she|the kids|my \w+|(?:it'?s|its) (?:him|her|them)"
          r" (?:that|who)) finds? me(?= *(?:$|[.,!?;]| (?:dead|like (?:this|that)|afterwards"
          r"|and|so)\b))",
          r"money (?:aside|away|by) (?:so|for) (?:the|my) funeral",
          r"sa(?:y|ying|id) (?:bye|goodbye) to " + gap(10) + r"(?:last time|for the last time"
          r"|for good)",
          r"if (?:the |my )?(?:ms|illness|disease|it|this) (?:took|takes|killed|kills) me "
          + gap(3) + r"(?:i'?d|id|i would) (?:be )?(?:relieved|glad|happy|welcome it|not mind)"),
    rule("self-harm", "crisis",
          r"self[- ]?harm\w*|self[- ]?injur\w*|self[- ]?mutilat\w*",
          r"(?:harm|harming|harmed) (?:my ?self|myself)",
          r"(?:cut|cutting|slit|slitting|burn|burning|burned|burnt|scratch\w*) (?:my ?self|myself"
          r"|my wrists?|my (?:skin|arms|legs|thighs))",
          r"(?:punch\w*|bang\w*|hit\w*) " + gap(4) + r"(?:till|until) (?:it|they|i|my [\w']+)"
          r" (?:bleed\w*|split|bruis\w*|crack\w*)",
          HARM_ACT + r" " + gap(3) + BODY_OR_WALL + r",? " + gap(6) + PURPOSE,
          r"(?:hit|hitting|stab\w*) my (?:own )?(?:\w+ )?(?:legs?|arms?|hands?) with a (?:hammer"
          r"|knife)",
          r"(?:starv\w*|cut\w*|burn\w*|hurt\w*|hit\w*|bang\w*) (?:my ?self|myself|my body)"
          r" " + gap(2) + r"(?:to|as) punish",
          r"(?:to|as a way to|as) punish (?:my ?self|myself|my body)",
          r"how deep (?:should (?:i|you) cut|to cut|do (?:i|you) (?:have|need) to cut)"
          r"|too deep when (?:you|i) cut",
          r"(?:press\w*|hold\w*|held|put\w*) (?:the |a |my )?(?:iron|hair ?straighteners|lighter"
          r"|cigarette|hob) (?:on|onto|against|to) my",
          r"(?:hurt|hurting|punish|punishing|starve|starving)"
          r" (?:my ?self|myself) (?:on purpose|deliberately|intentionally|again|to cope|to feel"
          r"|because)",
          r"(?:want|urge|going|thinking about|think about|thought about|thoughts? (?:of|about))"
          r" (?:to )?(?:hurt|harm|cut|burn|hurting|harming|cutting) my ?self",
          unless=ACCIDENT),
    rule("overdose", "crisis",
          r"overdos\w*", r"od (?:on|with)",
          r"(?:take|taking|took|swallow\w*|down|downing) (?:all|a load|loads|a bunch|a handful"
          r"|handfuls|lots|the whole (?:box|packet|pack|bottle)|every one) (?:of )?"
          r"(?:my |the |these |those )?(?:pills|tablets|meds|medications?|painkillers|gabapentin"
          r"|pregabalin|baclofen|co-?codamol|paracetamol|tramadol|codeine|morphine)"
          r" (?:at once|in one go|together|tonight|and (?:die|end|never))",
          r"stockpil\w*", r"stock(?:ing)? up on (?:my )?\w+ from different",
          r"(?:take|taking|took|swallow\w*) (?:too (?:much|many)|extra|loads|a load)"
          r"[\w' ,/-]{0,50}? (?:on purpose|deliberately|intentionally)",
          HOARD + r" " + gap(3) + MEDICINE,
          r"(?:bag|(?:shoe ?)?box|drawer|stash|pile|tin|supply|load) (?:full )?of (?:all )?"
          r"(?:my )?(?:old |spare |unused |saved(?: up)? |left ?over )" + MEDICINE,
          r"(?:swallow\w*|took|taken|take|taking|downed) (?:all|a (?:big )?handful|handfuls|loads"
          r"|a load|lots|the whole (?:box|packet|pack|bottle|lot)|\d{2,} (?:of )?(?:my )?\w+|extra"
          r" pills) (?:of )?" + gap(3) + r"(?:pills|tablets|meds|medications?|painkillers"
          r"|gabapentin"
          r"|pregabalin|baclofen|co-?codamol|paracetamol|tramadol|codeine|morphine|amitriptyline"
          r"|sleeping tablets|\w+)",
          r"(?:enough|all my|got) (?:pills|tablets|meds) (?:saved|stored|hidden|lined up|ready)",
          r"(?:pills|tablets) lined up",
          r"(?:saving|saved|hoarding|hoarded) (?:up )?(?:my )?(?:\w+ )?(?:pills|tablets|meds"
          r"|gabapentin|pregabalin|baclofen|codeine|tramadol|morphine|amitriptyline|paracetamol)",
          # kept for a time of one's choosing: "collecting it for when I'm ready to go"
          r"(?:collect|sav|keep|kept|hoard|stash|stor|hid|hiding)\w* (?:it|them|these|those"
          r"|my [\w-]+|\w+) (?:up |away )?(?:for|until|till) (?:when|the day|the time) (?:i'?m|i am"
          r"|i feel|it'?s|it is|i need to go) (?:ready|time)",
          r"(?:put|putting|set|setting|kept|keeping) (?:one|two|some|a few|them|it|a tablet|a pill)"
          r" (?:aside|back) (?:every|each) (?:day|night|week|time)",
          ),
    # -- urgent ---------------------------------------------------------------------------------
    rule("fever-with-back-pain", "urgent", FEVER, requires=BACK),
    rule("unexplained-weight-loss", "urgent",
          r"(?:los(?:t|ing|e)|dropp(?:ed|ing)|drop|shed|shedding) " + gap(3) + WEIGHT
          + r"(?: [\w']+){0,6}? (?:without (?:trying|meaning to|dieting|a diet|reason"
          r"|explanation|even trying)|not (?:trying|dieting|on a diet)|for no (?:apparent "
          r"|obvious )?reason|(?:and )?(?:i )?(?:don'?t|do not|dont) know why"
          r"|(?:i )?can'?t explain)",
          r"(?:unexplained|unintentional|unintended|unexplainable|mystery|inexplicable"
          r"|unexpected) (?:loss of )?" + WEIGHT + r"(?: ?loss)?",
          r"weight ?loss " + gap(2) + r"(?:without|for no|i can'?t explain|unexplained"
          r"|i cannot explain)",
          WEIGHT + r" (?:is |has been |keeps |just )?(?:dropping|falling|coming|melting|dropped"
          r"|fallen) off",
          # NICE NG59: *unexplained* weight loss. Said to come from a diet or exercise, it is not.
          unless=r"(?:since|from|after|by|with|because of|thanks to) (?:i )?(?:joined|joining"
          r"|started|starting|going to|doing|being on|on|cutting|cut|eating)? ?(?:the |a |my )?"
          r"(?:gym|diet\w*|slimming|weight ?watchers|running|exercis\w*|calories|carbs|sugar"
          r"|better|healthier|less)|(?<!not )(?<!n't )(?<!nt )(?<!without )(?:trying|tried)"
          r" to lose|on purpose|intentional(?:ly)?|slimming world|weight ?watchers"),
    rule("cancer-history-back-pain", "urgent", CANCER, requires=BACK, near=400, timeless=True,
         unless=r"scare|benign|ruled out|(?:given )?the all[- ]clear|(?:was|were|came back) "
                r"(?:clear|negative)"),
    rule("pain-worse-at-night", "urgent",
          r"wakes? me (?:up )?(?:every|each) night", r"(?:there|present) all night",
          r"nothing (?:eases|helps|relieves) it", r"no position (?:helps|eases)",
          r"(?:worse|worst|bad|terrible|unbearable|awful|agony|intense|excruciating|horrendous"
          r"|so bad) " + gap(2) + r"(?:at|in the|during the|through the) night",
          r"night[- ]?time (?:back )?pain|night pain",
          r"(?:wakes?|waking|woke|keeps?|keeping|kept) me (?:up|awake)",
          r"(?:woken|wake|waking|woke) " + gap(2) + r"(?:by|with|from|because of) (?:the |my )?"
          r"(?:[\w']+ )?(?:pain|ache|agony)",
          r"(?:worse|worst) (?:when )?(?:lying|laying) (?:down|flat|in bed|still)",
          r"(?:worse|worst) when i (?:lie|lay) (?:down|flat|in bed|still)",
          r"(?:aches?|hurts?|pain\w*|throbs?|sore|agony) " + gap(2) + r"(?:all|every|through the"
          r"|the whole) night",
          r"at night " + gap(3) + r"(?:worse|worst|unbearable|agony|so bad|terrible)",
          requires=PAIN, near=120,
          unless=r"spasm\w*|cramp\w*|restless|bladder|pee|wee|toilet|loo|nocturia|jerk\w*"
          r"|twitch\w*|kick\w*|(?<!nothing )eases?|easing|arthritis"
          r"|when i (?:get up|move|change position)"
          r"|sit still|sitting still"),
    rule("injecting-drugs", "urgent",
          r"inject\w* " + gap(2) + r"(?:drugs|heroin|meth\w*|speed|cocaine|coke|crack|smack"
          r"|gear|steroids)",
          r"iv drugs?|ivdu|intravenous (?:drug|heroin)\w*",
          r"(?:shoot|shooting|shot|shoots) up (?:heroin|drugs|gear|smack|meth)",
          r"shar\w* needles|(?:dirty|used|shared) needles|heroin",
          requires=r"back|spine|spinal|neck|pain\w*|fever|ache\w*|hurt\w*", near=400,
          unless=MS_MEDICINE + "|" + OLD),
    rule("possible-relapse", "urgent",
          r"(?:having|have|had|in|going through|got|started|starting"
          r"|think (?:i'?m|im|i am|it'?s|this is)(?: having)?) (?:an? |another |my )?(?:ms )?"
          r"(?:relapse|exacerbation|ms attack|ms flare(?:[- ]?up)?|flare[- ]?up)",
          r"relapsing(?! remitting|-remitting)",
          r"(?:ms|my ms) (?:is )?(?:flaring|flared)|(?:new|fresh) relapse",
          unless=r"last|previous|past|years ago|scared|afraid|worried about|fear|prevent|avoid"
          r"|after (?:a|my|the)|during|if i|sciatica|back pain|pain flare"),
    rule("new-symptoms-over-24h", "urgent",
          SYMPTOM + r"(?: \S+){0,14}? " + DURATION,
          DURATION + r"(?: \S+){0,14}? " + SYMPTOM,
          r"(?:old|previous|past|usual)? ?(?:ms )?" + SYMPTOM + " " + gap(3)
          + r"(?:came back|come back|coming back|returned|returning|are back|is back"
          r"|back again)",
          # spreading day by day (MS Trust: a relapse can build up over days)
          SYMPTOM + " " + gap(5) + r"(?:a (?:bit|little|lot) )?(?:higher|further up|spread\w*"
          r"|creep\w* up|mov\w* up|travell?\w* up) " + gap(4) + r"(?:each|every|a|per) day",
          r"(?:each|every) day " + gap(3) + SYMPTOM + " " + gap(5) + r"(?:a (?:bit|little|lot) )?"
          r"(?:higher|further up|spread\w*|creep\w* up|mov\w* up|travell?\w* up)",
          unless=OLD + "|" + CHRONIC),
    rule("vision-loss-or-double-vision", "urgent",
          DOUBLE + r" (?:vision|vison|visoin|sight|images?)",
          r"seeing (?:double|two of everything|things double|two of things)|diplopia",
          r"seeing (?:everything|things) (?:twice|double|in two)|(?:2|two) of everything",
          r"(?:everything|things) (?:looks?|is|are|appears?|seems?) double",
          r"(?:lost|losing|lose|loss of) " + gap(2) + r"(?:vision|sight|eyesight)",
          r"(?:went|gone|going|am|'?m) blind",
          r"blind(?:ness)? in (?:one|my [\w']+|the [\w']+) eye",
          CANT + r" see " + gap(2) + r"(?:out of|with|from|in) (?:my|one|the) (?:[\w']+ )?eye",
          r"(?:vision|sight|eyesight) (?:in (?:my|one|the) (?:[\w']+ )?eye )?" + gap(2)
          + r"(?:went|gone|going|has gone|suddenly|turned) (?:[\w']+ )?(?:black|dark|blurr\w*"
          r"|grey|gray|dim|cloudy|foggy|misty|washed out)",
          r"sudden\w* " + gap(2) + r"(?:blurr\w*|lost|dim|dark|loss of|foggy) (?:[\w']+ )?"
          r"(?:vision|sight|eyesight)",
          r"blurr\w* " + gap(2) + r"(?:in|of|out of) (?:one|my (?:left|right)|the (?:left"
          r"|right)) eye",
          r"(?:pain|hurts?|painful|ache\w*|sore) " + gap(3) + r"(?:mov\w*|look\w* (?:around"
          r"|sideways|to the side)) (?:my |the )?eyes?",
          r"eyes? (?:has |have )?(?:went|gone|going|turned) (?:all )?(?:blurr\w*|dark|dim|cloudy"
          r"|foggy|misty|black|grey|gray)",
          r"eyes? " + gap(6) + r"(?:hurts?|pain\w*|painful|sore) " + gap(3) + r"(?:mov\w*"
          r"|look\w* (?:around|sideways|to the side|up|left|right))",
          r"optic neuritis",
          # "left eye foggy and painful since tuesday"
          r"eyes? (?:is |are |has been |have been |feels? |looks? |has gone |gone |went )?"
          r"(?:all |really |a bit |very |quite |so )?(?:blurr\w*|foggy|cloudy|misty|hazy|dim)",
          unless=r"hot bath|sauna|shower|heat|cleared|came back|cooled|" + OLD),
    rule("urine-infection-ms-worse", "urgent",
          r"(?:burn\w*|sting\w*|hurts?|pain\w*|sore|painful) " + gap(3) + r"(?:when|while|as"
          r"|after|to) (?:i )?(?:pee|wee|urinat\w*|piss|peeing|weeing|pass (?:urine|water)"
          r"|go to the (?:toilet|loo))",
          r"(?:pee|wee|urinat\w*|peeing|weeing) " + gap(3) + r"(?:burn\w*|sting\w*|hurts?"
          r"|painful)",
          r"utis?|(?:urine|urinary(?: tract)?|bladder|water|kidney) infection|cystitis",
          r"(?:pee|urine|wee) (?:is |smells|looks |stinks)?(?:cloudy|smelly|bloody)?"
          r"|(?:cloudy|smelly|bloody|strong[- ]smelling) (?:and )?(?:cloudy |smelly )?"
          r"(?:pee|urine|wee)",
          requires=WORSE),
    # -- emergency: the general "call 999" list, arriving in this chat all the same ----------
    rule("chest-pain", "emergency",
          r"(?:pain\w*|ache|aching|hurt\w*|pressure|tight\w*|heavy|heaviness|crush\w*|squeez\w*"
          r"|weight) " + gap(4) + r"(?:in |on |across |round |around |of )?(?:my |his |her |the )?"
          + CHEST,
          CHEST + r" " + gap(4) + r"(?:pain\w*|hurt\w*|tight\w*|crush\w*|heavy|pressure"
          r"|squeez\w*|elephant|weight)",
          r"clutch\w* (?:at )?(?:my |his |her |the )?" + CHEST, r"(?:having|had|having) a heart"
          r" attack|heart attack (?:now|right now)",
          requires=r"arm|jaw|shoulder|sweat\w*|clammy|sick|nause\w*|breath\w*|grey|gray|crush\w*"
          r"|elephant|weight|heart|pressure|squeez\w*|faint\w*|clutch\w*", near=150,
          # "it's my MS hug" voids it; "is this the MS hug?" asks, and does not
          unless=r"(?<!is this the ms )(?<!is it the ms )(?<!is this my ms )(?<!be the ms )"
          r"(?<!or the ms )(?<!is this the )(?<!is it the )(?<!be the )(?<!or the )hug|cough\w*"
          r"|heartburn|indigestion|infection|" + OLD),
    rule("sudden-severe-headache", "emergency",
          WORST + r" " + gap(3) + HEADACHE, HEADACHE + r" " + gap(6) + WORST,
          HEADACHE + r"[^.!?\n]{0,80}" + STIFF_NECK, STIFF_NECK + r"[^.!?\n]{0,80}" + HEADACHE,
          STIFF_NECK + r"[^.!?\n]{0,100}(?:fever\w*|temperature|rash|vomit\w*|being sick|spots)",
          r"(?:fever\w*|temperature)[^.!?\n]{0,100}" + STIFF_NECK,
          r"rash (?:that )?(?:doesn'?t|does not|won'?t) fade",
          unless=r"usual|always|every (?:day|week|month)|hangover|"
          + OLD),
    rule("sudden-loss-of-sight", "emergency",
          r"(?:sudden\w*|just|overnight|out of nowhere|all at once|in the last hour|woke up and)"
          r" " + gap(3) + r"(?:lost (?:the |my |all )?(?:sight|vision)|los(?:s|ing) (?:of )?"
          r"(?:my |all )?(?:sight|vision)|can'?t see (?:anything|a thing|at all|out of)|gone blind"
          r"|went blind|blind)",
          r"(?:total|complete|completely|totally) " + gap(1) + r"(?:loss of|lost|blind|los\w*)"
          r" " + gap(2) + r"(?:sight|vision)?",
          r"(?:can'?t|cannot|unable to) see (?:anything|a thing) (?:at all )?(?:out of|with|in)?",
          r"(?:lost|losing|loss of) " + gap(2) + r"(?:sight|vision) " + gap(2) + r"(?:in )?"
          + BOTH_EYES, r"(?:gone|went|going) (?:completely |totally )?blind",
          r"(?:everything|it) went (?:black|dark) in (?:one|my|his|her) (?:\w+ )?eye",
          r"like a (?:curtain|blind|shadow) (?:came|coming|has come) down",
          r"(?:vision|sight|eyesight) " + gap(5) + r"(?:vanished|disappeared|went|gone|blacked out"
          r"|cut out|switched off),? " + gap(3) + r"(?:sudden\w*|all at once|at once|in (?:a )?"
          r"(?:second|seconds|an instant)|just like that|completely (?:dark|black)|totally (?:dark"
          r"|black))",
          r"(?:sudden\w*|all at once|out of nowhere) " + gap(2) + r"(?:my |the )?(?:vision|sight"
          r"|eyesight) " + gap(4) + r"(?:vanished|disappeared|went (?:black|dark)|blacked out"
          r"|cut out)",
          unless=r"blurr\w*|for a (?:second|moment)|hot bath|sauna|shower|heat|" + OLD),
    rule("seizure", "emergency", SEIZURE, r"(?:two|three|several|\d+) fits",
         r"fits? back to back", unless=r"history of|epilep\w* (?:for|since)|" + OLD),
    rule("collapse-or-unresponsive", "emergency", COLLAPSE,
          r"(?:isn'?t|is not|not|won'?t|hasn'?t|has not) (?:respond\w*|woken up|waking up|wake up"
          r"|come round|answering me)",
          unless=r"nearly|almost|felt like|about to|" + OLD),
    rule("breathing-difficulty", "emergency", BREATH,
          r"breath\w* (?:is |are |has gone )?(?:really |very )?(?:laboured|labored|strange\w*|noisy"
          r"|shallow|rasping|rattl\w*)", r"(?:going|gone|turned|turning) (?:grey|gray|blue)",
          unless=r"after (?:running|stairs|the stairs|exercise|climbing)|when i run|" + OLD),
    rule("severe-allergic-reaction", "emergency", AIRWAY_SWELLING,
          SWELLING + r"[^.!?\n]{0,80}" + ALLERGY_SIGN, ALLERGY_SIGN + r"[^.!?\n]{0,80}" + SWELLING,
          ALLERGY + r"[^.!?\n]{0,120}" + SYSTEMIC, SYSTEMIC + r"[^.!?\n]{0,80}" + ALLERGY,
          unless=r"hay ?fever|sore throat|tonsil\w*|cold|" + OLD),
    rule("vomiting-or-coughing-blood", "emergency", BLOOD_UP,
          unless=r"streaks?|specks?|fleck\w*|tiny|a (?:little|bit|spot)|nose ?bleed\w*|gums|"
          r"period|" + OLD),
    # -- crisis: means of harm asked as a question ------------------------------------------
    rule("lethal-dose-question", "crisis",
          r"how (?:many|much) " + gap(5) + LETHAL,
          r"(?:lethal|fatal|deadly|toxic) (?:dose|amount|number|quantity)",
          r"(?:dose|amount|number|quantity|how many|how much) " + gap(6) + r"(?:would|will|could"
          r"|to) " + gap(2) + r"(?:kill|be fatal|be lethal|stop (?:my|your) heart|not wake up)",
          r"(?:dose|amount|how many|how much) " + gap(6) + r"(?:is|are|would be) (?:fatal|lethal"
          r"|deadly|enough to kill)",
          r"(?:can|could|would|will) (?:you|i|someone|a person) die (?:from|if|of) (?:taking|an?"
          r" overdose)", r"(?:dangerous|deadly|fatal) to take (?:all )?(?:at once|together)",
          r"(?:end|ending) my life with", r"would it be quick",
          r"not (?:asking )?for (?:safety|medical) reasons",
          r"what (?:happens|would happen|will happen)[\w' ]{0,25} if (?:you|i|someone|a person)"
          r" (?:take|took|swallow\w*|ate|had|down\w*) " + AMOUNT,
          r"(?:take|swallow|down) (?:them|it|the lot|everything) (?:all )?at once",
          r"(?:take|taking|swallow\w*) enough " + gap(3) + LETHAL,
          r"(?:dangerous|deadly|fatal|lethal)[\w' ,?/-]{0,80}? (?:i (?:honestly )?hope (?:it is"
          r"|it'?s |so|it does|it will)|hoping (?:it is|so))",
          MEDICINE + r" " + gap(6) + ALCOHOL + r"[, ]+" + gap(8) + r"(?:drift off|slip away"
          r"|not wake|never wake|for good|be enough|kill|die|be the end|end it)"),
    rule("resolve-beside-means", "crisis",
          r"(?:(?:i'?ve |i have )?made (?:up )?my mind|my mind'?s made up)(?= *(?:$|[.!?\n]))",
          r"know (?:exactly )?what i(?:'m| am)? (?:want|going|gonna|plan\w*|mean) to do with"
          r" (?:them|it|the (?:pills|tablets|lot))",
          # tired of living beside the means (Samaritans: hopelessness with access to means)
          r"(?:tired|sick) of (?:everything|it all|life|living|being alive|being here)",
          requires=MEDICINE + "|" + ALCOHOL + r"|box(?:es)?|packets?|rope", near=200),
    rule("amount-enough-question", "crisis", AMOUNT + r" " + gap(8) + ENOUGH,
          r"(?:is|are|would|will|was) " + AMOUNT + r"[\w' ,-]{0,60} enough\b"
          r"(?! (?:for|to (?:help|work|ease|last|get|see|cover)))",
          requires=MEDICINE + "|" + ALCOHOL, near=120),
    rule("harm-by-vehicle-or-fall", "crisis",
          VEHICLE_HARM + r" " + gap(8) + END_PAIN,
          r"(?:want|wanted|wanna|tempted|thinking|thought|feel like|urge|could) " + gap(3)
          + r"(?:to )?(?:just )?" + VEHICLE_HARM,
          r"(?:make|making|let) (?:the |this |it |my )?(?:pain|suffering|it all) (?:stop|end)"
          r" (?:for good|forever|permanently)"),
    # -- urgent: fracture risk ---------------------------------------------------------------
    rule("steroids-or-osteoporosis-sudden-back-pain", "urgent",
          STEROID + r"[^.!?\n]{0,160}" + SUDDEN_SHARP, SUDDEN_SHARP + r"[^.!?\n]{0,160}" + STEROID,
          requires=BACK, near=200),
)


class Entry(NamedTuple):
    """What a flag covers and the clinical source that sets its level."""

    covers: str
    source: str


_CES = ("NHS, Cauda equina syndrome (nhs.uk/conditions/cauda-equina-syndrome): \"go to A&E or "
        "call 999\"; NICE NG59 red flags; Sheffield Aches & Pains (NHS MSK), \"What is back "
        "pain?\"")
_CES_TOILET = ("NHS GP practice leaflet \"Cauda Equina Syndrome Warning Signs\": \"altered "
               "feeling when using toilet paper to wipe yourself\", \"not knowing when your "
               "bladder is either full or empty\" → A&E")
_FAST = ("NHS, Stroke symptoms (nhs.uk/conditions/stroke): FAST — face, arms, speech, time to "
         "call 999")
_999 = "NHS, When to call 999 (nhs.uk/nhs-services/urgent-and-emergency-care-services)"
_CRISIS = ("NHS, Help for suicidal thoughts (nhs.uk/mental-health/feelings-symptoms-behaviours/"
           "behaviours/help-for-suicidal-thoughts); Samaritans; 988 Lifeline")
_NG59 = ("NICE NG59, Low back pain and sciatica in over 16s: assess for a serious underlying "
         "cause (infection, cancer, fracture)")
_RELAPSE = ("MS Society, Relapses (mssociety.org.uk): new or worse symptoms for more than 24 "
            "hours, not explained by heat or infection → contact your MS team; MS Trust, "
            "Relapse")

CATALOGUE: dict[str, Entry] = {
    "wet-or-soiled-myself": Entry("wetting or soiling oneself, leaking urine or stool", _CES),
    "bladder-bowel-control-lost": Entry(
        "loss of bladder or bowel control, not knowing when one needs to go, can't tell if the "
        "bladder is full", _CES_TOILET),
    "cannot-pee": Entry("cannot pass urine, or new difficulty starting (retention)", _CES),
    "bladder-full-nothing-out": Entry("bladder full but nothing comes out", _CES),
    "cannot-feel-toilet": Entry("can't feel wiping, the toilet paper or the urine passing",
                                _CES_TOILET),
    "saddle-numbness": Entry("numbness or tingling between the legs, genitals, buttocks, inner "
                             "thighs (saddle area)", _CES),
    "sexual-numbness": Entry("new loss of sexual sensation or erection with back pain", _CES),
    "both-legs-weak-or-numb": Entry("new weakness, numbness or floppy feet in both legs", _CES),
    "rising-numbness": Entry(
        "numbness or tingling rising up from the feet, or everything below the chest or waist "
        "(both legs at once)", _CES),
    "legs-giving-way": Entry("legs giving way, suddenly can't stand or walk", _CES),
    "sciatica-both-legs": Entry("sciatica in both legs", "NICE NG59; " + _CES),
    "pain-down-both-legs": Entry("sciatic pain spreading down both legs", "NICE NG59; " + _CES),
    "fall-or-accident-back-pain": Entry(
        "back or neck pain after a fall, crash or other trauma",
        _999 + ": serious injury; NICE NG59 (fracture)"),
    "stroke-signs": Entry("face drooping, slurred or garbled speech, suspected stroke", _FAST),
    "arm-weak-with-face-or-speech": Entry("a weak or limp arm with face or speech signs", _FAST),
    "chest-pain": Entry("crushing or tight chest pain, spreading to arm or jaw; heart attack",
                        _999 + ": chest pain"),
    "sudden-severe-headache": Entry(
        "sudden worst-ever headache; headache with stiff neck, fever or rash",
        _999 + ": sudden severe headache; NHS, Meningitis"),
    "sudden-loss-of-sight": Entry("sudden loss of sight: both eyes, total, or one eye all at once",
                                  _999),
    "seizure": Entry("a seizure or fit", _999 + ": seizure"),
    "collapse-or-unresponsive": Entry("collapse, passing out, unresponsive", _999),
    "breathing-difficulty": Entry("struggling to breathe, choking, blue lips", _999),
    "severe-allergic-reaction": Entry(
        "throat or tongue swelling or closing; face or lips swelling with wheeze, faintness or "
        "hives (anaphylaxis)", _999 + ": severe allergic reaction"),
    "vomiting-or-coughing-blood": Entry(
        "vomiting or coughing up blood, bleeding that will not stop",
        _999 + ": severe bleeding; NHS, Vomiting blood (nhs.uk/conditions/vomiting-blood)"),
    "suicide": Entry("any mention of suicide", _CRISIS),
    "kill-myself": Entry("wanting to kill oneself or end one's life", _CRISIS),
    "wish-to-die": Entry("passive wishes to die, being a burden, no point in living, goodbyes "
                         "(\"I'm done. Goodbye\", \"I won't need this after tonight\")",
                         _CRISIS),
    "self-harm": Entry("self-harm, hurting oneself on purpose", _CRISIS),
    "overdose": Entry("overdose, stockpiling, saving up or hoarding medicine", _CRISIS),
    "lethal-dose-question": Entry(
        "a lethal-dose or \"how many would it take\" question; a medicine mixed with alcohol "
        "to drift off", _CRISIS),
    "resolve-beside-means": Entry(
        "a mind made up, a purpose for medicine, or being tired of it all, said beside the "
        "means", _CRISIS),
    "amount-enough-question": Entry(
        "whether a large amount of a medicine \"would be enough\" (\"would 30 baclofen be "
        "enough\", \"my whole month's supply\")", _CRISIS),
    "harm-by-vehicle-or-fall": Entry(
        "crashing the car or stepping in front of traffic to make the pain stop", _CRISIS),
    "fever-with-back-pain": Entry("fever, chills or sweats with back pain (spinal infection)",
                                  _NG59),
    "unexplained-weight-loss": Entry("unexplained weight loss (cancer)", _NG59),
    "cancer-history-back-pain": Entry("back pain with a history of cancer", _NG59),
    "pain-worse-at-night": Entry("back pain worse at night or lying down (cancer, infection)",
                                 _NG59),
    "injecting-drugs": Entry("back pain in someone who injects drugs (infection)", _NG59),
    "steroids-or-osteoporosis-sudden-back-pain": Entry(
        "sudden sharp back pain with long-term steroids or osteoporosis (fracture)",
        _NG59 + "; Royal Osteoporosis Society"),
    "possible-relapse": Entry("a possible MS relapse or flare", _RELAPSE),
    "new-symptoms-over-24h": Entry("new or returning MS symptoms for more than 24 hours",
                                   _RELAPSE),
    "vision-loss-or-double-vision": Entry(
        "blurred, dim or double vision, eye pain on moving (optic neuritis)", _RELAPSE),
    "urine-infection-ms-worse": Entry("a urine infection with MS symptoms worse", _RELAPSE),
}


def table() -> str:
    """The catalogue as a Markdown table, most severe level first (the README shows it)."""
    from bot.safety.rules import RANK

    rows = ["| flag | level | covers | source |", "|---|---|---|---|"]
    for r in sorted(RULES, key=lambda r: RANK[r.level]):
        entry = CATALOGUE[r.name]
        rows.append(f"| `{r.name}` | {r.level} | {entry.covers} | {entry.source} |")
    return "\n".join(rows)

