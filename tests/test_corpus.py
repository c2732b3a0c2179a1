"""The corpus: five Markdown articles whose bodies are the source files byte for byte."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from ingest.corpus import body_sha256, corpus_hash, load_corpus, parse
from ingest.errors import CorpusError
from ingest.settings import ROOT
from ingest.types import Document

# id -> (title, source file), as recorded in each file's front matter
EXPECTED = {
    "ms-back-pain-causes": ("Back pain in MS: causes and treatment options",
                            "001_03b6c2df889e8f94.txt"),
    "ms-back-pain-features": ("Telling MS-related back pain from other causes",
                              "004_300b609264a4759c.txt"),
    "ms-lower-back-pain": ("Does MS directly cause lower back pain?", "002_9a97ca62f1ebe46e.txt"),
    "ms-pain-back-hip-nerve": ("MS pain in the back, hips and nerves", "003_5bfaf6c2f17326e5.txt"),
    "ms-sciatica": ("MS and sciatica: how they differ and how they connect",
                    "000_165dfb2847cd5c20.txt"),
}
IDS = sorted(EXPECTED)

FRONT = "---\nid: {id}\ntitle: T\nsource: s.txt\nsource_sha256: {sha}\n---\n"


def article(doc_id: str, body: str, extra: str = "") -> str:
    """A corpus file whose recorded hash is its body's, as `ingest add` writes it."""
    sha = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return (f"---\nid: {doc_id}\ntitle: T\nsource: s.txt\nsource_sha256: {sha}\n{extra}---\n"
            + body)


def by_id(docs: list[Document]) -> dict[str, Document]:
    return {d.doc_id: d for d in docs}


def test_five_documents_with_expected_ids(docs: list[Document]) -> None:
    assert [d.doc_id for d in docs] == IDS


def test_front_matter_fields(docs: list[Document]) -> None:
    assert {d.doc_id: (d.title, d.source) for d in docs} == EXPECTED
    for doc in docs:
        assert re.fullmatch(r"[0-9a-f]{64}", doc.source_sha256), doc.doc_id


@pytest.mark.parametrize("doc_id", IDS)
def test_body_sha256_equals_recorded_source_sha256(docs: list[Document], doc_id: str) -> None:
    """Runs everywhere (a user's clone has no corpus-source): the body is the recorded source."""
    doc = by_id(docs)[doc_id]
    assert hashlib.sha256(doc.body.encode("utf-8")).hexdigest() == doc.source_sha256
    assert body_sha256(doc) == doc.source_sha256


@pytest.mark.parametrize("doc_id", IDS)
def test_body_is_the_file_after_front_matter_without_newline_translation(
    docs: list[Document], doc_id: str
) -> None:
    raw = (ROOT / "corpus" / f"{doc_id}.md").read_bytes()
    assert raw.startswith(b"---\n")
    _front, body = raw[4:].split(b"\n---\n", 1)
    assert by_id(docs)[doc_id].body.encode("utf-8") == body


@pytest.mark.parametrize("doc_id", IDS)
def test_body_equals_source_file_byte_for_byte(
    docs: list[Document], doc_id: str, corpus_source: Path | None
) -> None:
    if corpus_source is None:
        pytest.skip("../shared/corpus-source is absent (developers and CI have it, a user's "
                    "clone does not); the recorded sha256 is checked instead")
    doc = by_id(docs)[doc_id]
    assert (corpus_source / doc.source).read_bytes() == doc.body.encode("utf-8")


def test_every_source_file_has_an_article(docs: list[Document], corpus_source: Path | None) -> None:
    if corpus_source is None:
        pytest.skip("../shared/corpus-source is absent (developers and CI have it, a user's "
                    "clone does not)")
    assert sorted(p.name for p in corpus_source.iterdir()) == sorted(d.source for d in docs)


def test_parse_keeps_body_exactly() -> None:
    raw = FRONT.format(id="a", sha="x") + "\nFirst line.\r\n  indented\n\n"
    doc = parse(raw, "a.md")
    assert doc == Document("a", "T", "s.txt", "x", "\nFirst line.\r\n  indented\n\n")


def test_load_corpus_keeps_crlf_bytes(tmp_path: Path) -> None:
    """`newline=""`: a Windows line ending in a body survives, so offsets match the source."""
    body = "One.\r\nTwo.\r\n"
    (tmp_path / "a.md").write_bytes(article("a", body).encode("utf-8"))
    [doc] = load_corpus(tmp_path)
    assert doc.body == body


def test_load_corpus_sorts_by_file_name(tmp_path: Path) -> None:
    for name in ("b", "a", "c"):
        (tmp_path / f"{name}.md").write_text(article(name, name), "utf-8")
    (tmp_path / "notes.txt").write_text("not an article", "utf-8")
    assert [(d.doc_id, d.body) for d in load_corpus(tmp_path)] == [
        ("a", "a"), ("b", "b"), ("c", "c")]


