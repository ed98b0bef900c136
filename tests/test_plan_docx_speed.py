"""The 实施方案's DOCX written directly as OOXML (render/plan_docx.py) is the document the
python-docx writer made: every part of the package, canonicalised, equals the golden copy
stored under tests/fixtures/plan_docx/ — written by the python-docx implementation (commit
f7e64cc) for four questionnaires: the example (seal PNG, 发文机关标志, 抄送), the example with
its data workbook, a long school name without mark, seal or 抄送, and a short one sealed with
a JPEG.  And the content: the paragraphs' text is the plan's text, the tables hold the
annexes' rows, a user template whose style ids Word renamed still gets its styles, a changed
template is read again (the package is kept per process), an unreadable seal is a Chinese error,
and writing the DOCX imports no python-docx.

The goldens change only when the document is meant to change:
    .venv/bin/python tests/test_plan_docx_speed.py --write-golden
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GOLDEN = HERE / "fixtures" / "plan_docx"
EXAMPLES = ROOT / "data_examples"
LONG = "青川市云溪县高新技术产业开发区第一实验学校（集团）东城校区"
STAMP = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)")


def _view(name: str):
    from sp_docs.documents import implementation_plan as ip
    from sp_docs.jobs.plan import build_view
    from sp_docs.questionnaire import answers as answers_mod

    if name == "example":
        return build_view(EXAMPLES / "answers.yaml")
    if name == "example_data":
        return build_view(EXAMPLES / "answers.yaml", EXAMPLES / "school.xlsx")
    if name == "long_plain":
        raw = {"school_name": LONG, "party_org_type": "党总支", "print_mark": False,
               "sign_date": "2026-11-21", "doc_number": "云实党发〔2026〕3号"}
        return ip.build(answers_mod.complete(raw), seal_path=None)
    raw = {"school_name": "云溪县第二小学", "party_org_type": "党支部", "cc": "云溪县教育局",
           "sign_date": "2026-11-21", "doc_number": "云二小党发〔2026〕1号"}
    return ip.build(answers_mod.complete(raw), seal_path=str(GOLDEN / "seal.jpg"))


VARIANTS = ("example", "example_data", "long_plain", "short_jpeg")


def canonical_package(data: bytes) -> dict[str, str]:
    """Each part of a DOCX package in a form that compares content, not bytes: XML parts in
    exclusive C14N (namespace declarations where they are used), relationships and content
    types as sorted entries, the core properties' timestamps masked, binary parts by hash."""
    from lxml import etree

    parts = {}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in sorted(package.namelist()):
            raw = package.read(name)
            if not name.endswith((".xml", ".rels")):
                parts[name] = "sha256:" + hashlib.sha256(raw).hexdigest()
                continue
            root = etree.fromstring(raw)
            if name.endswith(".rels") or name == "[Content_Types].xml":
                entries = sorted(f"{etree.QName(e).localname} {sorted(e.attrib.items())}" for e in root)
                parts[name] = "\n".join(entries)
                continue
            text = etree.tostring(root, method="c14n", exclusive=True).decode("utf-8")
            parts[name] = STAMP.sub(r"\1TIME\2", text) if name == "docProps/core.xml" else text
    return parts


def golden(name: str) -> dict[str, str]:
    return json.loads(gzip.decompress((GOLDEN / f"{name}.json.gz").read_bytes()))


def write_golden() -> None:
    from sp_docs.render.plan_docx import render_plan_docx

    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name in VARIANTS:
        parts = canonical_package(render_plan_docx(_view(name)))
        text = json.dumps(parts, ensure_ascii=False, indent=0, sort_keys=True).encode("utf-8")
        (GOLDEN / f"{name}.json.gz").write_bytes(gzip.compress(text, mtime=0))
        print("wrote", name, len(text))


def _first_difference(got: str, want: str) -> str:
    at = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    return f"at {at}:\n got  …{got[max(0, at - 200):at + 200]}…\n want …{want[max(0, at - 200):at + 200]}…"


@pytest.mark.parametrize("name", VARIANTS)
def test_every_part_equals_the_python_docx_golden(name):
    from sp_docs.render.plan_docx import render_plan_docx

    got, want = canonical_package(render_plan_docx(_view(name))), golden(name)
    assert sorted(got) == sorted(want)
    for part in want:
        assert got[part] == want[part], f"{part} differs " + _first_difference(got[part], want[part])


def test_a_second_render_in_the_same_process_is_the_same_document():
    from sp_docs.render.plan_docx import render_plan_docx

    view = _view("example")
    assert canonical_package(render_plan_docx(view)) == canonical_package(render_plan_docx(view)) == golden("example")


@pytest.mark.parametrize("name", ["example", "long_plain"])
def test_paragraphs_carry_the_plan_text(name):
    import helpers
    from sp_docs.render.plan_docx import render_plan_docx

    view = _view(name)
    texts = [p.text for p in helpers.docx_document(render_plan_docx(view)).paragraphs]
    lines = iter(t.replace("\n", "") for t in texts if t)
    for line in view.text_lines()[:-2 if view.cc else -1]:  # the 版记 is a table
        assert line in lines, line  # found in order (the iterator moves on)
    assert texts.count("") > 10  # the blank lines of GB/T 9704


