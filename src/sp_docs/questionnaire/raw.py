"""Answers as read from a questionnaire file (YAML or workbook), before ``answers.complete``
checks them; shared by the readers in ``answers`` and ``workbook``."""
from __future__ import annotations

from ..errors import Location, Problems

DATA_FILE_MESSAGE = ("这是数据文件，不是问卷答卷；请用 sp-docs questionnaire new 生成答卷（或 questionnaire xlsx 生成问卷），"
                     "数据文件用 --data 传入")


class RawAnswers(dict):
    """Raw answers as read, plus where each was found (a workbook's sheet and row), the
    questions whose cell could not be read (``failed``) and the reading problems."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locations: dict[str, Location] = {}
        self.failed: set[str] = set()
        self.problems = Problems()
