"""Jobs are plain functions a front end calls with a Reporter and reads a result from."""
from __future__ import annotations

import yaml

from sp_docs.jobs.progress import JobResult, NullReporter, Reporter, as_reporter


class Recorder:
    def __init__(self):
        self.stages: list[list] = []
        self.notices: list[str] = []

    def start(self, total, label):
        self.stages.append([label, total, 0])

    def advance(self, n=1):
        self.stages[-1][2] += n

    def notice(self, text):
        self.notices.append(text)


def test_reporter_protocol_and_defaults():
    assert isinstance(Recorder(), Reporter) and isinstance(NullReporter(), Reporter)
    assert isinstance(as_reporter(None), NullReporter) and isinstance(as_reporter(True), NullReporter)
    rec = Recorder()
    assert as_reporter(rec) is rec


def test_single_document_job_returns_result_that_still_unpacks(city_workbook, tmp_path):
    from sp_docs.jobs.annex2 import annex2

    result = annex2(city_workbook, "青川市教育工委", tmp_path, year=2025, formats=["xlsx"])
    assert isinstance(result, JobResult) and result.ok
    written, view = result
    assert written == result.written and [p.name for p in written] == ["附件2_实施情况汇总表_青川市教育工委_2025.xlsx"]
    assert view is result.view and view.rows and result.warnings == list(view.warnings)


def test_certificates_report_each_stage_to_the_reporter(tmp_path):
    from sp_docs.jobs.certificates import certificates

    names = ["张三", "李四", "王五"]
    rows = [{"姓名": n, "所在单位": "青川市第一中学", "荣誉称号": "优秀教师"} for n in names]
    lst = tmp_path / "list.yaml"
    lst.write_text(yaml.safe_dump({"表彰": rows}, allow_unicode=True), encoding="utf-8")
    settings = tmp_path / "s.yaml"
    settings.write_text(yaml.safe_dump({"颁发单位": "青川市教育局", "颁发日期": "2025.09.10"}, allow_unicode=True),
                        encoding="utf-8")
    rec = Recorder()
    outcome = certificates(lst, tmp_path / "o", settings_path=settings, formats=["pdf", "docx"], workers=1,
                           progress=rec)
    assert rec.stages == [["合并 PDF", 3, 3], ["Word 文件", 3, 3]]
    assert sorted(p.suffix for p in outcome.result.written) == [".docx", ".pdf"]