MALFORMED = [
    pytest.param("Body without front matter.\n", "no front matter", id="no-front-matter"),
    pytest.param("---\r\nid: bad\r\n---\r\nBody.", "no front matter", id="crlf-front-matter"),
    pytest.param("---\nid: bad\ntitle: T\nsource: s.txt\n", "not closed", id="unclosed"),
    pytest.param("---\nid: bad\ntitle: T\nsource: s.txt\n---\nBody.", "lacks source_sha256",
                 id="missing-field"),
    pytest.param("---\nid: bad\ntitle: ''\nsource: s.txt\nsource_sha256: x\n---\nBody.",
                 "lacks title", id="empty-field"),
    pytest.param(article("other", "Body."), "differs from the file name",
                 id="id-not-file-name"),
    pytest.param(
        "---\nid: [bad\ntitle: T\n---\nBody.", "bad.md",
        
        id="invalid-yaml"),
    pytest.param(
        "---\n- id\n- title\n---\nBody.", "bad.md",
        
        id="front-matter-not-a-mapping"),
]


@pytest.mark.parametrize(("text", "message"), MALFORMED)
def test_malformed_file_raises_corpus_error(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "bad.md").write_text(text, "utf-8", newline="")
    with pytest.raises(CorpusError) as err:
        load_corpus(tmp_path)
    assert "bad.md" in str(err.value)
    assert message in str(err.value)


def test_empty_corpus_dir_raises_corpus_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no articles in"):
        load_corpus(tmp_path)


def test_corpus_hash_covers_every_body_character(docs: list[Document]) -> None:
    base = corpus_hash(docs)
    assert corpus_hash(list(docs)) == base
    last = docs[-1]
    edited = [*docs[:-1], Document(last.doc_id, last.title, last.source, last.source_sha256,
                                   last.body + " ")]
    assert corpus_hash(edited) != base
    retitled = [*docs[:-1], Document(last.doc_id, "Another title", last.source,
                                     last.source_sha256, last.body)]
    assert corpus_hash(retitled) != base


# -- provenance and bad input ------------------------------------------------------------------
def test_the_article_that_states_its_publisher_and_date_carries_them(docs) -> None:
    features = by_id(docs)["ms-back-pain-features"]
    assert (features.publisher, features.published, features.url) == (
        "Persly Health Information", "2026-02-16", None)
    assert "Persly Health Information" in features.body  # stated by the article itself
    assert "February 16, 2026" in features.body
    assert features.provenance == "Persly Health Information, 2026-02-16"
    others = [d for d in docs if d.doc_id != "ms-back-pain-features"]
    assert all(d.publisher is d.published is d.url is None for d in others)


def test_provenance_fields_are_read(tmp_path: Path) -> None:
    extra = "publisher: MS Society\npublished: 2024-03-05\nurl: https://example.org/pain\n"
    (tmp_path / "a.md").write_text(article("a", "Body.", extra), "utf-8")
    [doc] = load_corpus(tmp_path)
    assert (doc.publisher, doc.published, doc.url) == (
        "MS Society", "2024-03-05", "https://example.org/pain")


@pytest.mark.parametrize(("extra", "message"), [
    ("published: 16 February 2026\n", "published must be a date as YYYY-MM-DD"),
    ("author: Someone\n", "unknown field(s) author"),
])
def test_bad_provenance_is_refused(tmp_path: Path, extra: str, message: str) -> None:
    (tmp_path / "a.md").write_text(article("a", "Body.", extra), "utf-8")
    with pytest.raises(CorpusError) as err:
        load_corpus(tmp_path)
    assert str(err.value).startswith("a.md: ") and message in str(err.value)


def test_body_edited_by_hand_names_the_file_and_both_fixes(tmp_path: Path) -> None:
    from ingest.corpus import rehash

    path = tmp_path / "a.md"
    path.write_text(article("a", "Body.") + " Edited.", "utf-8")
    with pytest.raises(CorpusError) as err:
        load_corpus(tmp_path)
    assert str(err.value) == (
        "a.md: the body no longer matches its recorded hash (edited after it was added; quotes "
        "are checked against this text). Undo the edit with `git checkout -- a.md`, or accept "
        f"it with `python -m ingest rehash {path}`")
    rehash(path)
    [doc] = load_corpus(tmp_path)
    assert doc.body == "Body. Edited."
    assert doc.source_sha256 == hashlib.sha256(b"Body.").hexdigest()  # the source's, kept


def test_duplicate_id_names_both_files(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(article("a", "One."), "utf-8")
    (tmp_path / "a copy.md").write_text(article("a", "Two."), "utf-8")
    with pytest.raises(CorpusError) as err:
        load_corpus(tmp_path)
    assert str(err.value) == ("a copy.md: id 'a' is already used by a.md: delete the copy, or "
                              "give it an id of its own and name the file <id>.md")


def test_non_utf8_corpus_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(article("a", "Caf").encode() + b"\xe9")
    with pytest.raises(CorpusError, match=r"a.md: not UTF-8 text"):
        load_corpus(tmp_path)
