"""The JSON API under /api/ (issue 12 item 4): bearer tokens per account, every endpoint with a
good token, without one (401) and with another unit's (404) or a unit's on a bureau endpoint (403);
the OpenAPI document; tokens from the browser (CSRF) and from ``sp-docs accounts token``."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook

from helpers import xlsx_rows
from webhelpers import ROOT, csrf_of
from webhelpers import sqlite_site  # noqa: F401 - fixtures

CITY = ROOT / "data_examples" / "city.xlsx"
MISTAKES = ROOT / "tests" / "fixtures" / "mistakes.xlsx"
UNIT_A, UNIT_B = "青川市第一中学", "青川市第二中学"
ENDPOINTS = [("post", "/api/check"), ("post", "/api/documents/annex2"), ("get", "/api/jobs/x"),
             ("get", "/api/files/x"), ("post", "/api/submissions"), ("get", "/api/submissions"),
             ("get", "/api/submissions/board?year=2025"), ("post", "/api/rollup"),
             ("post", "/api/submissions/x/withdraw"), ("post", "/api/submissions/x/return"),
             ("post", "/api/submissions/upload"), ("post", "/api/years/2025/close"), ("post", "/api/years/2025/reopen"),
             ("post", "/api/bureau/report"), ("post", "/api/bureau/annex1"), ("get", "/api/bureau/findings"),
             ("post", "/api/certificates"), ("post", "/api/bureau/rules")]


def _tokens(site) -> dict[str, str]:
    from sqlalchemy import select

    from sp_docs.web.auth import create_api_token
    from sp_docs.web.models import Account

    with site.app.state.services.db.session() as db:
        return {a.username: create_api_token(db, a) for a in db.scalars(select(Account))}


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _check(client, token, path=CITY, name="数据.xlsx"):
    return client.post("/api/check", headers=_bearer(token), files={"workbook": (name, path.read_bytes())})


def _file(client, token, job_json, suffix: str) -> bytes:
    item = next(f for f in job_json["files"] if f["name"].endswith(suffix))
    response = client.get(item["url"], headers=_bearer(token))
    assert response.status_code == 200, response.text
    return response.content


def _generate(client, token, kind, body) -> dict:
    started = client.post(f"/api/documents/{kind}", headers=_bearer(token), json=body)
    assert started.status_code == 202, started.text
    job = client.get(started.json()["url"], headers=_bearer(token)).json()  # InlineRunner: already finished
    assert job["status"] == "done", job
    return job


@pytest.fixture()
def api(sqlite_site):
    from starlette.testclient import TestClient

    return TestClient(sqlite_site.app), _tokens(sqlite_site)


def test_no_token_or_a_wrong_one_is_401_in_json(api):
    client, tokens = api
    for method, path in ENDPOINTS:
        for headers in ({}, _bearer("spd_wrong"), _bearer(tokens["yizhong"] + "x"), {"Authorization": "Basic eDp5"}):
            response = getattr(client, method)(path, headers=headers)
            assert response.status_code == 401, (method, path, headers, response.text)
            assert "API 令牌" in response.json()["detail"]
    assert client.get("/api/nothing", headers=_bearer(tokens["yizhong"])).json()["detail"].startswith("找不到")


def test_check_generate_poll_download_with_unit_isolation(api, city, tmp_path):
    from sp_docs.jobs.annex2 import annex2

    client, tokens = api
    a, b, admin = tokens["yizhong"], tokens["erzhong"], tokens["admin"]
    bad = _check(client, a, MISTAKES).json()
    assert bad["valid"] is False and bad["errors"] > 0 and len(bad["problems"]) == bad["errors"] + bad["warnings"]
    assert {"level": "错误", "sheet": "教师", "row": "15", "column": "出生年月（如1985.03）"}.items() <= \
        next(p for p in bad["problems"] if p["sheet"] == "教师" and p["row"] == "15").items()
    assert client.post("/api/documents/annex1", headers=_bearer(a), json={}).status_code == 409  # no valid data yet
    good = _check(client, a).json()
    assert good["valid"] is True and good["errors"] == 0 and f"双培对象 {len(city.trainees)} 人" in good["summary"]
    assert _check(client, admin).status_code == 403  # the admin has no unit

    job = _generate(client, a, "annex2", {"year": 2025})
    assert {f["name"] for f in job["files"]} >= {f"附件2_实施情况汇总表_{UNIT_A}_2025.{s}" for s in ("xlsx", "pdf")}
    written, view = annex2(CITY, UNIT_A, tmp_path, year=2025, formats=["xlsx"])  # what the CLI makes
    assert view.rows and xlsx_rows(_file(client, a, job, ".xlsx")) == xlsx_rows(written[0])
    assert client.post("/api/documents/annex2", headers=_bearer(a), json={}).status_code == 400  # year missing
    assert client.post("/api/documents/annex2", headers=_bearer(a), json={"year": "x"}).status_code == 422
    assert client.post("/api/documents/plan", headers=_bearer(a), json={}).status_code == 404

    ledgers = _generate(client, a, "ledgers", {})
    assert any(f["name"].endswith(".docx") for f in ledgers["files"])
    mentors = _generate(client, a, "mentors", {})
    text = "\n".join(p.text for p in Document(io.BytesIO(_file(client, a, mentors, ".docx"))).paragraphs)
    assert "结对" in text or "帮带" in text
    annex1 = _generate(client, a, "annex1", {})
    assert load_workbook(io.BytesIO(_file(client, a, annex1, ".xlsx"))).sheetnames

    # another unit sees none of it; the admin sees everything
    assert client.get(job["url"], headers=_bearer(b)).status_code == 404
    assert client.get(job["files"][0]["url"], headers=_bearer(b)).status_code == 404
    assert client.get(job["url"], headers=_bearer(admin)).json()["status"] == "done"
    assert client.get(job["files"][0]["url"], headers=_bearer(admin)).status_code == 200
    zips = [f for f in ledgers["files"] if f["name"].endswith(".zip")]
    if zips:
        assert zipfile.ZipFile(io.BytesIO(_file(client, a, ledgers, ".zip"))).namelist()

    audit = _audit(client.app)
    assert any(r[0] == "上传" and "（API）" in r[1] for r in audit) and any(r[0] == "生成" and "（API）" in r[1] for r in audit)
    assert any(r[0] == "下载" and "（API）" in r[1] for r in audit)


def _audit(app) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from sp_docs.web.models import AuditEntry

    with app.state.services.db.session() as db:
        return [(e.action, e.detail) for e in db.scalars(select(AuditEntry))]


def test_submit_list_board_and_rollup(api, city, tmp_path):
    from sp_docs.jobs.annex2 import annex2

    client, tokens = api
    a, b, admin = tokens["yizhong"], tokens["erzhong"], tokens["admin"]
    assert client.post("/api/submissions", headers=_bearer(a), json={"year": 2025}).status_code == 409  # no data
    _check(client, a)
    sent = client.post("/api/submissions", headers=_bearer(a), json={"year": 2025})
    assert sent.status_code == 201, sent.text
    item = sent.json()
    written, view = annex2(CITY, UNIT_A, tmp_path, year=2025, formats=["xlsx"])  # what the CLI makes
    assert item["status_label"] == "已报送" and item["unit"] == UNIT_A and item["rows"] == len(view.rows) > 0
    assert xlsx_rows(client.get(item["file"]["url"], headers=_bearer(a)).content) == xlsx_rows(written[0])
    cli_cells = {str(c) for row in xlsx_rows(written[0]) for c in row if c}
    own = {t.name for t in city.trainees if t.unit == UNIT_A} & cli_cells
    assert client.post("/api/submissions", headers=_bearer(a), json={"year": 2025}).status_code == 409  # once
    assert [s["id"] for s in client.get("/api/submissions?year=2025", headers=_bearer(a)).json()["submissions"]] \
        == [item["id"]]
    assert client.get("/api/submissions", headers=_bearer(b)).json()["submissions"] == []
    assert client.get(item["file"]["url"], headers=_bearer(b)).status_code == 404
    assert client.post("/api/submissions", headers=_bearer(admin), json={"year": 2025}).status_code == 403

    # bureau endpoints: a unit without sub-units gets 403, the admin the board and the roll-up
    assert client.get("/api/submissions/board?year=2025", headers=_bearer(a)).status_code == 403
    assert client.post("/api/rollup", headers=_bearer(b), json={"year": 2025}).status_code == 403
    board = {r["unit"]: r["status_label"] for r in
             client.get("/api/submissions/board?year=2025", headers=_bearer(admin)).json()["units"]}
    assert board == {UNIT_A: "已报送", UNIT_B: "未报送"}
    assert [s["id"] for s in client.get("/api/submissions", headers=_bearer(admin)).json()["submissions"]] == [item["id"]]
    started = client.post("/api/rollup", headers=_bearer(admin), json={"year": 2025})
    assert started.status_code == 202, started.text
    job = client.get(started.json()["url"], headers=_bearer(admin)).json()
    assert job["status"] == "done", job
    assert client.get(job["url"], headers=_bearer(a)).status_code == 404  # the admin's roll-up is not a unit's
    rolled = next(f for f in job["files"] if f["name"] == "全市汇总表_2025.xlsx")
    names = {str(c) for row in xlsx_rows(client.get(rolled["url"], headers=_bearer(admin)).content) for c in row if c}
    assert own and own <= names


def test_openapi_lists_every_endpoint_with_bearer_security(api):
    client, _tokens_ = api
    schema = client.get("/api/openapi.json").json()
    paths = {(m, p) for p, ops in schema["paths"].items() for m in ops}
    assert paths == {("post", "/api/check"), ("post", "/api/documents/{kind}"), ("get", "/api/jobs/{public}"),
                     ("get", "/api/files/{public}"), ("post", "/api/submissions"), ("get", "/api/submissions"),
                     ("get", "/api/submissions/board"), ("post", "/api/rollup"),
                     ("post", "/api/submissions/{public}/withdraw"), ("post", "/api/submissions/{public}/return"),
                     ("post", "/api/submissions/upload"), ("post", "/api/years/{year}/close"),
                     ("post", "/api/years/{year}/reopen"), ("post", "/api/bureau/{kind}"), ("get", "/api/bureau/findings"),
                     ("post", "/api/certificates"), ("post", "/api/bureau/rules")}
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert all(op.get("security") for ops in schema["paths"].values() for op in ops.values())
    assert not any(p.startswith("/data") for p in schema["paths"])  # the HTML pages are not part of it


def test_token_from_the_browser_needs_csrf_and_replaces_the_old_one(sqlite_site):
    browser = sqlite_site.client("yizhong")
    assert browser.post("/account/token", data={"csrf_token": "wrong"}).status_code == 400
    page = browser.post("/account/token", data={"csrf_token": csrf_of(browser, "/account/token")})
    first = re.search(r'<code id="api-token">(spd_[^<]+)</code>', page.text).group(1)
    assert browser.get("/api/submissions", headers=_bearer(first)).status_code == 200
    assert first not in browser.get("/account/token").text  # shown once
    second = re.search(r'<code id="api-token">(spd_[^<]+)</code>', browser.post(
        "/account/token", data={"csrf_token": csrf_of(browser, "/account/token")}).text).group(1)
    assert browser.get("/api/submissions", headers=_bearer(first)).status_code == 401
    assert browser.get("/api/submissions", headers=_bearer(second)).status_code == 200


def test_token_from_the_cli_is_printed_once_and_stored_hashed(tmp_path, runner):
    from sqlalchemy import select

    from sp_docs.cli import main
    from sp_docs.web.models import ApiToken
    from webhelpers import make_app

    data = str(tmp_path / "svc")
    runner.invoke(main, ["accounts", "add", "--data", data, "--username", "yizhong", "--unit", UNIT_A,
                         "--password-stdin"], input="unit-pass-a1\n")
    result = runner.invoke(main, ["accounts", "token", "--data", data, "--username", "yizhong"])
    assert result.exit_code == 0, result.output
    token = re.search(r"^(spd_\S+)$", result.output, re.M).group(1)
    missing = runner.invoke(main, ["accounts", "token", "--data", data, "--username", "nobody"])
    assert missing.exit_code != 0 and "没有用户名为“nobody”的账号" in missing.output and "Traceback" not in missing.output
    from starlette.testclient import TestClient

    app = make_app(tmp_path / "svc")
    try:
        with app.state.services.db.session() as db:
            stored = db.scalars(select(ApiToken)).all()
            assert len(stored) == 1 and token not in stored[0].token_hash and len(stored[0].token_hash) == 64
        assert TestClient(app).get("/api/submissions", headers=_bearer(token)).json() == {"submissions": []}
    finally:
        app.state.services.close()


def _send(client, token, year=2025) -> dict:
    sent = client.post("/api/submissions", headers=_bearer(token), json={"year": year})
    assert sent.status_code == 201, sent.text
    return sent.json()


def test_withdraw_return_and_close_a_year(api):
    client, tokens = api
    a, b, admin = tokens["yizhong"], tokens["erzhong"], tokens["admin"]
    _check(client, a)
    item = _send(client, a)
    withdraw, back = f"/api/submissions/{item['id']}/withdraw", f"/api/submissions/{item['id']}/return"
    assert client.post(withdraw, headers=_bearer(b)).status_code == 404  # another unit's
    assert client.post(back, headers=_bearer(b), json={"comment": "x"}).status_code == 404
    assert client.post(back, headers=_bearer(a), json={"comment": "x"}).status_code == 403  # not its own bureau
    assert client.post(withdraw, headers=_bearer(admin)).status_code == 403  # only the unit withdraws
    done = client.post(withdraw, headers=_bearer(a))
    assert done.status_code == 201 and done.json()["status_label"] == "未报送"
    assert client.post(withdraw, headers=_bearer(a)).status_code == 409  # not the newest any more

    item = _send(client, a)
    back = f"/api/submissions/{item['id']}/return"
    assert client.post(back, headers=_bearer(admin), json={"comment": "  "}).status_code == 400
    returned = client.post(back, headers=_bearer(admin), json={"comment": "请补充出生年月"})
    assert returned.status_code == 201 and returned.json()["status_label"] == "已退回"
    mine = client.get("/api/submissions?year=2025", headers=_bearer(a)).json()["submissions"][0]
    assert mine["status_label"] == "已退回" and mine["comment"] == "请补充出生年月" and mine["decided_by"] == "admin"

    item = _send(client, a)
    assert client.post("/api/years/2025/close", headers=_bearer(a)).status_code == 403
    assert client.post("/api/years/2025/close", headers=_bearer(admin)).json() == {"year": 2025, "closed": True}
    board = client.get("/api/submissions/board?year=2025", headers=_bearer(admin)).json()
    assert board["closed"] is True and all(u["closed"] for u in board["units"])
    refused = client.post(f"/api/submissions/{item['id']}/withdraw", headers=_bearer(a))
    assert refused.status_code == 409 and "已由管理员关闭" in refused.json()["detail"]
    refused = client.post("/api/submissions", headers=_bearer(b), json={"year": 2025})
    assert refused.status_code == 409  # no data yet
    assert client.post(f"/api/submissions/{item['id']}/return", headers=_bearer(admin),
                       json={"comment": "x"}).status_code == 409
    assert client.post("/api/years/2025/reopen", headers=_bearer(b)).status_code == 403
    assert client.post("/api/years/2025/reopen", headers=_bearer(admin)).json() == {"year": 2025, "closed": False}
    assert client.post("/api/years/2025/reopen", headers=_bearer(admin)).status_code == 409  # nothing to reopen
    assert client.post(f"/api/submissions/{item['id']}/withdraw", headers=_bearer(a)).status_code == 201
    audit = _audit(client.app)
    assert ("关闭年度", "2025年报送（API）") in audit and ("重新开放年度", "2025年报送（API）") in audit


def test_closed_year_refuses_a_submission(api):
    client, tokens = api
    a, admin = tokens["yizhong"], tokens["admin"]
    _check(client, a)
    client.post("/api/years/2025/close", headers=_bearer(admin))
    refused = client.post("/api/submissions", headers=_bearer(a), json={"year": 2025})
    assert refused.status_code == 409 and "2025年的报送已由管理员关闭" in refused.json()["detail"]
    assert _send(client, a, 2024)["status_label"] == "已报送"  # another year is open


def _annex2_bytes(tmp_path, unit=UNIT_A, year=2025) -> bytes:
    from sp_docs.jobs.annex2 import annex2

    written, _ = annex2(CITY, unit, tmp_path / unit, year=year, formats=["xlsx"], force=True)
    return written[0].read_bytes()


def test_upload_own_annex2(api, tmp_path):
    client, tokens = api
    a, b, admin = tokens["yizhong"], tokens["erzhong"], tokens["admin"]
    good = _annex2_bytes(tmp_path)

    def send(token, content, year="2025", name="自填附件2.xlsx"):
        return client.post("/api/submissions/upload", headers=_bearer(token), data={"year": year},
                           files={"annex2": (name, content)})

    assert send(admin, good).status_code == 403
    wrong = send(b, good)  # unit A's table sent by unit B
    assert wrong.status_code == 400
    assert any("不是本单位“青川市第二中学”" in p["message"] for p in wrong.json()["problems"])
    wrong_year = send(a, good, year="2024").json()
    assert any(p["row"] == "5" and p["cell"] == "E5" and "“完成年度”为 2025" in p["message"]
               for p in wrong_year["problems"])
    assert send(a, good, name="附件2.ods").status_code == 400
    assert send(a, good, year="1999").status_code == 422
    sent = send(a, good)
    assert sent.status_code == 201, sent.text
    item = sent.json()
    assert item["source"] == "uploaded" and item["file"]["name"] == "自填附件2.xlsx" and item["rows"] == 5
    assert client.get(item["file"]["url"], headers=_bearer(a)).content == good
    assert client.get(item["file"]["url"], headers=_bearer(b)).status_code == 404
    assert client.get(item["file"]["url"], headers=_bearer(admin)).content == good
    assert send(a, good).status_code == 409  # already submitted


def test_bureau_jobs_findings_and_certificates(api, city):
    from sp_docs.rules.programme import run_rules

    client, tokens = api
    a, b, admin = tokens["yizhong"], tokens["erzhong"], tokens["admin"]
    assert client.post("/api/bureau/report", headers=_bearer(admin)).status_code == 409  # no data yet
    assert client.get("/api/bureau/findings", headers=_bearer(admin)).status_code == 409
    from sqlalchemy import select

    from sp_docs.web.accounts import add_account, get_or_create_unit
    from sp_docs.web.auth import create_api_token
    from sp_docs.web.models import Account

    site = client.app.state.services
    with site.db.session() as db:  # the city's own account, with a school under it: the admin's data
        add_account(db, "shiju", "unit-pass-s1", unit_name="青川市教育工委")
        get_or_create_unit(db, "青川市实验小学", "青川市教育工委")
        city_token = create_api_token(db, db.scalar(select(Account).where(Account.username == "shiju")))
    _check(client, city_token)
    assert client.post("/api/bureau/report", headers=_bearer(a)).status_code == 403
    assert client.get("/api/bureau/findings", headers=_bearer(b)).status_code == 403
    assert client.post("/api/bureau/nothing", headers=_bearer(admin)).status_code == 404
    found = client.get("/api/bureau/findings", headers=_bearer(admin)).json()
    report = run_rules(city, None)
    assert found["data"] == "数据.xlsx" and found["total"] == len(report.findings)
    assert {u["unit"]: u["count"] for u in found["units"]} == \
        {unit: sum(len(f) for _, f in rules) for unit, rules in report.by_unit(city)}

    started = client.post("/api/bureau/report", headers=_bearer(admin))
    assert started.status_code == 202, started.text
    job = client.get(started.json()["url"], headers=_bearer(admin)).json()
    assert job["status"] == "done", job
    from helpers import pdf_text

    text = pdf_text(_file(client, admin, job, ".pdf"))
    assert "“双培”工程统计报告" in text and f"{len(city.trainees)} 人" in text
    assert client.get(job["url"], headers=_bearer(a)).status_code == 404  # the admin's job
    annex1 = client.get(client.post("/api/bureau/annex1", headers=_bearer(admin)).json()["url"],
                        headers=_bearer(admin)).json()
    assert annex1["status"] == "done" and any("plan_minimum" in m for m in annex1["messages"])
    rules = ROOT / "data_examples" / "rules.yaml"
    assert client.post("/api/bureau/rules", headers=_bearer(a), files={"rules": ("r.yaml", b"x: 1")}).status_code == 403
    bad = client.post("/api/bureau/rules", headers=_bearer(admin), files={"rules": ("r.yaml", b"mentors: [1\n")})
    assert bad.status_code == 400 and bad.json()["detail"].startswith("规则设置无法使用")
    stored = client.post("/api/bureau/rules", headers=_bearer(admin), files={"rules": ("rules.yaml", rules.read_bytes())})
    assert stored.status_code == 201 and client.get(stored.json()["url"], headers=_bearer(a)).status_code == 404
    annex1 = client.get(client.post("/api/bureau/annex1", headers=_bearer(admin)).json()["url"],
                        headers=_bearer(admin)).json()
    from sp_docs.documents import annex1 as annex1_doc
    from sp_docs.jobs.annex1 import read_minimum

    lines = annex1_doc.build(city, None, minimum=read_minimum(rules), by_year=True).shortfall_lines
    assert lines and set(lines) <= set(annex1["messages"])

    def certify(token, **fields):
        return client.post("/api/certificates", headers=_bearer(token), data={"issuer": "中共青川市委教育工作委员会",
                           "date": "2025-09-10", **fields}, files={"award_list": ("名单.xlsx", CITY.read_bytes())})

    assert certify(admin, design="<script>").status_code == 400
    started = certify(admin)
    assert started.status_code == 202, started.text
    job = client.get(started.json()["url"], headers=_bearer(admin)).json()
    assert job["status"] == "done", job
    pdf = pdf_text(_file(client, admin, job, "荣誉证书_名单.pdf")).replace(" ", "")
    assert city.awards and all(x.name.replace(" ", "") in pdf for x in city.awards)
    assert client.get(job["url"], headers=_bearer(b)).status_code == 404
    own = client.get(certify(b).json()["url"], headers=_bearer(b)).json()
    assert own["status"] == "done" and client.get(own["url"], headers=_bearer(a)).status_code == 404
