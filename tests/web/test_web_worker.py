"""Jobs run in worker processes of the real service (``sp-docs serve`` in a subprocess,
driven over HTTP with httpx): a worker SIGKILLed mid-job leaves its job 已中断 and is
replaced; the service SIGKILLed mid-job takes its worker with it, and after a restart the
job shows 已中断.  In both cases 重新生成 makes the same files (names, and the text of every
PDF, DOCX and XLSX) as an uninterrupted run.  With ``--workers 1`` a second job waits 排队中;
a job over the time limit is stopped and says why."""
from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from html import unescape
from pathlib import Path

import pytest

from helpers import docx_text, pdf_text, process_alive, xlsx_rows
from webhelpers import CSRF, ROOT, free_port
from webhelpers import database_url  # noqa: F401 - fixture

CITY = ROOT / "data_examples" / "city.xlsx"
UNIT, USERNAME, PASSWORD = "青川市第一中学", "yizhong", "worker-unit-a1"
COMMAND = [sys.executable, "-c", "from sp_docs.cli import main; main()"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")]


class Service:
    """``sp-docs serve`` on a data folder, in its own process group."""

    def __init__(self, data: Path, workers: int = 1):
        self.data, self.workers = data, workers
        self.process: subprocess.Popen | None = None
        self.base = ""

    def start(self) -> "Service":
        import httpx

        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            COMMAND + ["serve", "--data", str(self.data), "--port", str(port), "--workers", str(self.workers)],
            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                httpx.get(self.base + "/login", timeout=1)
                return self
            except httpx.HTTPError:
                assert self.process.poll() is None, "the service exited at start"
                time.sleep(0.1)
        pytest.fail("the service did not answer within 90 s")

    def worker_pids(self) -> set[int]:
        found = set()
        for entry in Path("/proc").iterdir():
            try:
                if not entry.name.isdigit() or int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) \
                        != self.process.pid:
                    continue
                if b"sp_docs.web.worker_main" in (entry / "cmdline").read_bytes() and process_alive(int(entry.name)):
                    found.add(int(entry.name))
            except OSError:
                continue
        return found

    def kill_all(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture()
def service_factory(tmp_path):
    started: list[Service] = []
    data = tmp_path / "service"
    subprocess.run(COMMAND + ["accounts", "add", "--data", str(data), "--username", USERNAME, "--unit", UNIT,
                              "--password-stdin"], input=PASSWORD + "\n", text=True, env=ENV, check=True,
                   capture_output=True)

    def start(workers: int = 1) -> Service:
        service = Service(data, workers).start()
        started.append(service)
        return service

    yield start
    for service in started:
        if service.process and service.process.poll() is None:
            try:
                os.killpg(service.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            service.process.wait(timeout=10)


def _login(service: Service):
    import httpx

    client = httpx.Client(base_url=service.base, timeout=60)
    token = CSRF.search(client.get("/login").text).group(1)
    answer = client.post("/login", data={"username": USERNAME, "password": PASSWORD, "csrf_token": token},
                         follow_redirects=True)
    assert "退出" in answer.text
    return client


def _upload(client) -> None:
    token = CSRF.search(client.get("/data").text).group(1)
    answer = client.post("/data/upload", data={"csrf_token": token}, follow_redirects=True,
                         files={"workbook": ("city.xlsx", CITY.read_bytes())})
    assert answer.status_code == 200


def _start_ledgers(client, trainee: str = "") -> str:
    token = CSRF.search(client.get("/documents").text).group(1)
    answer = client.post("/documents/ledgers", data={"csrf_token": token, "trainee": trainee})
    assert answer.status_code == 303, answer.text[:300]
    return answer.headers["location"]


def _wait(client, job: str, done, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = client.get(job + "/status").json()
        if done(status):
            return status
        if _finished(status):
            pytest.fail(f"{job}: ended as {status} before the awaited state")
        time.sleep(0.2)
    pytest.fail(f"{job}: still {status} after {seconds} s")


def _running_with_progress(status: dict) -> bool:
    return status["status"] == "running" and status["total"] > 0


def _finished(status: dict) -> bool:
    return status["status"] not in ("queued", "running")


def _contents(client, job: str) -> dict[str, object]:
    """Every file of a finished job: name → its text (PDF, DOCX), cells (XLSX) or members (ZIP)."""
    page = client.get(job).text
    links = {unescape(name): unescape(href)
             for href, name in re.findall(r'<a href="(/files/[^"]+)" download>([^<]+)</a>', page)}
    contents: dict[str, object] = {}
    for name, href in links.items():
        data = client.get(href).content
        suffix = name.rsplit(".", 1)[-1]
        if suffix == "pdf":
            contents[name] = pdf_text(data)
        elif suffix == "docx":
            contents[name] = docx_text(data)
        elif suffix == "xlsx":
            contents[name] = xlsx_rows(data)
        elif suffix == "zip":
            contents[name] = sorted(zipfile.ZipFile(io.BytesIO(data)).namelist())
    return contents


def _rerun(client, job: str) -> str:
    page = client.get(job).text
    assert "已中断" in page and ">重新生成</button>" in page
    assert 'download>' not in page  # nothing half-made is offered
    token = CSRF.search(page).group(1)
    answer = client.post(job + "/rerun", data={"csrf_token": token})
    assert answer.status_code == 303
    return answer.headers["location"]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The files of an uninterrupted ledgers job of the unit (the same service code, run inline)."""
    from sp_docs.documents.ledger import ordered_trainees
    from sp_docs.sources import load_dataset
    from webhelpers import Site, csrf_of, make_app, upload

    app = make_app(tmp_path_factory.mktemp("reference") / "data")
    try:
        client = Site(app).client("yizhong")
        upload(client, CITY)
        page = client.post("/documents/ledgers", data={"csrf_token": csrf_of(client), "trainee": ""})
        assert "已完成" in page.text
        contents = _contents(client, page.url.path)
    finally:
        app.state.services.close()
    names = [t.name for t in ordered_trainees(load_dataset(CITY)[0], UNIT)]
    assert names and all(name in contents[f"培养台账_{UNIT}.pdf"] for name in names)
    assert sum(1 for n in contents if n.endswith(".docx")) == len(names) + 1
    return contents


def test_killed_worker_marks_its_job_interrupted_and_rerun_makes_the_same_files(service_factory, reference):
    service = service_factory(workers=1)
    client = _login(service)
    _upload(client)
    job = _start_ledgers(client)
    _wait(client, job, _running_with_progress)
    (worker,) = service.worker_pids()
    os.kill(worker, signal.SIGKILL)
    assert _wait(client, job, _finished, 30)["status"] == "interrupted"  # at once, the service still running
    assert "工作进程意外停止" in client.get(job).text
    rerun = _rerun(client, job)  # a new worker took the killed one's place
    assert _wait(client, rerun, _finished)["status"] == "done"
    assert worker not in service.worker_pids() and len(service.worker_pids()) == 1
    assert _contents(client, rerun) == reference
    assert not any((service.data / "work").iterdir())  # no half-made work folder left behind
    client.close()


def test_killed_service_takes_its_worker_and_the_job_is_interrupted_after_restart(service_factory, reference):
    service = service_factory(workers=1)
    client = _login(service)
    _upload(client)
    job = _start_ledgers(client)
    _wait(client, job, _running_with_progress)
    (worker,) = service.worker_pids()
    service.process.send_signal(signal.SIGKILL)
    service.process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while process_alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_alive(worker), "the worker outlived the killed service"
    client.close()

    service = service_factory(workers=1)
    client = _login(service)
    status = client.get(job + "/status").json()
    assert status["status"] == "interrupted" and status["label"] == "已中断"
    assert "服务停止时该任务尚未完成" in client.get(job).text
    rerun = _rerun(client, job)
    assert rerun != job
    assert _wait(client, rerun, _finished)["status"] == "done"
    assert _contents(client, rerun) == reference
    assert not any((service.data / "work").iterdir())
    client.close()


def test_one_worker_runs_one_job_and_the_next_ones_wait_queued(service_factory, city):
    from sp_docs.documents.ledger import ordered_trainees

    service = service_factory(workers=1)
    client = _login(service)
    _upload(client)
    one = ordered_trainees(city, UNIT)[0].name
    first, second, third = _start_ledgers(client), _start_ledgers(client, one), _start_ledgers(client, one)
    _wait(client, first, lambda s: s["status"] == "running")
    status = client.get(second + "/status").json()
    assert status["status"] == "queued" and status["label"] == "排队中" and status["ahead"] == 0
    assert "排队中" in client.get(second).text
    assert client.get(third + "/status").json()["ahead"] == 1
    assert "排队中</strong><span id=\"job-ahead\">（前面还有 1 个任务在排队）" in client.get(third).text
    (worker,) = service.worker_pids()
    # batch work yields the CPU to the pages: the worker runs at a lower priority than the service
    niceness = [int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
                for pid in (service.process.pid, worker)]
    assert niceness[1] >= niceness[0] + 5, niceness
    # an accounts command on the running service's folder leaves its jobs alone
    listed = subprocess.run(COMMAND + ["accounts", "list", "--data", str(service.data)], env=ENV, text=True,
                            capture_output=True, check=True)
    assert USERNAME in listed.stdout
    assert _wait(client, first, _finished)["status"] == "done"
    assert _wait(client, second, _finished)["status"] == "done"
    assert _wait(client, third, _finished)["status"] == "done"
    client.close()


def test_a_job_over_the_time_limit_is_stopped_and_says_why(tmp_path, database_url):
    """The runner of ``create_app`` without a runner argument (ProcessRunner, here in the test
    process): a job past ``job_seconds`` has its worker killed, is 失败 with the reason and
    no file, and a new worker takes the next job."""
    from sp_docs.web.app import create_app
    from sp_docs.web.config import Settings
    from webhelpers import Site, csrf_of, upload

    app = create_app(Settings(tmp_path / "data", database_url, job_seconds=2))
    try:
        runner = app.state.services.runner
        client = Site(app).client("yizhong")
        upload(client, CITY)
        page = client.post("/documents/ledgers", data={"csrf_token": csrf_of(client), "trainee": ""})
        job = "/jobs/" + re.search(r'data-status-url="/jobs/([^/"]+)/status"', page.text).group(1)
        (first,) = runner.pids
        _wait(client, job, lambda s: s["status"] == "running")  # claimed by the worker process
        status = _wait(client, job, _finished)
        assert status["status"] == "failed"
        text = client.get(job).text
        assert "生成时间超过上限" in text and "download>" not in text and ">重新生成</button>" in text
        deadline = time.monotonic() + 60
        while (not runner.pids or runner.pids == [first]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert runner.pids and first not in runner.pids and not process_alive(first)
    finally:
        app.state.services.close()
    assert not runner.pids
