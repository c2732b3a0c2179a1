"""Structure and sentences: headings and FAQ questions are found and never quoted; list items
keep their lead-in's paragraph; the splitter gets the corpus's tricky sentences exactly right."""

from __future__ import annotations

import re

import pytest

from ingest import sentences as splitter
from ingest.chunk import sentence_table
from ingest.structure import BULLET, blocks, classify
from ingest.types import Block, Document

# Every heading and FAQ question of every article, in order.
SECTIONS = {
    "ms-back-pain-causes": [
        ("heading", "Treating and managing spasticity"),
        ("heading", "Treating neuropathic pain"),
        ("heading", "Treating Lhermitte’s sign"),
        ("heading", "Treating muscle and mobility issues"),
        ("heading", "Causes that may particularly affect people with MS"),
        ("heading", "A herniated disk"),
        ("heading", "Other causes of back pain"),
    ],
    "ms-back-pain-features": [
        ("heading", "Key Takeaway:"),
        ("question", "Can Multiple Sclerosis Cause Back Pain, and How Is It Different From "
                     "Other Causes?"),
        ("heading", "How MS Can Cause Back Pain"),
        ("heading", "Features That Help Distinguish MS-Related Back Pain"),
        ("heading", "Comparison: MS-Related vs Mechanical/Radicular Back Pain"),
        ("heading", "Practical Evaluation Tips"),
        ("heading", "Treatment Approaches"),
        ("heading", "When to Seek Medical Attention"),
        ("heading", "Key Takeaways"),
    ],
    "ms-lower-back-pain": [
        ("question", "Is Multiple Sclerosis a Direct Cause of Lower Back Pain?"),
        ("heading", "How MS Symptoms Indirectly Lead to Back Discomfort"),
        ("heading", "Distinguishing MS-Related Pain from Common Mechanical Back Issues"),
        ("heading", "Managing Back Pain When Living with MS"),
    ],
    "ms-pain-back-hip-nerve": [
        ("heading", "Skeletal And Soft Tissue Pain"),
        ("heading", "Factors That May Make Back Pain Worse"),
        ("heading", "Some Causes Of Ms Lower Back Pain"),
        ("heading", "Multiple Sclerosis As A Cause For Hip Pain"),
        ("heading", "Problems With Thinking Learning And Planning"),
        ("heading", "Muscle And Mobility Problems"),
        ("heading", "Treatment Options For Lower Back Pain"),
        ("heading", "The Symptoms Of Lower Back Pain"),
        ("heading", "Some Of The More Common Descriptions Include:"),
        ("heading", "Is It My Meds Or My Gait"),
        ("heading", "The Brain And Spinal Cord: Where Symptoms Typically Start"),
        ("heading", "When Ms Is Not The Cause"),
        ("heading", "Low Back Pain Sciatica And Multiple Sclerosis"),
        ("heading", "The Myth of pain and Multiple Sclerosis"),
        ("heading", "What Else Can I Do About Pain Related To Multiple Sclerosis"),
        ("heading", "Drug Treatments For Nerve Pain"),
    ],
    # The source lost its headings; its FAQ survives as four question lines.
    "ms-sciatica": [
        ("question", "Is sciatica associated with MS?"),
        ("question", "Does MS cause buttock pain?"),
        ("question", "Can a pinched nerve be mistaken for MS?"),
        ("question", "What does MS nerve pain feel like?"),
    ],
}


def doc_blocks(docs: list[Document], doc_id: str) -> tuple[Document, list[Block]]:
    [doc] = [d for d in docs if d.doc_id == doc_id]
    return doc, blocks(doc.body)


def line_from(docs: list[Document], prefix: str) -> str:
    """The rest of the single corpus line that starts with `prefix`."""
    found = [m.group() for d in docs for m in re.finditer(re.escape(prefix) + r"[^\n]*", d.body)]
    assert len(found) == 1, (prefix, found)
    return found[0]


