"""Add one article to the corpus: `python -m ingest add PATH --title TITLE [...]`.

A .txt or .md file becomes the body exactly as given, byte for byte. An .html file is reduced
to its main text by trafilatura (a maintained article extractor), and that text is the body,
recorded as extracted (`extracted_by`, `body_sha256`); the page's own metadata fills in the
publisher and date when they are not given. Either way the SHA-256 of the source file is
recorded as `source_sha256`, and the id defaults to a slug of the title.

Before anything is written, the article is checked, and refused with a message saying why:
a file that is empty, binary or not UTF-8; an extension we do not read; an id that exists;
the same content as an article already in the corpus. Then `corpus/<id>.md` is written in one
step (a temporary file renamed into place) and a preview lists every line the cleaning rules
will drop, by rule, so the maintainer sees what the bot will never quote.

Not here: building the index (`python -m ingest`, which embeds only the new texts).
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

from ingest.clean import Span, boilerplate_spans
from ingest.corpus import body_sha256, front_matter, is_iso_date, load_corpus, parse
from ingest.errors import AddRefused
from ingest.types import Document

TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES
_ID = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?")
MAX_BYTES = 5 * 2**20  # an article, not a book: larger is more likely a mistake


class Added(NamedTuple):
    path: Path  # the corpus file written
    doc: Document
    dropped: list[Span]  # what the cleaning rules will drop from the body
    notes: list[str]  # what was inferred (publisher or date from HTML metadata)


def slug(title: str, max_len: int = 60) -> str:
    """The default id: lower-case ASCII words joined by hyphens.

    >>> slug("Pain in MS: what helps? (Part 2)"), slug("Spasticité & douleur")
    ('pain-in-ms-what-helps-part-2', 'spasticite-douleur')
    """
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > max_len:
            break
        out = candidate
    return out


def decode_text(data: bytes, name: str) -> str:
    """The file's text, or `AddRefused` if it is empty, binary or not UTF-8."""
    if not data.strip():
        raise AddRefused(f"{name} is empty: nothing to add")
    if b"\0" in data:
        raise AddRefused(f"{name} looks binary (it contains NUL bytes): add a .txt, .md or "
                         f".html file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AddRefused(f"{name} is not UTF-8 text ({exc.reason} at byte {exc.start}): save "
                         f"it as UTF-8 (e.g. `iconv -f latin1 -t utf-8`) and add it again"
                         ) from None


class Extracted(NamedTuple):
    text: str
    by: str  # "trafilatura <version>"
    publisher: str | None
    published: str | None
    url: str | None


