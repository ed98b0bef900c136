"""Screenshots of the web service's main pages for docs/web.md (Playwright + Debian's
Chromium), taken from a demo service started here:

    .venv/bin/python tools/web_screenshots.py            # writes docs/web/*.png
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "web"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage"]


def start_demo(data: Path) -> tuple[subprocess.Popen, str, dict[str, str]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "200"}
    process = subprocess.Popen([sys.executable, "-c", "from sp_docs.cli import main; main()", "serve", "--data",
                                str(data), "--port", str(port), "--demo"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    passwords: dict[str, str] = {}
    for line in process.stdout:
        found = re.search(r"用户名 (\S+)\s+密码 (\S+)", line)
        if found:
            passwords[found.group(1)] = found.group(2)
        if "服务已启动" in line:
            break
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/login", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    return process, base, passwords


def login(page, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def images_loaded(page) -> None:
    """Wait until every image has arrived (polled from here: the CSP forbids the page-side eval)."""
    for _ in range(600):
        if page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)"):
            return
        time.sleep(0.5)


def shoot(page, name: str) -> None:
    page.screenshot(path=str(OUT / f"{name}.png"))
    print("docs/web/" + name + ".png")


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        process, base, passwords = start_demo(Path(folder))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                wide = browser.new_page(base_url=base, viewport={"width": 1366, "height": 768}, locale="zh-CN")
                wide.set_default_timeout(180_000)
                wide.goto("/login")
                shoot(wide, "login")
                login(wide, "青川市第一中学", passwords["青川市第一中学"])
                wide.get_by_label("数据工作簿").set_input_files(str(ROOT / "tests" / "fixtures" / "mistakes.xlsx"))
                wide.get_by_role("button", name="上传并检查").click()
                wide.evaluate("document.getElementById('result-title').scrollIntoView()")
                shoot(wide, "check")
                wide.goto("/documents")
                shoot(wide, "documents")
                wide.get_by_label("年度").select_option("2025")
                wide.get_by_role("button", name="生成附件2").click()
                wide.get_by_role("link", name=re.compile(r"\.pdf$")).wait_for()
                shoot(wide, "annex2")
                wide.goto("/questionnaire")
                wide.get_by_label("学校（单位）全称", exact=True).fill("青川市第一中学")
                shoot(wide, "questionnaire")
                wide.get_by_role("button", name="生成实施方案").click()
                wide.get_by_role("img", name="实施方案 第1页").wait_for()
                wide.evaluate("document.querySelector('.pages').scrollIntoView()")
                images_loaded(wide)
                shoot(wide, "plan_preview")
                wide.goto("/certificates")
                wide.get_by_role("img", name="“正式”设计的示例证书").scroll_into_view_if_needed()
                images_loaded(wide)
                shoot(wide, "certificates")
                wide.goto("/submissions?year=2025")
                wide.get_by_role("button", name="报送", exact=True).click()
                admin = browser.new_page(base_url=base, viewport={"width": 1366, "height": 768}, locale="zh-CN")
                login(admin, "admin", passwords["admin"])
                shoot(admin, "admin")
                admin.goto("/submissions?year=2025")
                shoot(admin, "submissions")
                admin.screenshot(path=str(OUT / "dashboard.png"), full_page=True)
                print("docs/web/dashboard.png")
                narrow = browser.new_page(base_url=base, viewport={"width": 390, "height": 844}, locale="zh-CN",
                                          device_scale_factor=1)
                login(narrow, "青川市第一中学", passwords["青川市第一中学"])
                narrow.goto("/documents")
                shoot(narrow, "documents_390")
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=20)


if __name__ == "__main__":
    main()
