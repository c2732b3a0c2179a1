"""`python -m tools.install_torch`: install the pinned torch, the CPU build where that matters.

`make install` runs this before `pip install -e .`, so pip then finds torch already satisfied
and never picks a wheel itself. What a user gets (TORCH_INDEX, a Makefile variable, default
`auto`):

- Linux, `auto`: the CPU wheel from PyTorch's CPU index (about 0.2 GB instead of the several
  GB of CUDA libraries PyPI's default Linux wheel pulls). If that index cannot be reached,
  pip's own configuration is used instead, and the build it picked is reported: a CPU wheel
  where pip is configured to find one (a local wheel folder or mirror), otherwise PyPI's CUDA
  build, with a warning saying how to swap it.
- macOS and Windows, `auto`: PyPI's wheel, which is a CPU build there (on Apple silicon it
  can also use the GPU through MPS; this project runs on the CPU anyway).
- `TORCH_INDEX=pypi`: PyPI's default wheel on every system (on Linux: the CUDA build).
- `TORCH_INDEX=<url>`: that package index, e.g. https://download.pytorch.org/whl/cu126.

Not here: the rest of the dependencies (pyproject.toml).
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import tomllib
from pathlib import Path

CPU_INDEX = "https://download.pytorch.org/whl/cpu"
ROOT = Path(__file__).resolve().parent.parent


def pinned_torch(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The torch requirement of pyproject.toml, e.g. 'torch==2.13.0' (one place for the pin)."""
    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    found = [d for d in deps if re.match(r"torch\s*(==|>=|~=|$)", d)]
    if len(found) != 1:
        raise SystemExit(f"pyproject.toml should name torch once, found {found}")
    return found[0].replace(" ", "")


def plan(system: str, choice: str) -> list[list[str]]:
    """pip argument lists to try in order (the first that succeeds wins).

    >>> [" ".join(args) for args in plan("Linux", "auto")]
    ['--index-url https://download.pytorch.org/whl/cpu --timeout 15 --retries 1', '']
    >>> plan("Darwin", "auto"), plan("Linux", "pypi")
    ([[]], [[]])
    """
    if choice == "pypi" or (choice == "auto" and system != "Linux"):
        return [[]]
    if choice == "auto":
        return [["--index-url", CPU_INDEX, "--timeout", "15", "--retries", "1"], []]
    return [["--index-url", choice]]


def installed() -> tuple[str, str | None] | None:
    """(version, CUDA version or None) of the torch in this interpreter, without importing it
    into this process (importing torch takes seconds and is not needed to ask)."""
    probe = ("import torch, json; print(json.dumps([torch.__version__, torch.version.cuda]))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=False)
    if out.returncode != 0:
        return None
    import json

    version, cuda = json.loads(out.stdout.strip().splitlines()[-1])
    return version, cuda


def main() -> int:
    choice = os.environ.get("TORCH_INDEX", "auto").strip() or "auto"
    requirement = pinned_torch()
    pinned = requirement.split("==", 1)[1] if "==" in requirement else None
    system = platform.system()
    have = installed()
    if have and (pinned is None or have[0].split("+")[0] == pinned) and not (
            system == "Linux" and choice == "auto" and have[1]):
        print(f"torch {have[0]} already installed ({'CUDA ' + have[1] if have[1] else 'CPU'})")
        return 0
    for extra in plan(system, choice):
        where = extra[1] if extra else "pip's configured index (PyPI by default)"
        print(f"installing {requirement} from {where}", flush=True)
        # torch alone from that index; its own dependencies (sympy, jinja2, …) come from
        # pip's usual sources next, which keep the torch just installed since it satisfies
        # the pin.
        cmd = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", requirement, *extra]
        if subprocess.run(cmd, check=False).returncode == 0:
            break
        print(f"could not install {requirement} from {where}", file=sys.stderr)
    else:
        return 1
    deps = [sys.executable, "-m", "pip", "install", "-q", requirement]
    if subprocess.run(deps, check=False).returncode != 0:
        print(f"could not install the dependencies of {requirement}", file=sys.stderr)
        return 1
    have = installed()
    if have is None:
        print("torch was installed but does not import", file=sys.stderr)
        return 1
    build = f"CUDA {have[1]}" if have[1] else "CPU"
    print(f"torch {have[0]}: {build} build")
    if system == "Linux" and have[1] and choice == "auto":
        print("warning: PyTorch's CPU index was unreachable, so pip took PyPI's CUDA build "
              "(several GB). For the CPU build run `make install TORCH_INDEX=<an index or "
              "mirror with torch CPU wheels>`, or ignore this if you want CUDA.",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
