"""荣誉证书: settings + award list → one view per certificate (plain data).

Every field is a box in mm on the page.  Text is measured with the metrics of
the font the PDF will embed (render/fonts), shrunk to fit down to a floor, and
broken into lines here (never by the renderer), so what the view says is what
the page shows.  A row whose text cannot be set (too long past the floor, a
character no font has, no date …) is reported with its row number.

The package, by job: ``paper`` (sizes, default boxes), ``settings`` (the YAML
file), ``measure`` (text measurement and line breaking), ``view`` (the
view-model dataclasses the renderers read), ``build`` (rows → certificates),
``geometry`` (fields off the page), ``calibration`` (the ruler page).
"""
from __future__ import annotations

from .build import build, format_number
from .calibration import calibration_context
from .geometry import off_page
from .measure import (LINE_FACTOR, PT_PER_MM, SAFETY, FitError, Metrics, break_lines, display_name, fit_block,
                      fit_line, metrics)
from .paper import PAPER_SIZES, Box, default_layout, parse_page_size
from .settings import (ALIGNS, DESIGN_NAMES, DESIGNS, FIELD_KEYS, FIELD_LABELS, ROLE_LABELS, ROLE_NAMES,
                       SETTINGS_KEYS, SETTINGS_TEMPLATE, Settings, fill_wording, load_settings, settings_template)
from .view import (Certificate, CertificateBatch, Field, FieldView, PageView, RowFailure, SealView, SheetView,
                   TitleView, page_context, sheet_view)

__all__ = [
    "ALIGNS", "Box", "Certificate", "CertificateBatch", "DESIGNS", "DESIGN_NAMES", "FIELD_KEYS", "FIELD_LABELS",
    "Field", "FieldView", "FitError", "LINE_FACTOR", "Metrics", "PAPER_SIZES", "PT_PER_MM", "PageView",
    "ROLE_LABELS", "ROLE_NAMES", "RowFailure", "SAFETY", "SETTINGS_KEYS", "SETTINGS_TEMPLATE", "SealView",
    "Settings", "SheetView", "TitleView", "break_lines", "build", "calibration_context", "default_layout",
    "display_name", "fill_wording", "fit_block", "fit_line", "format_number", "load_settings", "metrics",
    "off_page", "page_context", "parse_page_size", "settings_template", "sheet_view",
]
