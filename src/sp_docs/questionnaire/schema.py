"""The questionnaire as data: questions.yaml → ``Question`` objects, suggested
defaults computed from earlier answers, parsing and validating one answer."""
from __future__ import annotations

import datetime as dt
import functools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..sources.normalize import NormalizeError, clean_text, parse_bool, parse_date, parse_int

QUESTIONS_FILE = Path(__file__).with_name("questions.yaml")
TYPES = ("text", "number", "date", "choice", "multi", "bool")
TYPE_LABELS = {"text": "文字", "number": "数字", "date": "日期", "choice": "单选", "multi": "多选", "bool": "是/否"}


@dataclass(frozen=True)
class Question:
    id: str
    title: str
    type: str
    section: str
    help: str = ""
    choices: tuple[str, ...] = ()
    default: object = None
    suggest: str = ""
    when: tuple[tuple[str, tuple], ...] = ()
    min: int | None = None
    max: int | None = None
    optional: bool = False
    form: str = "name"  # text only: name | list | path (see questions.yaml and answers.clean_text_answer)

    def applies(self, answers: dict) -> bool:
        """True when every condition holds for the answers given so far."""
        for qid, wanted in self.when:
            value = answers.get(qid)
            if isinstance(value, list):
                if not any(w in value for w in wanted):
                    return False
            elif value not in wanted:
                return False
        return True

    def condition_text(self) -> str:
        parts = []
        for qid, wanted in self.when:
            shown = "或".join(format_value(w) for w in wanted)
            parts.append(f"“{question(qid).title}”{'包含' if question(qid).type == 'multi' else '为'}“{shown}”")
        return "，且".join(parts)

    def default_for(self, answers: dict):
        if self.suggest:
            return SUGGESTIONS[self.suggest](answers)
        if isinstance(self.default, list):
            return list(self.default)
        return self.default

    @property
    def derived_text(self) -> bool:
        """A text answer suggested from earlier answers (党组织全称, 发文机关, 发文字号…): left
        blank in a new answers file or workbook so it follows the answers it comes from."""
        return self.type == "text" and bool(self.suggest)

    def parse(self, value):
        """A raw answer (from YAML, a prompt or a cell) → typed value; NormalizeError if bad."""
        return parse_answer(self, value)

    def expected(self) -> str:
        if self.type == "number":
            return f"应为{self.min}–{self.max}之间的整数"
        if self.type in ("choice", "multi"):
            return "可选：" + "、".join(self.choices)
        if self.type == "bool":
            return "应为“是”或“否”"
        if self.type == "date":
            return "应为日期，如 2025-03-01 或 2025年3月1日"
        return ""


