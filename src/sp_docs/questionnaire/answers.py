"""Answers: read (YAML or the questionnaire workbook), complete with defaults,
validate every question at once (located errors), write back as YAML."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from .. import limits
from ..errors import InputError, Location, Problems
from ..sources.normalize import NormalizeError
from .derived import for_storage
from .raw import DATA_FILE_MESSAGE, RawAnswers  # noqa: F401  (RawAnswers re-exported)
from .schema import format_value, questions


class Answers(dict):
    """Completed answers; ``notes`` are Chinese warnings about them that `plan` shows (a derived
    answer made from an old school name, a hand-typed one that no longer names the school)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.notes: list[str] = []


def complete(raw: dict, source: str = "", *, strict_unknown: bool = True) -> Answers:
    """Every applicable question answered: given answers parsed, missing ones
    filled with their (suggested) default; questions that do not apply dropped; a derived
    answer stored from an old school name derived again (see derived.py).
    Raises InputError naming every bad answer once (workbook answers by sheet and row)."""
    from . import derived

    problems = Problems()
    problems.extend(getattr(raw, "problems", ()))
    locations: dict = getattr(raw, "locations", {})
    failed: set = getattr(raw, "failed", set())

    def where(qid: str) -> Location:
        return locations.get(qid) or Location(source, column=qid)

    known = {q.id for q in questions()}
    if strict_unknown:
        for key in raw:
            if key not in known:
                problems.error(f"未知的题目编号“{key}”", where(str(key)), value=key,
                               expected="请删除这一项，或检查拼写（sp-docs questionnaire new 可生成完整答卷）")
    answers = Answers()
    overridden: set[str] = set()
    for q in questions():
        if not q.applies(answers) or q.id in failed:
            continue
        value = raw.get(q.id)
        given = not (value is None or value == "")
        if not given:
            value = q.default_for(answers) if not (q.optional and q.id in raw) else None
            if value is None and not q.optional:
                problems.error(f"“{q.title}”必须回答", where(q.id))
                continue
        try:
            answers[q.id] = _parse(q, value)
            if given and q.derived_text and answers[q.id] is not None:
                answers[q.id], note = derived.check(q, answers[q.id], answers, overridden)
                answers.notes += [note] if note else []
        except NormalizeError as exc:
            reason = exc.args[0] if exc.args else ""
            expected = q.expected()
            problems.error(f"“{q.title}”填写有误：{reason}", where(q.id), value=format_value(value),
                           expected="" if expected and expected in reason else expected)
    _cross_checks(answers, problems, where)
    problems.raise_if_errors()
    return answers


def _parse(q, value):
    if value is None:
        return None
    parsed = q.parse(value)
    if q.type != "text" or parsed is None:
        return parsed
    cleaned = clean_text_answer(q, parsed)
    if not cleaned:
        if q.optional:
            return None
        raise NormalizeError("只有标点符号，没有内容", value)
    return cleaned


# Marks the plan's templates add themselves after an answer (主送机关 + “：”, 抄送 + “。”) or
# around it (“品牌名称”, 《方案标题》): typed again by the user, they would print twice.
TRAILING_MARKS = "：:。.；;，,、！!？?…"
QUOTE_PAIRS = {"“": "”", "「": "」", "『": "』", "‘": "’", "《": "》", "〈": "〉", '"': '"', "'": "'"}
OPENING_OF = {closing: opening for opening, closing in QUOTE_PAIRS.items()}


def clean_text_answer(q, text: str) -> str:
    """A text answer as the plan prints it, by the question's ``form`` in questions.yaml: a
    ``name`` loses quotes typed around it and trailing punctuation, a ``quoted`` name also has
    the double quotes inside it made single (the template wraps it in “ ”), a ``list`` loses
    trailing punctuation (the template ends it with its own mark), a ``path`` is kept as typed."""
    if q.form == "path":
        return text
    previous = None
    while text != previous:
        previous = text
        text = text.rstrip(TRAILING_MARKS + " \u3000")
        if q.form in ("name", "quoted"):
            text = _unquote(text).strip(" \u3000")
    if q.form == "quoted" and _balanced(text, "“", "”"):
        text = text.replace("“", "‘").replace("”", "’")  # nested in the template's own “ ”
    return text


def _unquote(text: str) -> str:
    """``“园丁先锋”`` → ``园丁先锋``; also a lone opening or closing quote at either end. Quotes
    that belong to the text (``红烛“先锋”``, ``“红烛”与“先锋”``) stay."""
    if len(text) >= 2 and text[0] in ("”", "’") and text[-1] == text[0] and text[0] not in text[1:-1]:
        return text[1:-1]  # a name typed between two closing quotes (an IME slip)
    if len(text) >= 2 and text[0] in QUOTE_PAIRS:
        opening, closing = text[0], QUOTE_PAIRS[text[0]]
        inner = text[1:-1]
        if text[-1] == closing and _balanced(inner, opening, closing):
            return inner
        if closing not in text[1:] and (opening == closing or opening not in text[1:]):
            return text[1:]  # a lone opening quote
    if text and text[-1] in OPENING_OF and OPENING_OF[text[-1]] not in text[:-1]:
        return text[:-1]  # a lone closing quote
    return text


def _balanced(inner: str, opening: str, closing: str) -> bool:
    if opening == closing:
        return opening not in inner
    depth = 0
    for char in inner:
        depth += (char == opening) - (char == closing)
        if depth < 0:
            return False
    return depth == 0


