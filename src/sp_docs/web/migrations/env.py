"""Alembic environment: run on the connection the service passes in."""
from alembic import context

from sp_docs.web.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # e.g. `alembic revision --autogenerate` during development
    from sqlalchemy import create_engine

    connection = create_engine(context.config.get_main_option("sqlalchemy.url")).connect()

context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
