import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

EXAMPLES = ROOT / "data_examples"


@pytest.fixture(scope="session")
def city_workbook() -> Path:
    return EXAMPLES / "city.xlsx"


@pytest.fixture(scope="session")
def city(city_workbook):
    from sp_docs.sources import load_dataset

    data, problems = load_dataset(city_workbook)
    assert not problems.errors, [p.describe() for p in problems.errors]
    return data


@pytest.fixture()
def runner():
    from click.testing import CliRunner

    return CliRunner()


@pytest.fixture(autouse=True)
def _fresh_run():
    """Each test is one run: the inputs an earlier test read are not protected in this one."""
    from sp_docs.output import new_run

    new_run()
    yield