@pytest.mark.parametrize("doc_id", sorted(SECTIONS))
def test_headings_and_questions_exactly(docs: list[Document], doc_id: str) -> None:
    _, found = doc_blocks(docs, doc_id)
    assert [(b.kind, b.text) for b in found if b.kind in ("heading", "question")] == \
        SECTIONS[doc_id]


def test_question_becomes_the_section_of_its_answer(docs: list[Document]) -> None:
    _, found = doc_blocks(docs, "ms-sciatica")
    after = [found[i + 1] for i, b in enumerate(found) if b.kind == "question"]
    assert [(b.section, b.text.split(".")[0]) for b in after] == [
        ("Is sciatica associated with MS?", "While recent research has suggested that MS may "
                                            "potentially affect the peripheral nervous system, "
                                            "more studies need to be done to determine a "
                                            "definitive relationship between the two"),
        ("Does MS cause buttock pain?", "MS can cause muscle tightness (spasticity) that can "
                                        "result in cramping and pain"),
        ("Can a pinched nerve be mistaken for MS?", "While a pinched nerve and MS can both cause "
                                                    "muscle and nerve pain, they have different "
                                                    "causes that doctors can test for"),
        ("What does MS nerve pain feel like?", "MS nerve pain can feel like burning, stabbing, "
                                               "sharpness, or squeezing"),
    ]


def test_heading_colon_is_not_part_of_the_section(docs: list[Document]) -> None:
    _, found = doc_blocks(docs, "ms-back-pain-features")
    [first] = [b for b in found if b.kind == "paragraph"][:1]
    assert first.section == "Key Takeaway"


@pytest.mark.parametrize(("line", "kind"), [
    ("Treating Lhermitte’s sign", "heading"),
    ("Key Takeaway:", "heading"),
    ("There Are Two Main Types Of Pain In Multiple Sclerosis:", "heading"),  # alone; see below
    ("Does MS cause buttock pain?", "question"),
    ("• physical therapy", "item"),
    ("- getting stuck on words", "item"),
    ("MS damages the nerves.", "paragraph"),
    ("MS can cause painful sensations, including:", "paragraph"),
    ("This can include:", "paragraph"),
    # more than MAX_QUESTION_WORDS: a paragraph that happens to end with "?"
    ("Does it have a unique sensation when compared to other causes of hip pain such as "
     "rheumatoid arthritis, a pinched nerve and a bone infection?", "paragraph"),
])
def test_classify(line: str, kind: str) -> None:
    assert classify(line) == kind


def test_blocks_are_exact_stripped_body_slices(docs: list[Document]) -> None:
    for doc in docs:
        for block in blocks(doc.body):
            assert doc.body[block.start:block.end] == block.text
            assert block.text == block.text.strip() and "\n" not in block.text
            if block.kind == "item":
                assert not BULLET.match(block.text), block.text  # bullet left outside


def test_no_heading_or_question_is_a_sentence(docs: list[Document]) -> None:
    for doc in docs:
        found = blocks(doc.body)
        table = sentence_table(doc, found)
        titles = [b for b in found if b.kind in ("heading", "question")]
        assert titles
        for b in titles:
            overlapping = [s.text for s in table if s.start < b.end and s.end > b.start]
            assert overlapping == [], (doc.doc_id, b.text)
        assert not {s.text for s in table} & {b.text for b in titles}


def test_list_items_share_the_paragraph_of_their_lead_in(docs: list[Document]) -> None:
    _, found = doc_blocks(docs, "ms-sciatica")
    [lead] = [b for b in found if b.text == "MS can cause painful sensations, including:"]
    i = found.index(lead)
    items = found[i + 1 : i + 7]
    assert [(b.kind, b.text) for b in items] == [("item", t) for t in [
        "muscle weakness, muscle stiffness, and muscle spasms",
        "tingling and numbness, typically on the arms, legs, trunk, or face",
        "painful limb spasms",
        "sharp pain shooting down the legs or around the abdomen",
        "sudden burning or shocking pain affecting the face, especially in people with "
        "trigeminal neuralgia",
        "lower back pain and changes in sensation in the lower limbs, especially in people "
        "with spinal cord inflammation (transverse myelitis)",
    ]]
    assert {b.paragraph for b in items} == {lead.paragraph}
    after = found[i + 7]
    assert after.text.startswith("Sciatica is a bit different.")
    assert (after.kind, after.paragraph) == ("paragraph", lead.paragraph + 1)


