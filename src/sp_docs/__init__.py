"""sp-docs: official documents of the “双培” programme from a school's own data."""

__version__ = "0.1.0"
