"""Concept lexicons: each names one idea (a body function, a kind of loss, an onset, a time
scope) as a regex alternation of the words people use for it, with lay terms, UK and US
spellings and common typos. Red flags in `bot.safety.catalogue` are combinations of these,
matched within a clause: site or function × loss or change × onset.

Not here: how a combination is matched and scoped (`bot.safety.rules`, `bot.safety.scope`).
"""

from __future__ import annotations


def gap(n: int) -> str:
    """Up to `n` filler words ("my legs [just keep] giving way")."""
    return rf"(?:[\w']+,? ){{0,{n}}}"


# -- loss or inability ---------------------------------------------------------------------------
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
    r"|where (?:my|your|his|her) (?:underwear|pants|knickers|boxers|undies) (?:goes|go|sits?"
    r"|would be|touch\w*)|vagina|vulva|labia|penis|testicles|scrotum|anus"
    r"|(?:the |my )?(?:groin|genital|crotch|buttock|bottom|bum|anal|private|saddle) (?:area|region)"
    r"|groin|genitals|crotch|buttocks|perineum)"
)
LEGS = r"(?:legs|leggs|legz)"
SCIATICA = r"(?:sciatica|sciatic\w*|siatica|sciatca|sciattica|schiatica|sciatia|shooting pains?)"
BACK = r"(?:back|spine|spinal|neck|tailbone|coccyx|lumbar|vertebra\w*|sciatica)"
PAIN = r"(?:pain\w*|ache\w*|aching|achy|achey|hurts?|hurting|sore|throbb\w*|sciatica|agony|back)"
DOUBLE = r"(?:doub?b?le|duble|dubble|dbl)"
WEIGHT = (r"(?:(?:\d+ ?)?(?:weight|wieght|wight|pounds|lbs|kilos?|kgs?|stones?)|half a stone"
          # "dropped 2 dress sizes"
          r"|(?:\d+|a|one|two|three) (?:dress|clothes|clothing|jeans?|trousers?|trouser) sizes?)")
SYMPTOM = (
    r"(?:numb\w*|tingl\w*|pins and needles|weak\w*|balance|dizz\w*|vertigo|vision|eyesight"
    r"|blurr\w*|walking|walkin|clums\w*|symptoms?|speech|swallowing|co-?ordination|tremor\w*"
    r"|dragg\w*|foot drop|buzz\w*|unsteady|wobbl\w*|memory|word[- ]finding|confus\w*"
    r"|lhermitte\w*|electric shocks?|spasms?|spasticity|ms hug|tight band|hug"
    # one side of the body changed: "the whole right side of my body has felt different"
    r"|(?:side|half) of (?:my |his |her )?(?:body|face))"
)
_NUM = r"(?:\d+|one|two|three|four|five|six|seven|a few|several|a couple(?: of)?|couple of|a)"
DURATION = (
    r"(?:(?:for|over|in|since|lasting|lasted|been) (?:the )?(?:last |past )?"
    r"(?:more than |over |about |nearly |almost )?"
    r"(?:" + _NUM + r" (?:days?|weeks?)|(?:24|30|36|48|72) ?(?:hours|hrs|h)|a day and a half"
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
    r"(?:worse|worsening|weaker|weak|flar\w*|playing up|deteriorat\w*|relaps\w*|gone downhill"
    r"|getting (?:really |much |so )?bad|barely walk"
    r"|harder to walk|can'?t walk)"
)