def test_nested_list_items_all_share_the_lead_in_paragraph(docs: list[Document]) -> None:
    _, found = doc_blocks(docs, "ms-back-pain-features")
    [lead] = [b for b in found if b.text.startswith("While overlap exists")]
    i = found.index(lead)
    items = found[i + 1 : i + 13]
    assert [b.kind for b in items] == ["item"] * 12
    assert items[0].text == "Quality and triggers of pain"
    assert items[-1].text == ("Mechanical radiculopathy typically correlates with foraminal "
                              "stenosis or disc herniation compressing a nerve root; MS central "
                              "pain does not require root compression.")
    assert {b.paragraph for b in items} == {lead.paragraph}
    assert found[i + 13].kind == "heading"


@pytest.mark.parametrize("lead", ["You Might Like To Think About Whether The Feeling:",
                                  "There Are Two Main Types Of Pain In Multiple Sclerosis:"])
def test_a_title_cased_lead_in_keeps_its_list(docs: list[Document], lead: str) -> None:
    """Taken for a heading, these left their items to be quoted as lowercase fragments."""
    _, found = doc_blocks(docs, "ms-pain-back-hip-nerve")
    [head] = [b for b in found if b.text == lead]
    i = found.index(head)
    assert head.kind == "paragraph"
    items = []
    for b in found[i + 1 :]:
        if b.kind != "item":
            break
        items.append(b)
    assert len(items) == (7 if "Feeling" in lead else 2)
    assert {b.paragraph for b in items} == {head.paragraph}
    assert {b.section for b in items} == {head.section}


def test_a_short_colon_heading_and_a_lead_in_without_its_list_stay_headings(
        docs: list[Document]) -> None:
    _, found = doc_blocks(docs, "ms-back-pain-features")
    assert [b.kind for b in found if b.text == "Key Takeaway:"] == ["heading"]
    _, found = doc_blocks(docs, "ms-pain-back-hip-nerve")
    assert [b.kind for b in found if b.text.startswith("Some Of The More Common")] == ["heading"]


def test_no_list_item_is_left_without_a_capitalised_start_or_a_lead_in(docs) -> None:
    from ingest.chunk import lead_in

    sentences = [s for d in docs for s in sentence_table(d)]
    orphans = [s.text for i, s in enumerate(sentences) if s.kind == "item"
               and lead_in(sentences, i) is None and s.text[:1].islower()]
    assert orphans == []


def test_paragraph_numbers_never_decrease(docs: list[Document]) -> None:
    for doc in docs:
        numbers = [b.paragraph for b in blocks(doc.body)]
        assert numbers == sorted(numbers)