def extract_html(html: str, name: str) -> Extracted:
    """The main text of a page (headings and paragraphs one per line) and its metadata."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False,
                               favor_precision=True, deduplicate=False)
    if not text or not text.strip():
        raise AddRefused(f"{name}: no article text found in the HTML (the extractor returned "
                         f"nothing); save the article's text as .txt and add that instead")
    meta = trafilatura.extract_metadata(html)
    published = getattr(meta, "date", None) if meta is not None else None
    if published and not is_iso_date(published):
        published = None
    return Extracted(text.strip() + "\n", f"trafilatura {metadata.version('trafilatura')}",
                     getattr(meta, "sitename", None) or None if meta is not None else None,
                     published, getattr(meta, "url", None) or None if meta is not None else None)




def check_options(doc_id: str, published: str | None, url: str | None) -> None:
    if not _ID.fullmatch(doc_id):
        raise AddRefused(f"id {doc_id!r} is not usable as a file name: use lower-case letters, "
                         f"digits and hyphens (e.g. {slug(doc_id) or 'pain-in-ms'!r})")
    if published is not None and not is_iso_date(published):
        raise AddRefused(f"--published takes a date as YYYY-MM-DD, got {published!r}")
    if url is not None and not re.match(r"https?://\S+$", url):
        raise AddRefused(f"--url takes an http(s):// address, got {url!r}")


def prepare(path: Path, title: str, corpus_dir: Path, doc_id: str | None = None,
            publisher: str | None = None, published: str | None = None,
            url: str | None = None) -> tuple[str, Document, list[str]]:
    """The corpus file's text, its document and notes; refuses (AddRefused) without writing."""
    path = Path(path)
    if not path.is_file():
        raise AddRefused(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise AddRefused(f"{path.name}: cannot read {suffix or 'a file without an extension'}; "
                         f"valid: {', '.join(SUFFIXES)}")
    title = " ".join(title.split())
    if not title:
        raise AddRefused("--title is empty: give the article's title")
    doc_id = doc_id or slug(title)
    check_options(doc_id, published, url)
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise AddRefused(f"{path.name} is {len(data) / 2**20:.1f} MiB; an article is at most "
                         f"{MAX_BYTES // 2**20} MiB: split it")
    text = decode_text(data, path.name)
    source_sha = hashlib.sha256(data).hexdigest()
    notes: list[str] = []
    extracted_by = None
    if suffix in HTML_SUFFIXES:
        page = extract_html(text, path.name)
        body, extracted_by = page.text, page.by
        for field, given, found in (("publisher", publisher, page.publisher),
                                    ("published", published, page.published),
                                    ("url", url, page.url)):
            if given is None and found:
                notes.append(f"{field}: {found} (from the page's metadata)")
        publisher = publisher or page.publisher
        published = published or page.published
        url = url or page.url
    else:
        body = text
    fields = {"id": doc_id, "title": title, "source": path.name, "source_sha256": source_sha,
              "body_sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
              "extracted_by": extracted_by, "publisher": publisher, "published": published,
              "url": url}
    raw = front_matter(fields) + body
    doc = parse(raw, f"{doc_id}.md")
    if doc.body != body:  # the format must give back exactly what was written
        raise AddRefused(f"{path.name}: the body would not read back unchanged")
    _refuse_duplicates(doc, source_sha, Path(corpus_dir))
    return raw, doc, notes


def _refuse_duplicates(doc: Document, source_sha: str, corpus_dir: Path) -> None:
    target = corpus_dir / f"{doc.doc_id}.md"
    if target.exists():
        raise AddRefused(f"id {doc.doc_id!r} exists already ({target}): choose another with "
                         f"--id, or delete that file first to replace the article")
    existing = load_corpus(corpus_dir) if any(corpus_dir.glob("*.md")) else []
    new_body = body_sha256(doc)
    for other in existing:
        if new_body == body_sha256(other) or source_sha == other.source_sha256:
            raise AddRefused(f"the same content is already in the corpus as {other.doc_id}.md "
                             f"(sha256 {new_body[:12]}…): nothing added")


def add(path: Path, title: str, corpus_dir: Path, doc_id: str | None = None,
        publisher: str | None = None, published: str | None = None,
        url: str | None = None) -> Added:
    """Check, then write `corpus_dir/<id>.md` in one step. Nothing is written on refusal."""
    corpus_dir = Path(corpus_dir)
    raw, doc, notes = prepare(path, title, corpus_dir, doc_id, publisher, published, url)
    target = corpus_dir / f"{doc.doc_id}.md"
    corpus_dir.mkdir(parents=True, exist_ok=True)
    tmp = corpus_dir / f".{doc.doc_id}.md.tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(raw)
    try:
        os.link(tmp, target)  # fails if the id appeared meanwhile: never overwrite
    except FileExistsError:
        raise AddRefused(f"id {doc.doc_id!r} exists already ({target})") from None
    finally:
        tmp.unlink(missing_ok=True)
    return Added(target, doc, boilerplate_spans(doc.body), notes)


def preview(added: Added, width: int = 90) -> str:
    """What `add` prints: the file written, then each line the cleaning rules will drop."""
    doc = added.doc
    where = ", ".join(p for p in (doc.publisher, doc.published, doc.url) if p)
    lines = [f"added {added.path} ({len(doc.body)} characters"
             + (f"; {where})" if where else ")")]
    lines += [f"  {note}" for note in added.notes]
    if not added.dropped:
        lines.append("cleaning will drop nothing")
    else:
        lines.append(f"cleaning will drop {len(added.dropped)} span(s), never quoted:")
        for span in added.dropped:
            text = " ".join(doc.body[span.start : span.end].split())
            if len(text) > width:
                text = text[: width - 1] + "…"
            lines.append(f"  [{span.rule}] {text}")
    lines.append("next: `make ingest` (or `python -m ingest`) embeds only this article's texts")
    return "\n".join(lines)
