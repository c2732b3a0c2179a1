"""`python -m ingest add` and incremental ingest, on copies of the real corpus in tmp_path with
the real model: an added or edited article embeds only its new texts; refusals leave corpus/
untouched; a bad corpus file is an error naming the file and the fix while the index already
built stays usable."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from pathlib import Path

import pytest

import ingest.add
from ingest.__main__ import main
from ingest.add import add, preview, slug
from ingest.chunk import chunk_corpus, chunk_embed_text, sentence_embed_text
from ingest.corpus import load_corpus
from ingest.errors import AddRefused
from ingest.index import Index, build
from ingest.settings import ROOT, Settings
from ingest.vector_cache import VectorCache, text_key

# A small article written for these tests: two paragraphs, a heading, a line the cleaning
# rules drop ("Recommended Reading: …"). Its sentences occur nowhere in the real corpus.
ARTICLE = (
    "Heat and pain in MS\n"
    "Many people with MS notice that hot weather makes their nerve pain flare for a while. "
    "A cool shower or a cooling vest can bring the temperature down.\n"
    "Recommended Reading: Ten tips for a cool summer\n"
    "When to talk to your nurse\n"
    "Tell your MS nurse if heat leaves you in pain for more than a day.\n"
)
HTML = """<html><head><title>Cold and MS | Example MS Society</title>
<meta property="og:site_name" content="Example MS Society">
<meta name="date" content="2024-03-05"></head>
<body><nav>Home | Donate | Contact</nav>
<article><h1>Cold and MS</h1>
<p>Some people with MS find that cold weather makes their muscles stiffer than usual.</p>
<p>Warm layers and gentle stretching before going out can ease the stiffness.</p></article>
<footer>Copyright 2024 Example MS Society</footer></body></html>
"""


def texts_of(docs) -> list[str]:
    """Every text a build embeds for `docs` (chunks, then sentences)."""
    settings = Settings()
    sentences, chunks = chunk_corpus(docs, settings.chunk_tokens, settings.chunk_overlap,
                                     settings.encoding)
    titles = {d.doc_id: d.title for d in docs}
    return ([chunk_embed_text(c, titles[c.doc_id]) for c in chunks]
            + [sentence_embed_text(sentences, i) for i in range(len(sentences))])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture
def work(tmp_path: Path, settings: Settings, index: Index, embedder) -> Settings:
    """A corpus copy, a fresh index dir, and a private vector cache seeded with the session
    index's own vectors (what the real corpus's first build leaves in the cache)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    work = dataclasses.replace(settings, corpus_dir=corpus, index_dir=tmp_path / "index",
                               vector_cache_dir=tmp_path / "vectors")
    titles = {d.doc_id: d.title for d in index.docs.values()}
    texts = ([chunk_embed_text(c, titles[c.doc_id]) for c in index.chunks]
             + [sentence_embed_text(index.sentences, i) for i in range(len(index.sentences))])
    keys, rows = [], []
    for i, text in enumerate(texts):
        if text_key(text) not in keys:
            keys.append(text_key(text))
            rows.append(i)
    vectors = [*index.chunk_vectors, *index.sentence_vectors]
    import numpy as np

    VectorCache(work.vectors_dir, embedder.identity, embedder.dimension).append(
        keys, np.stack([vectors[i] for i in rows]))
    return work


# -- pure parts --------------------------------------------------------------------------------
def test_doctests() -> None:
    import doctest

    assert doctest.testmod(ingest.add).failed == 0


def test_slug_is_the_default_id() -> None:
    assert slug("Heat and pain in MS") == "heat-and-pain-in-ms"
    assert len(slug("word " * 40)) <= 60


