"""Located problems in user input, and the exceptions that carry them.

A ``Problem`` names where it was found (file, sheet, row, column), the value as
the user typed it and what was expected.  Readers collect every problem of a
file before giving up, so the user fixes them all in one pass.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Iterable

ERROR = "error"
WARNING = "warning"
LEVEL_LABELS = {ERROR: "错误", WARNING: "警告"}


@dataclass(frozen=True)
class Location:
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def describe(self) -> str:
        parts = [self.file] if self.file else []
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"“{self.column}”列")
        return " ".join(parts)

    def at(self, column: str) -> "Location":
        return Location(self.file, self.sheet, self.row, column)


@dataclass(frozen=True)
class Problem:
    level: str
    message: str
    location: Location = field(default_factory=Location)
    value: str = ""
    expected: str = ""

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    def describe(self) -> str:
        where = self.location.describe()
        text = f"{LEVEL_LABELS[self.level]}：{where + '：' if where else ''}{self.message}"
        if self.value:
            text += f"（填写的是“{self.value}”）"
        if self.expected:
            text += f"；{self.expected}"
        return text

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(data.pop("location"))
        return data


class Problems:
    """An ordered collection of problems found while reading one input."""

    def __init__(self, items: Iterable[Problem] = ()):
        self.items: list[Problem] = list(items)

    def error(self, message: str, location: Location = Location(), value: object = "",
              expected: str = "") -> None:
        self.items.append(Problem(ERROR, message, location, _show(value), expected))

    def warning(self, message: str, location: Location = Location(), value: object = "",
                expected: str = "") -> None:
        self.items.append(Problem(WARNING, message, location, _show(value), expected))

    def extend(self, other: "Problems | Iterable[Problem]") -> None:
        self.items.extend(other.items if isinstance(other, Problems) else other)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if not p.is_error]

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_errors(self) -> None:
        if self.errors:
            raise InputError(self)


def _show(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


class SpDocsError(Exception):
    """Base of every error the CLI turns into a Chinese message (never a traceback)."""

    exit_code = 1


class InputError(SpDocsError):
    """The input cannot be used; carries every problem found (exit status 2)."""

    exit_code = 2

    def __init__(self, problems: "Problems | Iterable[Problem] | str", location: Location | None = None):
        if isinstance(problems, str):
            found = Problems()
            found.error(problems, location or Location())
            problems = found
        elif not isinstance(problems, Problems):
            problems = Problems(problems)
        self.problems = problems
        super().__init__("\n".join(p.describe() for p in problems.errors) or "输入有误")


class OutputExistsError(SpDocsError):
    exit_code = 1

    def __init__(self, path):
        self.path = path
        super().__init__(f"输出文件已存在：{path}（如需覆盖，请加 --force）")


class OutputIsInputError(SpDocsError):
    """A command was asked to write over one of its own inputs (refused even with --force)."""

    exit_code = 2

    def __init__(self, path):
        self.path = path
        super().__init__(f"不能写入“{path}”：它是本次读取的输入文件，输入文件从不被改写（加 --force 也不会）。"
                         "请用 -o 指定另一个文件名或文件夹")


class TemplateError(SpDocsError):
    exit_code = 1
