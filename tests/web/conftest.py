"""Fixtures of the web service tests (helpers in webhelpers.py)."""
from __future__ import annotations

import pytest

from webhelpers import Site, fresh_postgres, make_app


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashes():
    from sp_docs.web.accounts import use_cheap_hashes

    use_cheap_hashes()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request):
    return None if request.param == "sqlite" else fresh_postgres()


@pytest.fixture()
def site(tmp_path, database_url):
    app = make_app(tmp_path / "data", database_url)
    yield Site(app)
    app.state.services.close()


@pytest.fixture()
def sqlite_site(tmp_path):
    app = make_app(tmp_path / "data")
    yield Site(app)
    app.state.services.close()

