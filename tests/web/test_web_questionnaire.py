"""The questionnaire as a web form from the question schema: every field labelled with its
question's text, the same defaults and validation as the answers file, drafts, YAML/XLSX
downloads, 生成实施方案 with page previews."""
from __future__ import annotations

import io
import re
from html import unescape

import yaml
from openpyxl import load_workbook

from helpers import docx_text, pdf_text
from webhelpers import csrf_of


def _form(html: str) -> dict:
    """What the browser would post: every shown field with its current value."""
    data: dict = {"__shown": re.findall(r'name="__shown" value="([^"]+)"', html)}
    for name, value in re.findall(r'<input id="q-[^"]+" name="([^"]+)" type="(?:text|number|date)"[^>]*value="([^"]*)"', html):
        data[name] = unescape(value)
    for name, body in re.findall(r'<select id="q-[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        data[name] = unescape(re.search(r'<option value="([^"]*)" selected', body).group(1))
    for name, value in re.findall(r'<input type="checkbox" name="([^"]+)" value="([^"]+)" checked>', html):
        data.setdefault(name, []).append(unescape(value))
    return data


def test_fields_are_the_schema_questions_with_its_defaults(site):
    from sp_docs.questionnaire.answers import defaults
    from sp_docs.questionnaire.schema import format_value, questions

    html = site.client("yizhong").get("/questionnaire").text
    wanted = defaults()
    shown = re.findall(r'name="__shown" value="([^"]+)"', html)
    assert shown == [q.id for q in questions() if q.id in wanted]
    for q in questions():
        if q.id not in wanted:
            continue
        if q.type == "multi":
            assert f"<legend>{q.title}</legend>" in unescape(html), q.id
        else:
            assert f'<label for="q-{q.id}">{q.title}</label>' in unescape(html), q.id
    form = _form(html)
    for q in questions():
        if q.id in wanted and not q.derived_text and q.type not in ("multi",):
            assert form[q.id] == format_value(wanted[q.id]), q.id
    assert ">生成实施方案</button>" in html


def test_bad_answers_are_shown_at_their_question_and_drafts_kept(site):
    client = site.client("yizhong")
    html = client.get("/questionnaire").text
    form = _form(html)
    form.update({"school_name": "青川市第一中学", "staff_count": "80", "party_teacher_count": "200",
                 "csrf_token": csrf_of(client, "/questionnaire"), "action": "generate"})
    response = client.post("/questionnaire", data=form)
    assert response.status_code == 400
    assert "答卷中有 1 处需要修改" in response.text
    block = response.text.split('id="q-party_teacher_count"')[1].split("</div>")[0]
    assert "不能超过教职工人数" in block and "不超过 80" in block
    again = client.get("/questionnaire").text  # the draft was saved with the bad answer
    assert 'name="party_teacher_count" type="number" inputmode="numeric" min="0" max="100000" value="200"' in again
    assert 'value="青川市第一中学"' in again


def test_answers_download_as_yaml_and_xlsx_like_the_cli(site):
    from sp_docs.questionnaire.answers import complete, dump_yaml, read_raw

    client = site.client("yizhong")
    form = _form(client.get("/questionnaire").text)
    form.update({"school_name": "青川市第一中学", "csrf_token": csrf_of(client, "/questionnaire"), "action": "save"})
    client.post("/questionnaire", data=form)
    text = client.get("/questionnaire/answers.yaml").content.decode("utf-8")
    answers = complete(yaml.safe_load(text), "answers.yaml")
    assert answers["school_name"] == "青川市第一中学"
    assert text == dump_yaml(answers)
    workbook = client.get("/questionnaire/answers.xlsx").content
    path = site.app.state.services.settings.work_dir / "answers.xlsx"
    path.write_bytes(workbook)
    assert complete(read_raw(path), str(path)) == answers
    assert load_workbook(io.BytesIO(workbook)).sheetnames


def test_autosave_keeps_a_draft(sqlite_site):
    client = sqlite_site.client("yizhong")
    token = csrf_of(client, "/questionnaire")
    saved = client.post("/questionnaire/autosave", data={"csrf_token": token, "__shown": "school_name",
                                                         "school_name": "自动保存学校"})
    assert saved.status_code == 200 and re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d", saved.json()["saved"])
    assert 'value="自动保存学校"' in client.get("/questionnaire").text
    assert client.post("/questionnaire/autosave", data={"__shown": "school_name"}).status_code == 400


def test_generate_plan_with_previews(sqlite_site):
    client = sqlite_site.client("yizhong")
    form = _form(client.get("/questionnaire").text)
    form.update({"school_name": "青川市第一中学", "csrf_token": csrf_of(client, "/questionnaire"),
                 "action": "generate"})
    job = client.post("/questionnaire", data=form)
    assert job.status_code == 200 and "已完成" in job.text
    links = {unescape(t): unescape(h) for h, t in re.findall(r'<a href="(/files/[^"]+)" download>([^<]+)</a>', job.text)}
    docx = next(h for n, h in links.items() if n.endswith(".docx"))
    pdf = next(h for n, h in links.items() if n.endswith(".pdf"))
    assert "青川市第一中学“双培”工程实施方案.pdf" in links
    pdf_bytes = client.get(pdf).content
    assert "青川市第一中学" in pdf_text(pdf_bytes) and "青川市第一中学" in docx_text(client.get(docx).content)
    images = re.findall(r'<img src="(/files/[^"]+)" alt="实施方案 第(\d+)页"', job.text)
    from pypdf import PdfReader

    assert len(images) == len(PdfReader(io.BytesIO(pdf_bytes)).pages) > 1
    image = client.get(unescape(images[0][0]))
    assert image.headers["content-type"] == "image/png" and image.content[:8] == b"\x89PNG\r\n\x1a\n"
