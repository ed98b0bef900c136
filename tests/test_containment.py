"""Issue 17's corpus (tests/bad_inputs/contain_corpus.py) through the real CLI in
child processes: each hostile template, setting or file is refused with the
expected Chinese message (or handled), within 10 s and 500 MB measured on the
child, and nothing from outside the template folder reaches any output."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
sys.path.insert(0, str(CORPUS))
from contain_corpus import CASES, ENV_MARKER, PASSWD_MARKER  # noqa: E402

sys.path.remove(str(CORPUS))

MAX_SECONDS = 10.0  # CPU time of the child (user + system): what the case costs the machine
MAX_WALL = 30.0  # wall clock: 10 s on an idle machine; this bound leaves room for a loaded test machine
MAX_RSS_MB = 500


def _command() -> list[str]:
    exe = Path(sys.executable).with_name("sp-docs")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "sp_docs.cli"]


# A small launcher runs the CLI and reports its peak RSS and CPU time: measured from
# pytest itself, ru_maxrss would include the (large) test process the child was forked from.
LAUNCHER = """
import json, resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as handle:
    json.dump({"code": code, "rss_mb": usage.ru_maxrss / 1024, "cpu": usage.ru_utime + usage.ru_stime}, handle)
"""


def _run(item, folder: Path) -> dict:
    """One case in a child process: exit status, output, wall clock, CPU time and peak RSS."""
    folder.mkdir(parents=True)
    args = item.build(folder)
    env = {**os.environ, "PYTHONWARNINGS": "default", "COLUMNS": "1000", ENV_MARKER: ENV_MARKER, **item.env}
    env.pop("SP_DOCS_DEBUG", None)
    out, err, report = folder / "stdout.txt", folder / "stderr.txt", folder / "usage.json"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", LAUNCHER, str(report), *_command(), *args], stdout=stdout,
                       stderr=stderr, env=env, cwd=folder, timeout=120)
        seconds = time.monotonic() - started
    found = json.loads(report.read_text())
    text = out.read_text(encoding="utf-8", errors="replace") + err.read_text(encoding="utf-8", errors="replace")
    return {**found, "seconds": seconds, "text": text}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    base = tmp_path_factory.mktemp("contain")
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = pool.map(lambda item: (item.name, _run(item, base / item.name)), CASES)
        return {"base": base, **dict(done)}


def _output_texts(folder: Path):
    """Every byte of every output, with DOCX/XLSX parts unzipped and PDF text extracted."""
    for path in folder.rglob("*"):
        if not path.is_file() or path.is_symlink() or path.name in ("stdout.txt", "stderr.txt", "usage.json"):
            continue
        data = path.read_bytes()
        yield path, data.decode("utf-8", errors="replace")
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    if info.file_size < 50 * 1024 * 1024:
                        yield path, archive.read(info).decode("utf-8", errors="replace")
        if path.suffix == ".pdf":
            text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
            yield path, text


@pytest.mark.parametrize("item", CASES, ids=lambda c: c.name)
def test_case_is_refused_in_chinese_within_budget(results, item):
    found = results[item.name]
    text = found["text"]
    assert found["code"] == item.code, (item.what, text[-1500:])
    for fragment in item.fragments:
        assert fragment in text, (fragment, text[-1500:])
    assert "Traceback" not in text and "内部错误" not in text, text[-1500:]
    assert "DecompressionBombWarning" not in text
    assert found["cpu"] < MAX_SECONDS and found["seconds"] < MAX_WALL, (item.name, found["cpu"], found["seconds"])
    assert found["rss_mb"] < MAX_RSS_MB, (item.name, found["rss_mb"])


def test_nothing_outside_the_template_folder_reaches_any_output(results):
    passwd = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace").splitlines()[0]
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else ""
    for path, text in _output_texts(results["base"]):
        assert PASSWD_MARKER not in text and passwd not in text, path
        assert ENV_MARKER not in text, path
        if hostname and len(hostname) > 8:
            assert hostname not in text, path
    for name, found in results.items():
        if name != "base":
            assert ENV_MARKER not in found["text"] and PASSWD_MARKER not in found["text"], name


def test_long_names_are_cut_to_fit_the_file_system(results):
    words = sorted(p.name for p in (results["base"] / "long_names" / "out" / "培养台账_Word").iterdir())
    assert len(words) == 10
    for name in words:
        assert len(name.encode("utf-8")) <= 255 and name.endswith(".docx") and "~" in name
        assert name[:4].rstrip("_").isdigit() and name[4:].startswith("单" * 10)  # 编号 and the start kept
