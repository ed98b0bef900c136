"""Assemble README.md from docs/*.md (each topic keeps its own page in docs/).

    python tools/build_readme.py
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["_intro.md", "plan.md", "annex1_ledgers_merge.md", "certificates.md",
         "mentors_rules_points_report.md", "hardening.md", "benchmarks.md", "_developers.md"]


def shift_headings(text: str) -> str:
    """Topic pages start at '#'; inside the README they become '##' sections."""
    lines = []
    fence = False
    for line in text.splitlines():
        if line.startswith("```"):
            fence = not fence
        if not fence and line.startswith("#"):
            line = "#" + line
        lines.append(line)
    return "\n".join(lines)


def main() -> None:
    docs = ROOT / "docs"
    parts = [(docs / "_intro.md").read_text(encoding="utf-8").rstrip()]
    names = ORDER[1:] + sorted(p.name for p in docs.glob("*.md") if p.name not in ORDER)
    for name in names:
        path = docs / name
        if path.exists():
            parts.append(shift_headings(path.read_text(encoding="utf-8").strip()))
    (ROOT / "README.md").write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    print("README.md:", sum(len(p.splitlines()) for p in parts), "lines")


if __name__ == "__main__":
    main()
