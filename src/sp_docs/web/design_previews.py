"""Sample certificates, one per design and paper, shown on the 荣誉证书 page before a
list is uploaded.  Made once through jobs.certificates (the same path as a real
batch) and kept as PNGs in the service's work folder."""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

import yaml

SAMPLE_LIST = "姓名,所在单位,荣誉称号\n张明远,青川市第一中学,优秀党员教师\n"
_lock = threading.Lock()


def design_preview(work_dir: Path, design: str, paper: str, index: int) -> Path | None:
    """The PNG of a sample certificate in ``design`` on ``paper`` (made on first use);
    None when it could not be made (the page then shows the text description only)."""
    folder = work_dir / "design-previews"
    target = folder / f"design{index}-{'landscape' if paper.endswith('横向') else 'portrait'}.png"
    with _lock:
        if target.is_file():
            return target
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=work_dir) as tmp:
            image = _render_sample(Path(tmp), design, paper)
            if image is None:
                return None
            partial = target.with_suffix(".part")
            shutil.copyfile(image, partial)
            os.replace(partial, target)  # never a half-written image
    return target


def _render_sample(tmp: Path, design: str, paper: str) -> Path | None:
    from ..jobs.certificates import certificates
    from .tasks import page_images

    sample = tmp / "示例名单.csv"
    sample.write_text(SAMPLE_LIST, encoding="utf-8")
    settings = tmp / "settings.yaml"
    settings.write_text(yaml.safe_dump({"颁发单位": "中共青川市委教育工作委员会", "颁发日期": "2025.09.10",
                                        "设计": design, "纸张": paper}, allow_unicode=True), encoding="utf-8")
    outcome = certificates(sample, tmp / "out", settings_path=settings, formats=["pdf"], workers=1, progress=False)
    pdfs = [p for p in outcome.result.written if p.suffix == ".pdf"]
    pages = page_images(pdfs[0], tmp / "png", dpi=40, last=1) if pdfs else []
    return pages[0] if pages else None