# (start of a real corpus line or list item, its exact sentences)
SPLITS = [
    pytest.param(
        "Lesions in the brain may affect cognitive abilities.",
        ["Lesions in the brain may affect cognitive abilities.",
         "Some people with MS have trouble with memory, attention and concentration, "
         "multitasking and decision-making, says Dr. Scherz.",
         "The changes are usually mild at the beginning, but can be frustrating as time goes by."],
        id="dr-mid-line"),
    pytest.param(
        "MS does not directly affect the joints",
        ["MS does not directly affect the joints, so the pain that people experience can be "
         "related to spasticity of the muscles near the hip joint or related to the way that "
         "they walk because of weakness or imbalance from their MS, explains Dr. Williams."],
        id="dr-williams"),
    pytest.param(
        "Multiple sclerosis (MS) can be associated with back pain",
        ["Multiple sclerosis (MS) can be associated with back pain, but the mechanisms and "
         "clinical features often differ from more common causes such as muscle strain, "
         "degenerative disc disease, or nerve root compression (radiculopathy).",
         "MS-related back pain may arise from central neuropathic pain due to spinal cord "
         "lesions, painful muscle spasms linked to spasticity, or secondary musculoskeletal "
         "problems from altered posture and mobility.",
         "Back pain is a recognized chronic pain syndrome in established MS, although it varies "
         "widely between individuals."],
        id="citation-markers"),
    pytest.param(
        "Paroxysmal, very brief, repetitive episodes",
        ["Paroxysmal, very brief, repetitive episodes without mechanical provocation (e.g., not "
         "worsened by lifting or bending) suggest MS-related painful spasms or radicular-like "
         "phenomena from intramedullary lesions."],
        id="e.g.-and-trailing-marker"),
    pytest.param(
        "If the pain is primarily neuropathic",
        ["If the pain is primarily neuropathic, medications like anti-seizure drugs (e.g., "
         "gabapentin) or certain antidepressants are often used to quiet the misfiring pain "
         "signals from the damaged nerves."],
        id="e.g.-in-brackets"),
    pytest.param(
        "has happened before.",
        ["has happened before.", "When?", "Does it feel the same?"],
        id="question-marks"),
    pytest.param(
        "Lhermitte’s sign: A brief “electric shock”",
        ["Lhermitte’s sign: A brief “electric shock” sensation down the spine and into limbs when "
         "bending the neck, typically reflecting cervical spinal cord involvement; some people "
         "perceive this as “back pain.”"],
        id="closing-quote-then-markers"),
    pytest.param(
        "Hip pain related to MS does not necessarily feel different",
        ["Hip pain related to MS does not necessarily feel different from hip pain related to "
         "other causes, says Mitzi J. Williams, MD, clinical neurologist with Morehouse School of "
         "Medicine, an MS specialist and clinical advisor for the Multiple Sclerosis Foundation."],
        
        id="middle-initial"),
    pytest.param(
        "Back pain is another common symptom of MS.",
        ["Back pain is another common symptom of MS.",
         "There are a number of reasons people with MS may have back pain."],
        
        id="sentence-ending-in-MS"),
]


@pytest.mark.parametrize(("prefix", "expected"), SPLITS)
def test_split_corpus_sentences_exactly(
    docs: list[Document], prefix: str, expected: list[str]
) -> None:
    line = line_from(docs, prefix)
    assert [line[s:e] for s, e in splitter.split(line)] == expected


def test_split_offsets_are_shifted() -> None:
    text = "Try a drug, e.g. Baclofen. It may help. [1] [2]"
    assert splitter.split(text) == [(0, 26), (27, 39)]
    assert splitter.split(text, offset=100) == [(100, 126), (127, 139)]
    assert [text[s:e] for s, e in splitter.split(text)] == ["Try a drug, e.g. Baclofen.",
                                                            "It may help."]


def test_no_sentence_runs_on_past_a_full_stop_after_MS(docs: list[Document]) -> None:
    run_on = [s.text for d in docs for s in sentence_table(d)
              if re.search(r"\bMS\. [A-Z]", s.text)]
    assert run_on == []


def test_no_sentence_carries_a_citation_marker_or_bullet(docs: list[Document]) -> None:
    for doc in docs:
        for s in sentence_table(doc):
            assert not re.search(r"\[\d+\]", s.text), s.text
            assert not BULLET.match(s.text), s.text
            assert s.text == s.text.strip() and "\n" not in s.text


def test_sentence_table_offsets_round_trip_in_order(docs: list[Document]) -> None:
    for doc in docs:
        table = sentence_table(doc)
        assert table
        previous_end = 0
        for s in table:
            assert doc.body[s.start:s.end] == s.text and s.doc_id == doc.doc_id
            assert previous_end <= s.start < s.end
            previous_end = s.end
