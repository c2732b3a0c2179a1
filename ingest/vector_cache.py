"""The vector cache: every text ever embedded, keyed by (model identity, SHA-256 of the text).

Adding or editing one article then embeds only its new texts; everything else is looked up.
One folder per model identity (`ingest.embed.model_identity`), holding two append-only files
that grow together, row for row:

    <vectors_dir>/<model identity>/keys.bin     32 bytes per row: sha256(text)
    <vectors_dir>/<model identity>/vectors.f32  dimension float32 per row

A row is appended vectors first, keys second, under an exclusive lock; a reader trusts only
the rows both files hold, so an interrupted build leaves a shorter cache, never a wrong one.
The cache is content-addressed: it cannot go stale, only grow. Where it lives, and why, is in
`Settings.vector_cache_dir`. `python -m ingest --force` reads nothing from it (every text is
embedded again) and adds only keys it lacks, so other indexes sharing it lose nothing; to drop
it, delete the folder.

Not here: which texts are embedded (ingest.index), the model itself (ingest.embed).
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import numpy as np

KEY_BYTES = 32
# Texts embedded between two appends: an interrupted build loses at most this many.
FLUSH_EVERY = 1024


def text_key(text: str) -> bytes:
    """The cache key of a text.

    >>> text_key("MS").hex()[:16]
    '4d95e550b47c0122'
    """
    return hashlib.sha256(text.encode("utf-8")).digest()


class Embedded(NamedTuple):
    vectors: np.ndarray  # one row per input text, in order
    embedded: int  # distinct texts that went through the model
    reused: int  # texts whose vector came from the cache (or from an identical text this run)


class VectorCache:
    """The cached vectors of one model identity (state: the folder and its row index)."""

    def __init__(self, vectors_dir: Path, identity: str, dimension: int) -> None:
        if not identity or "/" in identity or identity.startswith("."):
            raise ValueError(f"not a usable model identity for a folder name: {identity!r}")
        self.folder = Path(vectors_dir) / identity
        self.dimension = dimension
        self._rows: dict[bytes, int] | None = None
        self._vectors: np.ndarray | None = None

    @property
    def _keys_path(self) -> Path:
        return self.folder / "keys.bin"

    @property
    def _vectors_path(self) -> Path:
        return self.folder / "vectors.f32"

    @contextmanager
    def _lock(self) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "lock", "w", encoding="ascii") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _complete_rows(self) -> int:
        """Rows present in both files (a torn append leaves one file longer)."""
        if not self._keys_path.is_file() or not self._vectors_path.is_file():
            return 0
        return min(self._keys_path.stat().st_size // KEY_BYTES,
                   self._vectors_path.stat().st_size // (4 * self.dimension))

    def _load(self) -> None:
        n = self._complete_rows()
        if n == 0:
            self._rows, self._vectors = {}, np.zeros((0, self.dimension), np.float32)
            return
        keys = np.fromfile(self._keys_path, dtype=np.uint8, count=n * KEY_BYTES)
        self._vectors = np.fromfile(self._vectors_path, dtype=np.float32,
                                    count=n * self.dimension).reshape(n, self.dimension)
        raw = keys.tobytes()
        self._rows = {raw[i * KEY_BYTES:(i + 1) * KEY_BYTES]: i for i in range(n)}

    def __len__(self) -> int:
        if self._rows is None:
            self._load()
        assert self._rows is not None
        return len(self._rows)

    def get(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        """The cached vector of each key that has one."""
        if self._rows is None:
            self._load()
        assert self._rows is not None and self._vectors is not None
        return {k: self._vectors[self._rows[k]] for k in keys if k in self._rows}

    def append(self, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        """Add rows. Vectors first, keys second, so a crash between them loses the rows."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.shape != (len(keys), self.dimension):
            raise ValueError(f"{len(keys)} keys but vectors of shape {vectors.shape}")
        if not keys:
            return
        with self._lock():
            n = self._complete_rows()
            for path, row_bytes in ((self._vectors_path, 4 * self.dimension),
                                    (self._keys_path, KEY_BYTES)):
                with open(path, "ab") as fh:
                    fh.truncate(n * row_bytes)  # drop a torn tail before appending
            with open(self._vectors_path, "ab") as fh:
                fh.write(vectors.tobytes())
            with open(self._keys_path, "ab") as fh:
                fh.write(b"".join(keys))
        self._rows = None  # reload lazily: another process may have appended too
        self._vectors = None

    def clear(self) -> None:
        """Forget every vector of this model (what `--force` does first)."""
        with self._lock():
            for path in (self._keys_path, self._vectors_path):
                path.unlink(missing_ok=True)
        self._rows, self._vectors = None, None

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def embed_cached(texts: Sequence[str], encode: Callable[[list[str]], np.ndarray],
                 cache: VectorCache | None, flush_every: int = FLUSH_EVERY,
                 read: bool = True) -> Embedded:
    """Vectors for `texts`, embedding only those the cache lacks (each distinct text once).

    `encode(list_of_texts) -> float32 array` is the model; `cache=None` embeds everything, and
    so does `read=False` (which still adds what the cache lacks). New vectors are appended
    every `flush_every` texts, so an interrupted build keeps most of its work.
    """
    keys = [text_key(t) for t in texts]
    cached = cache.get(keys) if cache is not None else {}
    found = dict(cached) if read else {}
    missing: dict[bytes, str] = {}
    for key, text in zip(keys, texts, strict=True):
        if key not in found and key not in missing:
            missing[key] = text
    todo = list(missing.items())
    # Longest first within the whole run, as sentence-transformers does within one call,
    # so padding stays small across flushes too.
    todo.sort(key=lambda kv: -len(kv[1]))
    for at in range(0, len(todo), flush_every):
        part = todo[at : at + flush_every]
        vecs = encode([text for _, text in part])
        if cache is not None:
            new = [i for i, (key, _) in enumerate(part) if key not in cached]
            cache.append([part[i][0] for i in new], vecs[new])
        found.update({key: vecs[i] for i, (key, _) in enumerate(part)})
    dimension = cache.dimension if cache is not None else (
        next(iter(found.values())).shape[0] if found else 0)
    out = np.zeros((len(texts), dimension), dtype=np.float32)
    for i, key in enumerate(keys):
        out[i] = found[key]
    return Embedded(out, len(todo), len(texts) - len(todo))
