"""Documents from the unit's current data, made by the same jobs/ functions as the CLI:
附件2 for a chosen year (text checked), ZIP of all, ledgers with recorded progress,
failures explained, interrupted jobs on restart."""
from __future__ import annotations

import io
import re
import zipfile
from html import unescape

from helpers import docx_text, pdf_text, xlsx_rows
from webhelpers import ROOT, csrf_of, make_app, upload

CITY = ROOT / "data_examples" / "city.xlsx"


def _files(html: str) -> dict[str, str]:
    """Link text → href of every produced file on a job page."""
    return {unescape(text): unescape(href) for href, text in
            re.findall(r'<a href="(/files/[^"]+)" download>([^<]+)</a>', html)}


def test_annex2_for_a_chosen_year(site, city):
    from sp_docs.documents import annex2

    client = site.client("yizhong")
    upload(client, CITY)
    page = client.get("/documents").text
    assert '<label for="year">年度</label>' in page and ">生成附件2</button>" in page
    years = [int(y) for y in re.findall(r'<option value="(\d{4})"', page)]
    assert 2024 in years and 2025 in years
    job = client.post("/documents/annex2", data={"csrf_token": csrf_of(client), "year": "2024"})
    files = _files(job.text)
    stem = "附件2_实施情况汇总表_青川市第一中学_2024"
    assert set(files) == {f"{stem}.xlsx", f"{stem}.docx", f"{stem}.pdf", f"附件2_实施情况汇总表_2024_青川市第一中学_全部文件.zip"}
    expected = annex2.build(city, "青川市第一中学", 2024)
    assert expected.rows
    pdf = client.get(files[f"{stem}.pdf"]).content
    text = pdf_text(pdf)
    docx = docx_text(client.get(files[f"{stem}.docx"]).content)
    sheet = "\n".join(" ".join(str(c) for c in row if c is not None)
                      for row in xlsx_rows(client.get(files[f"{stem}.xlsx"]).content))
    for row in expected.rows:
        assert row.name in text and row.name in docx and row.name in sheet
    assert "2024" in text
    archive = zipfile.ZipFile(io.BytesIO(client.get(files[next(n for n in files if n.endswith(".zip"))]).content))
    assert sorted(archive.namelist()) == sorted(n for n in files if not n.endswith(".zip"))
    assert archive.read(f"{stem}.pdf") == pdf


def test_ledger_of_one_trainee_with_progress(sqlite_site, city):
    from sp_docs.documents.ledger import ordered_trainees
    from sp_docs.web.models import Job

    client = sqlite_site.client("yizhong")
    upload(client, CITY)
    names = [t.name for t in ordered_trainees(city, "青川市第一中学")]
    page = client.get("/documents").text
    assert all(f'<option value="{n}">{n}</option>' in page for n in names)
    one = client.post("/documents/ledgers", data={"csrf_token": csrf_of(client), "trainee": names[0]})
    files = _files(one.text)
    pdf_name = "培养台账_青川市第一中学.pdf"
    text = pdf_text(client.get(files[pdf_name]).content)
    assert names[0] in text and names[1] not in text
    assert sum(1 for n in files if n.endswith(".docx")) == 2  # the trainee's own + the combined one
    with sqlite_site.app.state.services.db.session() as db:
        job = db.query(Job).order_by(Job.id.desc()).first()
        assert job.status == "done" and job.stage == "Word 文件"  # the last stage: the DOCX and the combined one
        assert job.done == job.total == 2


def test_failure_is_explained_and_can_be_rerun(sqlite_site):
    from sp_docs.web.accounts import add_account

    with sqlite_site.app.state.services.db.session() as db:
        add_account(db, "stranger", "stranger-pass", unit_name="不在数据中的学校")
    client = sqlite_site.client("stranger", "stranger-pass")
    assert "还没有可用的数据" in client.get("/documents").text
    upload(client, CITY)
    assert "单位”表中没有“不在数据中的学校”" in client.get("/documents").text
    job = client.post("/documents/mentors", data={"csrf_token": csrf_of(client)})
    assert "失败" in job.text and "不在数据中的学校" in job.text and ">重新生成</button>" in job.text
    assert "/work/" not in job.text and str(sqlite_site.app.state.services.settings.data_dir) not in job.text
    assert not _files(job.text)


def test_running_job_is_marked_interrupted_on_restart(tmp_path):
    from webhelpers import Site

    from sp_docs.web.models import Job

    app = make_app(tmp_path / "d")
    Site(app)
    services = app.state.services
    with services.db.session() as db:
        job = Job(unit_id=1, account_id=2, kind="annex2", title="附件2", params='{"kind": "annex2"}', status="running")
        db.add(job)
    services.close()
    again = make_app(tmp_path / "d")
    try:
        with again.state.services.db.session() as db:
            job = db.query(Job).one()
            assert job.status == "interrupted" and "重新生成" in job.message
    finally:
        again.state.services.close()
