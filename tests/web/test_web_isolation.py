"""A unit sees only its own data and files (and its sub-units'): every link copied from
another unit's pages answers 404.  Names that look like markup or templates appear literally."""
from __future__ import annotations

import re
from html import unescape

from webhelpers import ROOT, csrf_of, upload
from webhelpers import database_url, site, sqlite_site  # noqa: F401 - fixtures

CITY = ROOT / "data_examples" / "city.xlsx"


def _links(html: str) -> set[str]:
    return {unescape(h) for h in re.findall(r'(?:href|src)="(/(?:data/uploads|jobs|files)/[^"]+)"', html)}


def _unit_a_links(client) -> set[str]:
    upload_page = upload(client, CITY)
    job = client.post("/documents/annex2", data={"csrf_token": csrf_of(client), "year": "2025"})
    assert job.status_code == 200 and "附件2_实施情况汇总表_青川市第一中学_2025.pdf" in job.text
    job_path = str(job.url).replace("http://testserver", "")
    links = _links(upload_page.text) | _links(job.text) | _links(client.get("/documents").text) | {job_path}
    links.add(job_path + "/status")
    assert any(link.startswith("/files/") and link.endswith(".zip") for link in links)
    assert any(link.startswith("/data/uploads/") for link in links)
    return links


def test_another_unit_gets_404_on_every_copied_link(site):
    owner = site.client("yizhong")
    links = _unit_a_links(owner)
    for link in links:
        assert owner.get(link).status_code == 200, link
    other = site.client("erzhong")
    for link in links:
        response = other.get(link)
        assert response.status_code == 404, link
        assert "找不到" in response.text and "青川市第一中学" not in response.text
    job_path = next(link for link in links if link.startswith("/jobs/") and not link.endswith("/status"))
    assert other.post(job_path + "/rerun", data={"csrf_token": csrf_of(other)}).status_code == 404
    assert "青川市第一中学" not in other.get("/data").text
    assert "附件2" not in other.get("/documents").text.split("生成记录")[1]


def test_parent_unit_and_admin_see_sub_unit_files(sqlite_site):
    from sp_docs.web.accounts import add_account, get_or_create_unit

    with sqlite_site.app.state.services.db.session() as db:
        get_or_create_unit(db, "青川市第一中学", "青川市教育工委")
        add_account(db, "gongwei", "parent-pass-1", unit_name="青川市教育工委")
    links = _unit_a_links(sqlite_site.client("yizhong"))
    parent = sqlite_site.client("gongwei", "parent-pass-1")
    admin = sqlite_site.client("admin")
    for link in links:
        assert parent.get(link).status_code == 200, link
        assert admin.get(link).status_code == 200, link
    assert sqlite_site.client("erzhong").get(sorted(links)[0]).status_code == 404


def test_markup_and_template_text_appear_literally(site):
    admin = site.client("admin")
    token = csrf_of(admin, "/admin")
    evil_unit, evil_user = "<script>alert(1)</script>{{ 7*7 }}学校", "{{7*7}}"
    response = admin.post("/admin/accounts", data={"csrf_token": token, "username": evil_user, "role": "unit",
                                                   "unit": evil_unit, "password": "evil-pass-1"})
    assert response.status_code == 200
    for page in (response.text, admin.get("/admin").text, admin.get("/admin/audit").text):
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}学校" in page
        assert "{{7*7}}" in page and "49学校" not in page and ">49<" not in page
    user = site.client(evil_user, "evil-pass-1")
    page = user.get("/data").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}学校" in page and "<script>alert" not in page
    result = upload(user, CITY, "<img src=x onerror=alert(1)>{{ 7*7 }}.xlsx")
    assert "&lt;img src=x onerror=alert(1)&gt;{{ 7*7 }}.xlsx" in result.text
    assert "<img src=x" not in result.text


def test_can_see_walks_up_the_tree_as_the_subtree_says(sqlite_site):
    # can_see answers from the unit upwards (no reading of the whole unit list per request);
    # it must agree with subtree_ids for every account and unit of a three-level tree
    from sqlalchemy import select

    from sp_docs.web.accounts import add_account, can_see, get_or_create_unit, subtree_ids
    from sp_docs.web.models import Account, Unit

    with sqlite_site.app.state.services.db.session() as db:
        get_or_create_unit(db, "西岭县第一中学", "西岭县教育局")
        get_or_create_unit(db, "西岭县第二中学", "西岭县教育局")
        get_or_create_unit(db, "西岭县教育局", "青川市教育工委")
        add_account(db, "xianju", "unit-pass-x1", unit_name="西岭县教育局")
        add_account(db, "shiju", "unit-pass-s1", unit_name="青川市教育工委")
        units = [u.id for u in db.scalars(select(Unit))] + [None]
        for account in db.scalars(select(Account)):
            visible = None if account.is_admin else (subtree_ids(db, account.unit_id) if account.unit_id else set())
            for unit_id in units:
                expected = visible is None or (unit_id is not None and unit_id in visible)
                assert can_see(db, account, unit_id) == expected, (account.username, unit_id)