def test_tables_hold_the_annexes_and_the_colophon():
    import helpers
    from sp_docs.render.plan_docx import render_plan_docx

    view = _view("example_data")
    data = render_plan_docx(view)
    tables = helpers.docx_tables(data)
    annex1, annex2, annex3, colophon = tables
    assert annex1 == [view.annex1.columns] + [[str(v) for v in row] for row in view.annex1.rows]
    assert annex2 == [view.annex2.columns] + [[str(v) for v in row] for row in view.annex2.rows]
    assert annex3[0] == ["培养人", "", "职务", ""] and annex3[-1][0] == "培养人意见"
    assert colophon[0][0] == f"抄送：{view.cc}。".replace("。。", "。")
    assert colophon[-1] == [view.printer, f"{view.print_date}印发"]


def test_core_properties_name_the_issuer_and_now():
    import helpers
    from sp_docs.render.plan_docx import render_plan_docx

    view = _view("example")
    props = helpers.docx_document(render_plan_docx(view)).core_properties
    assert props.author == props.last_modified_by == view.issuer
    assert props.title == "".join(view.plan_title_lines)
    now = datetime.now(timezone.utc)
    assert abs((props.created.replace(tzinfo=timezone.utc) - now).total_seconds()) < 120 and props.modified == props.created


def _renamed_ids(template: Path, out: Path) -> dict[str, str]:
    """``template`` with its paragraph styles' ids renamed as Word does (a1, a2, …)."""
    with zipfile.ZipFile(template) as source:
        parts = {n: source.read(n) for n in source.namelist()}
    styles = parts["word/styles.xml"].decode("utf-8")
    renamed = {}
    for n, style_id in enumerate(re.findall(r'w:styleId="([^"]+)"', styles)):
        if not style_id.isascii():
            renamed[style_id] = f"a{n}"
            styles = styles.replace(f'w:styleId="{style_id}"', f'w:styleId="a{n}"')
            styles = re.sub(f'(<w:(?:basedOn|next|link) w:val=)"{style_id}"', rf'\1"a{n}"', styles)
    parts["word/styles.xml"] = styles.encode("utf-8")
    with zipfile.ZipFile(out, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return renamed


def test_a_user_template_whose_style_ids_word_renamed(tmp_path):
    import helpers
    from sp_docs.render import templates
    from sp_docs.render.plan_docx import STYLES, render_plan_docx

    user = tmp_path / "docx"
    user.mkdir()
    renamed = _renamed_ids(templates.find("docx", "plan.docx"), user / "plan.docx")
    assert set(STYLES) <= set(renamed)
    view = _view("long_plain")
    document = helpers.docx_document(render_plan_docx(view, user_dir=tmp_path))
    used = {p.style.name for p in document.paragraphs}
    assert {"公文正文", "公文标题", "一级标题", "发文字号", "署名日期"} <= used
    body = document.element.body.xml
    assert all(f'w:val="{old}"' not in body for old in renamed)


def test_a_template_without_the_styles_is_refused(tmp_path):
    from sp_docs.errors import TemplateError
    from sp_docs.render import docx_base
    from sp_docs.render.plan_docx import render_plan_docx

    (tmp_path / "docx").mkdir()
    (tmp_path / "docx" / "plan.docx").write_bytes(docx_base.build_base())
    with pytest.raises(TemplateError, match="缺少段落样式"):
        render_plan_docx(_view("long_plain"), user_dir=tmp_path)


def test_a_changed_template_is_read_again(tmp_path):
    from sp_docs.render import templates
    from sp_docs.render.plan_docx import render_plan_docx

    import helpers

    user = tmp_path / "docx"
    user.mkdir()
    (user / "plan.docx").write_bytes(templates.find("docx", "plan.docx").read_bytes())
    view = _view("long_plain")
    first = helpers.docx_document(render_plan_docx(view, user_dir=tmp_path))
    assert first.sections[0].page_height.mm == pytest.approx(297, abs=0.5)
    with zipfile.ZipFile(user / "plan.docx") as source:
        parts = {n: source.read(n) for n in source.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(b'w:h="16838"', b'w:h="16000"')
    with zipfile.ZipFile(user / "plan.docx", "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    second = helpers.docx_document(render_plan_docx(view, user_dir=tmp_path))
    assert second.sections[0].page_height.twips == 16000


def test_a_broken_template_is_a_clear_error(tmp_path):
    from sp_docs.errors import TemplateError
    from sp_docs.render import templates
    from sp_docs.render.plan_docx import render_plan_docx

    (tmp_path / "docx").mkdir()
    with zipfile.ZipFile(templates.find("docx", "plan.docx")) as source:
        parts = {n: source.read(n) for n in source.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"][:-40]
    with zipfile.ZipFile(tmp_path / "docx" / "plan.docx", "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    with pytest.raises(TemplateError, match="已损坏"):
        render_plan_docx(_view("long_plain"), user_dir=tmp_path)


def test_an_unreadable_seal_is_a_clear_error(tmp_path):
    from sp_docs.errors import InputError
    from sp_docs.render.plan_docx import render_plan_docx

    bad = tmp_path / "seal.png"
    bad.write_bytes(b"not a picture")
    view = _view("long_plain")
    view.seal_path = str(bad)
    with pytest.raises(InputError, match="印章图片无法读取"):
        render_plan_docx(view)


def test_the_docx_path_imports_no_python_docx():
    import subprocess

    code = ("import sys; from pathlib import Path; from sp_docs.jobs.plan import build_view, render_plan; "
            "view = build_view(Path(sys.argv[1])); render_plan(view, ['docx']); "
            "print(sorted(m for m in sys.modules if m == 'docx' or m.startswith('docx.')))")
    done = subprocess.run([sys.executable, "-c", code, str(EXAMPLES / "answers.yaml")], capture_output=True,
                          text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(HERE))
    if sys.argv[1:] == ["--write-golden"]:
        write_golden()