# `unless` patterns: a clause that says the hit is old, chronic, accidental or an MS medicine.
OLD = (
    r"(?:\d+|a few|two|three|four|five|six|several|many|ten|twenty) (?:years?|months?) ago"
    r"|last (?:year|month|summer|winter|spring|autumn)|years ago|months ago|in (?:19|20)\d\d"
    r"|as a (?:child|kid|teen\w*|toddler|baby|student)|when i was (?:young|younger|a child|little"
    r"|a kid|a toddler|a baby|a teen\w*|a student|at (?:school|uni\w*|college)|\d+\b)"
    r"|fine now|recovered|better now|long time ago|a while ago|ages ago"
    r"|once (?:at|when|as a|years|ages|long ago|before|back in|on holiday)"
    # "I used to get it", not "the word the physio used to warn me"
    r"|(?<!than )(?:i|it|they|that|this|which|we|he|she) used to"
    r"|(?<!than )used to (?:have|get|be|suffer|happen|feel)"
    r"|in my (?:teens|twenties|thirties|forties|fifties|sixties|[1-6]0'?s)"
)
CHRONIC = (
    r"for (?:years|ages|a long time|months|decades)|since (?:my )?diagnos\w*|always"
    r"|(?<!than )usual(?:ly)?|normal for me|every (?:summer|evening)"
    r"|when (?:i'?m |it'?s |i am |it is )?(?:hot|tired|warm)|in the heat|hot (?:showers?|baths?"
    r"|weather|days?)|sauna|then it passes|for a bit|in a good way"
    r"|after (?:a |my )?(?:walk|exercise|gym|shower|bath|workout|long day)"
    r"|by the end of the day|on and off"
)
# A sign that comes with fatigue or heat, or has for years, in the same clause ("speech gets
# muddled when I'm tired"): MS fatigue, not a stroke. Not "for a bit" or "then it passes": a
# stroke sign that passes may be a TIA, still an emergency (FAST).
HABITUAL = (
    r"when(?:ever)? (?:i'?m|im|i am|i get|i'?ve been|he'?s|she'?s|he gets|she gets) (?:really "
    r"|very |so |too |a bit )?(?:tired|exhausted|fatigued|worn out|hot|overheated|stressed"
    r"|run down)|(?:with|from) (?:tiredness|fatigue|exhaustion)"
    r"|(?:at|by|towards?) the end of (?:the|a long) day|brain fog|for (?:years|ages|decades)"
    r"|(?:til|until) (?:i'?ve|i have) had (?:a |my )?(?:coffee|cuppa|tea)"
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



# -- concepts added for the general "call 999" emergencies, fracture risk and means of harm ------
CHEST = r"(?:chest|ches|breast ?bone|sternum)"
CHEST_PAIN = (
    r"(?:pain\w*|ache\w*|aching|hurts?|hurting|tight\w*|crush\w*|heavy|heaviness|pressure"
    r"|squeez\w*|vice|elephant|gripping|burning)"
)
HEADACHE = r"(?:head ?aches?|head ?ache|headahce|migraine|head (?:pain|is (?:pounding|splitting)))"
WORST = (
    r"(?:worst|sudden\w*|thunderclap|exploding|explosive|excruciating|blinding|splitting"
    r"|like (?:being )?(?:hit|kicked|struck)|out of nowhere|came on (?:in )?(?:seconds|suddenly))"
)
STIFF_NECK = (
    r"(?:stiff (?:neck|necked)|neck (?:is |feels |has gone |went )?(?:so |really |very )?stiff"
    r"|can'?t (?:bend|move|touch|put) (?:my |his |her )?(?:neck|chin)"
    r"|rash (?:that )?(?:doesn'?t|does not|won'?t) fade|light hurts (?:my|his|her) eyes)"
)
BOTH_EYES = (
    r"(?:both (?:of )?(?:my |his |her |the )?eyes|either eye|everything (?:went|has gone|is)"
    r" (?:black|dark)|(?:all|totally|completely|suddenly) (?:blind|dark))"
)
SEIZURE = (
    r"(?:seizur\w*|siezur\w*|convuls\w*|(?:having|had|has|have|took|gone into) (?:a |another )?"
    r"fit(?:s)?\b|fitting|epileptic (?:fit|attack))"
)
COLLAPSE = (
    r"(?:collaps(?:ed|ing)(?! (?:legs?|disc))|passed out|pass(?:ing)? out|blacked out|black(?:ing)?"
    r" out|unconscious|unresponsive|won'?t wake (?:up)?|can'?t (?:wake|rouse) (?:him|her|them)"
    r"|fainted|faint(?:ing)? (?:and|then))"
)
BREATH = (
    r"(?:can'?t|cannot|struggling to|hard to|unable to|difficult(?:y)? (?:to )?|trouble|barely"
    r"|fighting to) (?:breath\w*|catch (?:my |his |her )?breath|get (?:my |his |her )?breath"
    r"|get air)|gasping(?: for (?:air|breath))?|(?:lips?|face) (?:are |is |gone |going |turned )?"
    r"blue|choking"
)
STEROID = (
    r"(?:steroids?|prednis\w*|pred|methylpred\w*|solu-?medrol|dexamethasone|osteoporo\w*"
    r"|osteopeni\w*|brittle bones|thin(?:ning)? bones|weak bones|bone density)"
)
SUDDEN_SHARP = (
    r"(?:sudden\w*|sharp|severe|stabbing|agoni\w*|excruciating|snap\w*|crack\w*|pop\w*"
    r"|slipped|fell|fall|trip\w*|landed|bump\w*|very painful|out of"
    r" nowhere|all of a sudden|just (?:bent|coughed|sneezed|lifted)|after (?:coughing|sneezing"
    r"|bending|lifting|a cough|a sneeze))"
)
LETHAL = (
    r"(?:lethal|fatal|deadly|kill (?:me|a person|someone|you)|to die|to not wake up|to never wake"
    r" up|so i (?:don'?t|won'?t|never) wake up|stop (?:my|your) heart|enough to (?:end|kill)"
    r"|to (?:never|not) come round)"
)
# Harm by a vehicle or a drop, as a means to die ("crash the car to make the pain stop").
VEHICLE_HARM = (
    r"(?:crash\w* (?:my |the )?car|driv\w* (?:my car |the car )?(?:into|off) (?:a |the )?"
    r"(?:wall|tree|bridge|lorry|truck|river|cliff|road)|swerv\w* into|step\w* in front of"
    r"|walk\w* (?:out )?in front of)"
)
END_PAIN = (
    r"(?:(?:make|making) (?:the |this |it )?(?:pain )?(?:stop|end|go away)(?: for good| forever)?"
    r"|(?:end|stop) (?:the|this|my) (?:pain|suffering)(?: for good| forever)|on purpose"
    r"|deliberately|so it(?:'s| is) over|be done with it|for good|forever)"
)
# A severe allergic reaction (NHS "call 999": sudden swelling of the lips, mouth, throat or
# tongue, breathing difficulty, fainting).
AIRWAY_SWELLING = (
    r"(?:anaphyla\w*|epi-?pen|(?:throat|tongue|airway) " + gap(2) + r"(?:(?:is|are|'s|has|feels?"
    r"|keeps?) )?(?:clos\w*|clos\w* up|swell\w*|swollen|tight\w*|block\w*))"
)
SWELLING = (
    r"(?:(?:face|lips?|mouth|eyes?|eyelids?) " + gap(3) + r"(?:swell\w*|swollen|puff\w*"
    r"|blown up|blew up|ballooned|(?:gone|got|going|getting) (?:all )?(?:fat|huge|massive|big)))"
)
# An allergic reaction that reaches breathing or circulation is anaphylaxis (NHS Allergy North
# West: "reactions that affect breathing or make you feel faint"; NHS: a fast heartbeat).
ALLERGY = r"(?:allerg\w*|(?<!no )reaction|hives|rash|stung|itch\w* all over|itchy all over)"
SYSTEMIC = (
    r"(?:wheez\w*|(?:feel\w*|felt|going|gone|so) (?:really |very |a bit )?faint|fainted"
    r"|light-?headed|heart (?:is |'s |was )?(?:racing|pounding)|racing heart"
    r"|(?:can'?t|cannot|struggling to|hard to|trouble) (?:breath\w*|swallow\w*))"
)
ALLERGY_SIGN = (
    r"(?:wheez\w*|breath\w*|faint\w*|dizz\w*|hives|rash|allerg\w*|reaction|sting\w*"
    r"|stung|throat|swallow\w*|collaps\w*)"
)
# Blood brought up, or bleeding that will not stop (NHS: vomiting blood needs emergency care;
# "call 999": severe bleeding).
BLOOD_UP = (
    r"(?:(?:vomit\w*|throw\w* up|threw up|puk\w*|being sick|been sick|cough\w*(?: up)?"
    r"|spit\w* up|bring\w* up) " + gap(6) + r"blood|blood " + gap(3) + r"(?:in|when i) "
    r"(?:my )?(?:vomit|sick|cough|puke)|bleeding (?:heavily|badly|a lot|everywhere)"
    r"|(?:won'?t|will not|can'?t|cannot) stop (?:the )?bleeding|bleeding (?:that )?(?:won'?t|will"
    r" not) stop|heavy bleeding|blood everywhere)"
)


# Means of harm gathered or weighed up (NHS, Samaritans: stockpiling medicine, asking how much
# would be "enough", mixing it with alcohol, hurting oneself on purpose).
MEDICINE = (
    r"(?:pills?|tablets?|tabs|meds|medicines?|medications?|prescriptions?|painkillers?"
    r"|sleeping (?:pills|tablets)|gabapentin|pregabalin|lyrica|baclofen|tizanidine|amitrip\w*"
    r"|amytrip\w*|nortriptyline|duloxetine|co-?codamol|codeine|paracetamol|tramadol|morphine"
    r"|oramorph|oxycodone|oxycontin|fentanyl|diazepam|valium|zopiclone|insulin)"
)
ALCOHOL = r"(?:vodka|whisky|whiskey|gin|rum|wine|alcohol|booze|drink|beers?|spirits)"
HOARD = (
    r"(?:sav(?:e|es|ed|ing) (?:them |it )?up|hoard\w*|stash\w*|squirrel\w* away"
    r"|(?:put|putting|set|setting) aside|(?:been|keep|kept) (?:collect|sav)\w*)"
)
# How much would do it: a large amount asked about as "enough" ("would 30 baclofen be enough").
AMOUNT = (
    r"(?:\d{2,}(?! ?(?:mg|mcg|ml|g|milligrams?|%|minutes?|mins?|hours?|days?|years?))"
    r"|all (?:of )?(?:my|the|these|those|them)|(?:my|the|a) whole|(?:a|my|the) (?:months?'?s?"
    r"|weeks?'?s?|full) (?:supply|worth|prescription)|(?:the|a) (?:whole |full )?(?:box|packet"
    r"|pack|bottle|strip))"
)
ENOUGH = (
    r"(?:be|is|are|'s|was) (?:it |that |they )?enough\b"
    r"(?! (?:for|to (?:help|work|ease|last|get|see|cover)))"
)
HARM_ACT = (
    r"(?:punch\w*|hit|hits|hitting|bang\w*|bash\w*|smash\w*|scratch\w*|burn\w*|cut|cuts"
    r"|cutting|bit|bite|biting|pinch\w*|scald\w*)"
)
BODY_OR_WALL = (
    r"(?:walls?|doors?|my ?self|my (?:own )?(?:head|hands?|arms?|legs?|skin|knuckles|fists?"
    r"|wrists?|thighs?|face|body|stomach|leg|arm))"
)
PURPOSE = r"(?:on purpose|deliberately|intentionally|to feel something|to cope|as punishment)"