# -- adding and building -----------------------------------------------------------------------
@pytest.mark.slow
def test_added_article_embeds_only_its_own_texts(work: Settings, embedder, tmp_path: Path
                                                 ) -> None:
    before = load_corpus(work.corpus_dir)
    first = build(work, embedder=embedder, progress=False)
    assert (first.embedded, first.reused) == (0, len(texts_of(before)))  # all from the cache

    source = tmp_path / "heat.txt"
    source.write_text(ARTICLE, "utf-8")
    added = add(source, "Heat and pain in MS", work.corpus_dir, publisher="Example MS Society",
                published="2025-06-01", url="https://example.org/heat")
    assert added.path == work.corpus_dir / "heat-and-pain-in-ms.md"
    doc = added.doc
    assert doc.body == ARTICLE  # exactly as given
    assert doc.source_sha256 == hashlib.sha256(ARTICLE.encode()).hexdigest()
    assert (doc.publisher, doc.published, doc.url) == (
        "Example MS Society", "2025-06-01", "https://example.org/heat")
    assert [(s.rule, doc.body[s.start:s.end]) for s in added.dropped] == [
        ("read_more_link", "Recommended Reading: Ten tips for a cool summer")]
    shown = preview(added)
    assert "[read_more_link] Recommended Reading: Ten tips for a cool summer" in shown
    assert "Example MS Society, 2025-06-01, https://example.org/heat" in shown

    new_texts = set(texts_of([doc])) - set(texts_of(before))
    report = build(work, embedder=embedder, progress=False)
    after = load_corpus(work.corpus_dir)
    assert report.built
    assert report.embedded == len(new_texts) > 0
    assert report.reused == len(texts_of(after)) - len(new_texts)
    assert f"embedded {len(new_texts)} texts, reused {report.reused}" in report.summary()

    loaded = Index.load(work.index_dir)
    assert loaded.docs["heat-and-pain-in-ms"].provenance == "Example MS Society, 2025-06-01"
    vec = embedder.encode(["does hot weather make MS nerve pain worse?"])[0]
    best = loaded.chunks[loaded.search_chunks(vec, 1)[0][0]]
    assert best.doc_id == "heat-and-pain-in-ms"


@pytest.mark.slow
def test_edited_article_embeds_only_what_changed(work: Settings, embedder) -> None:
    from ingest.corpus import rehash

    build(work, embedder=embedder, progress=False)
    path = work.corpus_dir / "ms-sciatica.md"
    path.write_bytes(path.read_bytes() + b"\nA sentence added by the test to the last article.")
    rehash(path)
    report = build(work, embedder=embedder, progress=False)
    # the new sentence, and the chunk it joins (the article's last)
    assert report.embedded == 2
    assert report.reused == len(texts_of(load_corpus(work.corpus_dir))) - 2


@pytest.mark.slow
def test_force_rebuilds_from_nothing(work: Settings, embedder) -> None:
    report = build(work, embedder=embedder, progress=False, force=True)
    texts = texts_of(load_corpus(work.corpus_dir))
    assert report.embedded == len(set(texts))  # every distinct text through the model again
    assert report.reused == len(texts) - len(set(texts))  # only repeats within this build
    cache = VectorCache(work.vectors_dir, embedder.identity, embedder.dimension)
    assert len(cache) == len(set(texts))  # nothing added twice


