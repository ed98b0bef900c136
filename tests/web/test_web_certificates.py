"""荣誉证书 from an uploaded list with the settings as a form, through jobs.certificates."""
from __future__ import annotations

import re
from html import unescape

from helpers import pdf_text
from webhelpers import ROOT, csrf_of
from webhelpers import sqlite_site  # noqa: F401 - fixtures

CITY = ROOT / "data_examples" / "city.xlsx"


def _post(client, **fields):
    data = {"csrf_token": csrf_of(client, "/certificates"), "issuer": "中共青川市委教育工作委员会",
            "date": "2025-09-10", "year": "", "prefix": "青教工委证", "design": "正式", "paper": "A4横向", **fields}
    return client.post("/certificates", data=data, files={"award_list": ("表彰名单.xlsx", CITY.read_bytes())})


def test_certificates_from_a_list_with_form_settings(sqlite_site, city):
    client = sqlite_site.client("yizhong")
    page = client.get("/certificates").text
    for label in ("表彰名单", "颁发单位", "颁发日期", "设计", "纸张"):
        assert f">{label}</label>" in page
    job = _post(client)
    assert job.status_code == 200 and "已完成" in job.text, job.text[-2000:]
    links = {unescape(t): unescape(h) for h, t in re.findall(r'<a href="(/files/[^"]+)" download>([^<]+)</a>', job.text)}
    assert set(links) >= {"荣誉证书_表彰名单.pdf", "荣誉证书_表彰名单.docx"}
    assert not any("/" in name or "files" in name for name in links)  # the stored name never shows
    text = pdf_text(client.get(links["荣誉证书_表彰名单.pdf"]).content)
    awards = [a for a in city.awards]
    assert awards and all(a.name.replace(" ", "") in text.replace(" ", "") for a in awards)
    assert "中共青川市委教育工作委员会" in text and "青教工委证〔2025〕001号" in text
    assert len(re.findall(r'alt="荣誉证书 第\d页"', job.text)) == min(3, len(awards))


def test_bad_settings_are_explained(sqlite_site):
    client = sqlite_site.client("yizhong")
    job = _post(client, date="2025-13-40")
    assert "失败" in job.text and "颁发日期" in job.text and ">重新生成</button>" in job.text
    refused = _post(client, design="<script>")
    assert refused.status_code == 400 and "请从列表中选择" in refused.text


def test_designs_are_previewed_before_any_list(sqlite_site, tmp_path):
    import io

    from PIL import Image

    client = sqlite_site.client("yizhong")
    page = client.get("/certificates").text
    images = re.findall(r'<img src="(/certificates/designs/\d\.png)"[^>]*alt="([^"]+)"', page)
    assert [alt for _src, alt in images] == [f"“{d}”设计的示例证书" for d in ("正式", "简洁", "套打")]
    sizes = []
    for src, _alt in images:
        response = client.get(src)
        assert response.status_code == 200 and response.headers["content-type"] == "image/png"
        picture = Image.open(io.BytesIO(response.content))
        assert picture.width > picture.height  # A4 landscape
        sizes.append(len(response.content))
    assert len(set(sizes)) == 3  # three different pictures, not one image served three times
    assert client.get("/certificates/designs/7.png").status_code == 404
    assert client.get("/certificates/designs/0.png?paper=../../etc").status_code == 404
    anonymous = sqlite_site.client(follow_redirects=False).get("/certificates/designs/0.png")
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["location"]