def format_value(value) -> str:
    """An answer as a person reads it (prompts, Excel cells, comments)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return str(value)


_SPLIT = re.compile(r"[、,，;；\s]+")


def parse_answer(q: Question, value):
    if isinstance(value, str):
        value = value.strip()
    empty = value is None or value == "" or value == []
    if empty:
        if q.optional:
            return None
        raise NormalizeError("不能为空" + ("，" + q.expected() if q.expected() else ""), value)
    if q.type == "text":
        text = clean_text(value)
        if not text:
            if q.optional:
                return None
            raise NormalizeError("不能为空", value)
        if len(text) > 200:
            raise NormalizeError("太长（不超过200字）", value)
        return text
    if q.type == "number":
        if isinstance(value, float) and not value.is_integer():
            raise NormalizeError(q.expected(), value)
        return parse_int(value, min=q.min, max=q.max)
    if q.type == "date":
        return parse_date(value)
    if q.type == "bool":
        return parse_bool(value)
    if q.type == "choice":
        text = clean_text(value)
        if text in q.choices:
            return text
        if text.isdigit() and 1 <= int(text) <= len(q.choices):
            return q.choices[int(text) - 1]
        raise NormalizeError(f"“{text}”不是可选项", value)
    if q.type == "multi":
        items = value if isinstance(value, (list, tuple)) else [p for p in _SPLIT.split(str(value)) if p]
        chosen = []
        for item in items:
            text = clean_text(item)
            if text.isdigit() and 1 <= int(text) <= len(q.choices):
                text = q.choices[int(text) - 1]
            if text not in q.choices:
                raise NormalizeError(f"“{text}”不是可选项；" + q.expected(), value)
            if text not in chosen:
                chosen.append(text)
        if not chosen and not q.optional:
            raise NormalizeError("至少选一项；" + q.expected(), value)
        return [c for c in q.choices if c in chosen]  # catalogue order
    raise ValueError(q.type)


# --- suggested defaults, computed from the answers given so far -------------------------

def _short(answers: dict) -> str:
    if answers.get("school_short"):
        return answers["school_short"]
    name = answers.get("school_name") or "本校"
    stripped = re.sub(r"^.{1,8}?[省市州县区旗](?=.{2,})", "", name)
    return stripped or name


def _reserve(answers: dict) -> int:
    return max(1, math.ceil(0.1 * (answers.get("staff_count") or 0)))


def _track1(answers: dict) -> int:
    non_party_backbone = max(0, (answers.get("backbone_count") or 0) - (answers.get("party_teacher_count") or 0) // 2)
    return max(1, math.ceil(max(_reserve(answers), non_party_backbone) / 3 / 2))


def _track2(answers: dict) -> int:
    return max(1, math.ceil((answers.get("party_teacher_count") or 0) * 0.3 / 3))


PLACEHOLDER = "××"  # marks a default the user must replace (never a fictional example's values)
ORG_SUFFIX = {"党委": "委员会", "党总支": "总支部委员会", "党支部": "支部委员会"}


def _party_org_name(answers: dict) -> str:
    """中共 + the school's full name + the organisation's kind, e.g. 中共××县第一小学支部委员会."""
    school = answers.get("school_name") or f"{PLACEHOLDER}学校"
    return f"中共{school}{ORG_SUFFIX.get(answers.get('party_org_type'), '支部委员会')}"


def _issuer(answers: dict) -> str:
    return answers.get("party_org_name") or _party_org_name(answers)


def _doc_number(answers: dict) -> str:
    """A neutral number the user is told to complete: the school's abbreviation is unknown."""
    year = answers["sign_date"].year if isinstance(answers.get("sign_date"), dt.date) else dt.date.today().year
    return f"{PLACEHOLDER}党发〔{year}〕1号"


def _recipients(answers: dict) -> str:
    if answers.get("school_type") == "教育局":
        return "局属各学校党组织，局机关各股室"
    return {"党委": "各党总支、党支部，各处室，各年级组", "党总支": "各党支部，各处室，各年级组"}.get(
        answers.get("party_org_type"), "全体党员，各处室，各年级组")


def _printer(answers: dict) -> str:
    issuer = _issuer_value(answers)
    return issuer + ("办公室" if answers.get("party_org_type") == "党委" else "")


def _issuer_value(answers: dict) -> str:
    return answers.get("issuer") or _issuer(answers)


SUGGESTIONS = {
    "this_year": lambda a: dt.date.today().year,
    "today": lambda a: dt.date.today(),
    "reserve": _reserve,
    "party_share": lambda a: round((a.get("staff_count") or 0) / 3),
    "backbone_share": lambda a: round((a.get("staff_count") or 0) / 4),
    "track1": _track1,
    "track2": _track2,
    "party_org_name": _party_org_name,
    "issuer": _issuer,
    "mark_text": lambda a: _issuer_value(a) + "文件",
    "doc_number": _doc_number,
    "recipients": _recipients,
    "printer": _printer,
}


# --- loading -----------------------------------------------------------------------------

def _when(raw) -> tuple:
    items = []
    for qid, wanted in (raw or {}).items():
        items.append((qid, tuple(wanted) if isinstance(wanted, list) else (wanted,)))
    return tuple(items)


@functools.lru_cache(maxsize=1)
def questions() -> tuple[Question, ...]:
    data = yaml.load(QUESTIONS_FILE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    found = []
    for section in data["sections"]:
        for raw in section["questions"]:
            found.append(Question(
                id=raw["id"], title=raw["title"], type=raw["type"], section=section["title"],
                help=raw.get("help", ""), choices=tuple(raw.get("choices", ())), default=raw.get("default"),
                suggest=raw.get("suggest", ""), when=_when(raw.get("when")), min=raw.get("min"),
                max=raw.get("max"), optional=bool(raw.get("optional", False)), form=raw.get("form", "name")))
    return tuple(found)


def question(qid: str) -> Question:
    for q in questions():
        if q.id == qid:
            return q
    raise KeyError(qid)


def sections() -> list[tuple[str, list[Question]]]:
    grouped: dict[str, list[Question]] = {}
    for q in questions():
        grouped.setdefault(q.section, []).append(q)
    return list(grouped.items())
