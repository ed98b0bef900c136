"""The package works from an installed wheel, templates included (not only from a checkout)."""
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow

DATA = """
单位:
  - {单位名称: 轮子测试学校}
教师:
  - {姓名: 林小雨, 出生年月: 1990.04, 所在单位: 轮子测试学校, 政治面貌: 群众}
  - {姓名: 周正, 出生年月: 1975.10, 所在单位: 轮子测试学校, 政治面貌: 中共党员, 入党时间: 2000.07.01}
双培对象:
  - {姓名: 林小雨, 所在单位: 轮子测试学校, 双培类别: 1, 培养人: 周正, 建档时间: 2024.09.01, 计划完成年度: 2025}
"""


def test_wheel_installs_and_renders(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    wheel = next(dist.glob("sp_docs-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for template in ("annex2.docx", "annex2.xlsx", "annex2.html"):
        assert any(n.startswith("sp_docs/templates/") and n.endswith(template) for n in names), template
    for web_file in ("web/migrations/env.py", "web/migrations/script.py.mako", "web/migrations/versions/0001_initial_tables.py",
                     "web/templates/base.html", "web/static/app.js", "web/static/app.css"):
        assert f"sp_docs/{web_file}" in names, web_file  # the service migrates and renders from a wheel

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True,
                   timeout=900)
    work = tmp_path / "work"
    work.mkdir()
    (work / "data.yaml").write_text(DATA, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    result = subprocess.run([str(env_dir / "bin" / "sp-docs"), "annex", "2", "data.yaml", "--unit", "轮子测试学校",
                             "-o", "out"], cwd=work, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    # the installed copy, not the checkout, did the work
    where = subprocess.run([str(python), "-c", "import sp_docs, sys; print(sp_docs.__file__)"], cwd=work,
                           capture_output=True, text=True, env=env).stdout
    assert str(env_dir) in where
    outputs = sorted(p.suffix for p in (work / "out").iterdir())
    assert outputs == [".docx", ".pdf", ".xlsx"]
    from helpers import pdf_text

    assert "林小雨" in pdf_text(next((work / "out").glob("*.pdf")))