def test_html_is_extracted_and_recorded_as_extracted(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    page = tmp_path / "cold.html"
    page.write_text(HTML, "utf-8")
    added = add(page, "Cold and MS", corpus)
    doc = added.doc
    assert doc.body == ("Cold and MS\nSome people with MS find that cold weather makes their "
                        "muscles stiffer than usual.\nWarm layers and gentle stretching before "
                        "going out can ease the stiffness.\n")
    assert "Donate" not in doc.body and "Copyright" not in doc.body
    raw = added.path.read_text("utf-8")
    assert "extracted_by: \"trafilatura " in raw
    assert doc.source_sha256 == hashlib.sha256(HTML.encode()).hexdigest()
    assert f"body_sha256: \"{hashlib.sha256(doc.body.encode()).hexdigest()}\"" in raw
    assert (doc.publisher, doc.published) == ("Example MS Society", "2024-03-05")
    assert "publisher: Example MS Society (from the page's metadata)" in added.notes
    assert load_corpus(corpus)[0] == doc  # reads back, with the rest


# -- refusals ----------------------------------------------------------------------------------
REFUSED = [
    pytest.param("dup.txt", None, {}, "the same content is already in the corpus as "
                 "ms-sciatica.md", id="duplicate-content"),
    pytest.param("new.txt", ARTICLE.encode(), {"doc_id": "ms-sciatica"},
                 "id 'ms-sciatica' exists already", id="existing-id"),
    pytest.param("empty.txt", b"  \n\n", {}, "empty.txt is empty", id="empty"),
    pytest.param("photo.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", {}, "looks binary",
                 id="binary"),
    pytest.param("latin1.txt", "Spasticité".encode("latin-1"), {},
                 "latin1.txt is not UTF-8 text", id="not-utf8"),
    pytest.param("paper.pdf", b"%PDF-1.7", {}, "cannot read .pdf; valid: .txt, .md, .html, "
                 ".htm", id="extension"),
    pytest.param("new.txt", ARTICLE.encode(), {"published": "June 2025"},
                 "--published takes a date as YYYY-MM-DD", id="date"),
    pytest.param("new.txt", ARTICLE.encode(), {"doc_id": "Not An Id"}, "is not usable as a "
                 "file name", id="bad-id"),
    pytest.param("new.html", b"<html><head><script>track()</script></head><body></body></html>", {},
                 "no article text found", id="html-without-text"),
]


@pytest.mark.parametrize(("name", "data", "options", "message"), REFUSED)
def test_refusals_leave_the_corpus_untouched(tmp_path: Path, name: str, data: bytes | None,
                                             options: dict, message: str) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    source = tmp_path / name
    source.write_bytes(data if data is not None else (corpus / "ms-sciatica.md").read_bytes(
        ).split(b"\n---\n", 1)[1])
    before = snapshot(corpus)
    with pytest.raises(AddRefused) as err:
        add(source, "A title", corpus, **options)
    assert message in str(err.value)
    assert snapshot(corpus) == before


def test_cli_prints_the_preview_and_refuses_cleanly(tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    source = tmp_path / "heat.md"
    source.write_text(ARTICLE, "utf-8")
    args = ["add", str(source), "--title", "Heat and pain in MS", "--corpus-dir", str(corpus)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"added {corpus / 'heat-and-pain-in-ms.md'} ")
    assert "cleaning will drop 1 span(s), never quoted:" in out
    assert main(args) == 1
    assert capsys.readouterr().err == (
        f"error: id 'heat-and-pain-in-ms' exists already ({corpus / 'heat-and-pain-in-ms.md'}): "
        "choose another with --id, or delete that file first to replace the article\n")


# -- bad corpus files: a clear error, and the built index stays usable ---------------------------
BROKEN = [
    pytest.param("ms-sciatica.md", lambda raw: raw.replace(b"title: ", b"title: [", 1),
                 "ms-sciatica.md: front matter is not valid YAML at line 3",
                 "`git checkout -- ms-sciatica.md`", id="front-matter"),
    pytest.param("ms-sciatica copy.md", lambda raw: raw,
                 "ms-sciatica copy.md: id 'ms-sciatica' is already used by ms-sciatica.md",
                 "delete the copy, or give it an id of its own", id="duplicate-id"),
    pytest.param("ms-sciatica.md", lambda raw: raw.replace(b"sciatic nerve", b"sciatic nerf", 1),
                 "ms-sciatica.md: the body no longer matches its recorded hash",
                 "`python -m ingest rehash ", id="hand-edit"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "damage", "message", "fix"), BROKEN)
def test_bad_corpus_file_is_named_and_the_index_stays_usable(
        work: Settings, embedder, name: str, damage, message: str, fix: str, capsys) -> None:
    build(work, embedder=embedder, progress=False)
    built = snapshot(work.index_dir)
    original = (work.corpus_dir / "ms-sciatica.md").read_bytes()
    (work.corpus_dir / name).write_bytes(damage(original))

    args = ["--quiet", "--corpus-dir", str(work.corpus_dir), "--index-dir", str(work.index_dir)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {message}")
    assert fix in err
    assert snapshot(work.index_dir) == built  # nothing written
    usable = Index.load(work.index_dir)  # from its own copy of the documents
    vec = embedder.encode(["can MS cause sciatica?"])[0]
    assert usable.search_chunks(vec, 3)
    assert usable.docs["ms-sciatica"].body.encode() == original.split(b"\n---\n", 1)[1]
