"""Assemble README.md from docs/*.md (each topic keeps its own page in docs/).

    python tools/build_readme.py
"""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["_intro.md", "plan.md", "annex1_ledgers_merge.md", "certificates.md",
         "mentors_rules_points_report.md", "web.md", "office_files.md", "office.md", "workbooks.md",
         "hardening.md", "benchmarks.md", "fastpdf.md", "_developers.md"]
# images in docs/ pages are linked relative to docs/; in README.md they live one folder down
_RELATIVE_IMAGE = re.compile(r"!\[([^\]]*)\]\((?!https?:|/)([^)]+)\)")


def shift_headings(text: str) -> str:
    """Each topic page's top headings become '##' sections of the README."""
    def headings():
        fence = False
        for index, line in enumerate(lines):
            if line.startswith("```"):
                fence = not fence
            elif not fence and line.startswith("#"):
                yield index, len(line) - len(line.lstrip("#"))

    lines = text.splitlines()
    levels = [level for _, level in headings()]
    shift = 2 - min(levels) if levels else 0
    for index, level in list(headings()):
        lines[index] = "#" * max(1, level + shift) + lines[index][level:]
    return "\n".join(lines)


def main() -> None:
    docs = ROOT / "docs"
    parts = [(docs / "_intro.md").read_text(encoding="utf-8").rstrip()]
    names = ORDER[1:] + sorted(p.name for p in docs.glob("*.md") if p.name not in ORDER)
    for name in names:
        path = docs / name
        if path.exists():
            text = _RELATIVE_IMAGE.sub(r"![\1](docs/\2)", path.read_text(encoding="utf-8").strip())
            parts.append(shift_headings(text))
    (ROOT / "README.md").write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    print("README.md:", sum(len(p.splitlines()) for p in parts), "lines")


if __name__ == "__main__":
    main()
