"""Answers the schema derives from earlier ones (党组织全称, 发文机关, 发文机关标志, 印发机关…):
kept out of saved answers while they equal their derivation, so they follow their sources when
those change; a stored value that is an old derivation (made from another school name) is
derived again; a hand-typed one that no longer names the school is warned about."""
from __future__ import annotations

import re

from .schema import Question, question, questions

SCHOOL = "\x00"  # stands for the school's name while a derivation is turned into a pattern


def for_storage(answers: dict) -> dict:
    """``answers`` as an answers file or questionnaire workbook stores them: a derived text
    answer equal to what its sources give is left blank (``None``), so it is derived again."""
    stored: dict = {}
    derived_so_far: dict = {}
    for q in questions():
        if q.id not in answers:
            continue
        value = answers[q.id]
        derived_so_far[q.id] = value
        stored[q.id] = None if q.derived_text and value == q.default_for(derived_so_far) else value
    return stored


def _school_pattern(q: Question, answers: dict, overridden: set[str]) -> str:
    """What ``q`` derives to with the school's name replaced by SCHOOL (and every derived
    answer before it that was not typed by hand derived again from that)."""
    return _derive(q, {**answers, "school_name": SCHOOL}, overridden)


def _derive(q: Question, shadow: dict, overridden: set[str]) -> str:
    shadow = dict(shadow)
    for earlier in questions():
        if earlier.id == q.id:
            break
        if earlier.derived_text and earlier.id in shadow and earlier.id not in overridden:
            shadow[earlier.id] = earlier.default_for(shadow)
    return q.default_for(shadow)


def _old_school(pattern: str, value: str) -> str | None:
    """The school name ``value`` was derived from, when it is ``pattern`` with another name."""
    if SCHOOL not in pattern:
        return None
    parts = [re.escape(part) for part in pattern.split(SCHOOL)]
    match = re.fullmatch("(.+)".join(parts[:2]) + "".join(r"\1" + p for p in parts[2:]), value)
    return match.group(1) if match else None


def check(q: Question, value: str, answers: dict, overridden: set[str]) -> tuple[str, str | None]:
    """A derived text answer given in the answers file → (the value to use, a Chinese warning
    or None). ``overridden`` collects the derived answers kept as typed by hand."""
    current = q.default_for(answers)
    if value == current:
        return value, None
    school = answers.get("school_name") or ""
    pattern = _school_pattern(q, answers, overridden)
    old = _old_school(pattern, value)
    if old and school and school not in old and not _names_school(value, answers):
        return current, (f"“{q.title}”是按原来的学校名称“{old}”生成的“{value}”，与现在的学校全称“{school}”不符，"
                         f"已改为“{current}”（这一题留空即随学校全称自动生成；如“{old}”是本校简称，"
                         "在“学校简称”中填写它即保留原文字）")
    names_school = SCHOOL in pattern or SCHOOL in _school_pattern(q, answers, set())
    kind = answers.get("party_org_type")
    other = _old_org_type(q, value, answers, overridden) if names_school else None
    if other:
        return current, (f"“{q.title}”是按原来的党组织类型“{other}”生成的“{value}”，与现在的党组织类型“{kind}”不符，"
                         f"已改为“{current}”（这一题留空即随前面的答案自动生成）")
    overridden.add(q.id)
    if names_school and school and not _names_school(value, answers):
        short = answers.get("school_short")
        also = f"或简称“{short}”" if short else ""
        return value, (f"“{q.title}”是手工填写的“{value}”，其中没有现在的学校全称“{school}”{also}，请核对是否仍是本单位"
                       f"（按学校全称应为“{current}”；这一题留空即自动生成，用简称请填写“学校简称”）")
    return value, None


def _old_org_type(q: Question, value: str, answers: dict, overridden: set[str]) -> str | None:
    """The other 党组织类型 whose derivation ``value`` is (the type was changed after saving)."""
    kind = answers.get("party_org_type")
    for other in question("party_org_type").choices:
        if other != kind and _derive(q, {**answers, "party_org_type": other}, overridden) == value:
            return other
    return None


def _names_school(value: str, answers: dict) -> bool:
    names = [answers.get("school_name"), answers.get("school_short")]
    return any(name and name in value for name in names)