def _cross_checks(answers: dict, problems: Problems, where) -> None:
    from .schema import question

    staff = answers.get("staff_count")
    if staff is not None:  # a bad 教职工人数 is reported once, not again for every count
        for key in ("party_teacher_count", "backbone_count", "reserve_count"):
            if key in answers and answers[key] is not None and answers[key] > staff:
                problems.error(f"“{question(key).title}”不能超过教职工人数", where(key), value=answers[key],
                               expected=f"不超过 {staff}")
    number = answers.get("doc_number")
    if number:
        answers["doc_number"] = normalize_doc_number(number)
        if "〔" not in answers["doc_number"]:
            problems.error("发文字号应包含用六角括号〔〕括起的年份", where("doc_number"),
                           value=number, expected="如“一小党发〔2025〕3号”")


def normalize_doc_number(text: str) -> str:
    """``实小党发[2025]03号`` / ``（2025）`` / ``【2025】`` → ``实小党发〔2025〕3号``."""
    import re

    text = text.replace("第", "")
    text = re.sub(r"[\[［(（【〔]\s*(\d{4})\s*[\]］)）】〕]", r"〔\1〕", text)
    return re.sub(r"〕0*(\d+)号", r"〕\1号", text)


def to_plain(answers: dict) -> dict:
    """Answers as YAML-friendly values (dates as ISO text)."""
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in answers.items()}


def dump_yaml(answers: dict) -> str:
    """The answers file: every question as a comment above its answer; a derived answer equal
    to what its sources give is left blank, so it follows them when they are edited."""
    lines = ["# “双培”工程实施方案问卷答卷（sp-docs）",
             "# 修改冒号后面的答案；以 # 开头的是说明。生成方案：sp-docs plan 本文件 -o 输出文件夹",
             "# Answers for `sp-docs plan`; edit the values after the colons.", ""]
    current_section = None
    shown = answers
    answers = for_storage(answers)
    for q in questions():
        if q.id not in answers:
            continue
        if q.section != current_section:
            current_section = q.section
            lines += [f"# ==== {q.section} ====", ""]
        lines.append(f"# {q.title}（{_type_note(q)}）")
        if q.help:
            lines.append(f"# 说明：{q.help}")
        if q.derived_text:
            now = f"（现为“{format_value(shown[q.id])}”）" if answers[q.id] is None and shown[q.id] else ""
            lines.append(f"# 不填则按前面的答案自动生成{now}，改了前面的答案会跟着变")
        if q.when:
            lines.append(f"# 仅当{q.condition_text()}时需要回答")
        value = to_plain({q.id: answers[q.id]})[q.id]
        if value is None:
            value = ""
        dumped = yaml.safe_dump({q.id: value}, allow_unicode=True, default_flow_style=False, sort_keys=False,
                                width=200).rstrip("\n")
        lines += [dumped, ""]
    return "\n".join(lines) + "\n"


def _type_note(q) -> str:
    from .schema import TYPE_LABELS

    note = TYPE_LABELS[q.type]
    if q.type in ("choice", "multi"):
        note += "：" + "、".join(q.choices)
    if q.type == "number" and q.min is not None:
        note += f"，{q.min}–{q.max}"
    if q.optional:
        note += "，可不填"
    return note


def read_raw(path: Path) -> dict:
    """The raw answers of a YAML answers file or a filled questionnaire workbook."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到答卷文件：{path}", Location(str(path)))
    from ..output import protect_input

    protect_input(path)
    with path.open("rb") as handle:
        head = handle.read(8)
    # a workbook by its content, too: a renamed .xls/.xlsx must not be read as YAML
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods") or head.startswith(b"PK\x03\x04") \
            or head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        from .workbook import read_workbook

        return read_workbook(path)
    try:
        data = limits.load_yaml(limits.read_yaml_text(path), path) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"答卷不是有效的 YAML：{str(exc).splitlines()[0]}", Location(str(path))) from None
    if not isinstance(data, dict):
        raise InputError("答卷应为“题目编号: 答案”的列表", Location(str(path)))
    from ..sources.schema import SHEETS_BY_NAME

    if any(str(k).strip() in SHEETS_BY_NAME for k in data):
        raise InputError(DATA_FILE_MESSAGE, Location(str(path)))
    return {str(k): v for k, v in data.items()}


def load(path: Path | str) -> dict:
    path = Path(path)
    return complete(read_raw(path), str(path))


def defaults() -> dict:
    return complete({})


def blank_template() -> dict:
    """The answers a new answers file or workbook starts with: defaults, but the text answers
    derived from earlier ones (党组织全称, 发文机关, 发文字号…) left blank, so they follow the
    school name the user types instead of the placeholder's."""
    answers = defaults()
    full = {}
    for q in questions():  # include the questions that apply only to other answers, too
        full[q.id] = None if q.derived_text else (answers[q.id] if q.id in answers else q.default_for(answers))
    return full


IDENTITY = ("school_name", "issuer", "doc_number")


def identity_warnings(raw: dict, answers: dict) -> list[str]:
    """Chinese warnings for the identity answers (学校全称, 发文机关, 发文字号) left blank or
    still holding a placeholder (the plan is then someone else's or incomplete), after the
    notes ``complete`` made about derived answers (发文机关标志 naming another school…)."""
    from .schema import PLACEHOLDER, question

    warnings = list(getattr(answers, "notes", ()))
    for qid in IDENTITY:
        if qid not in answers:
            continue
        value = format_value(answers[qid])
        given = raw.get(qid)
        title = question(qid).title
        if PLACEHOLDER in value:
            warnings.append(f"“{title}”仍是默认的“{value}”，请在答卷中改为本单位的实际内容")
        elif given is None or str(given).strip() == "":
            warnings.append(f"“{title}”未填写，已自动生成“{value}”，请核对")
    return warnings
