"""The web service (``sp-docs serve``): units upload their workbook, answer the
questionnaire and generate their documents in a browser.

It is a front end like the CLI: every document is made by the same ``jobs/``
functions; nothing below ``jobs/`` imports this package.  Layout:

- ``config``   settings of one service (data folder, database URL, proxies)
- ``models``   the database tables (SQLAlchemy 2);  ``db`` engine + Alembic migrations
- ``accounts`` passwords (Argon2), units and their sub-units, who may see what
- ``auth``     sessions, CSRF tokens, login throttling
- ``storage``  the file store (generated names only, never a user's file name)
- ``runner``   the job runner interface (worker processes: ``worker_main``; a queue can replace it)
- ``tasks``    what a job does: calls ``jobs/`` and files the results
- ``app``      the ASGI application;  ``routes_*`` the pages
"""
