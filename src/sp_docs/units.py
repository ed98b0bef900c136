"""Lengths on paper: millimetres ↔ points, and the fixed figures of the formats we print.

GB/T 9704-2012 (党政机关公文格式): the type area (版心) is 156 mm × 225 mm; the
body is 3号 (16 pt) text, 22 lines of 28 characters.  The seal (印章) of a plan
or certificate is printed 42 mm wide.  Every module that converts or needs one
of these figures takes it from here.
"""
from __future__ import annotations

MM_PER_INCH = 25.4
PT_PER_INCH = 72.0
PT_PER_MM = PT_PER_INCH / MM_PER_INCH

TYPE_AREA_WIDTH_MM = 156.0  # GB/T 9704 版心 width
TYPE_AREA_HEIGHT_MM = 225.0  # GB/T 9704 版心 height
CHARS_PER_LINE = 28
CHAR_PT = 442.2 / CHARS_PER_LINE  # character pitch of the 156 mm type area (as the templates set it)
SEAL_MM = 42.0  # width of a printed seal (印章)
# the 版记 (4号, 14 pt, 14 pt in from each side): in the DOCX a table of two columns — 抄送 or 印发机关
# | 印发日期 — with Word's default cell margins (108 twips a side)
COLOPHON_COLUMNS_MM = (88.0, 68.0)
COLOPHON_SIZE_PT, COLOPHON_INDENT_PT, CELL_MARGIN_PT = 14.0, 14.0, 5.4


def mm_to_pt(mm: float) -> float:
    return mm * PT_PER_MM


def pt_to_mm(pt: float) -> float:
    return pt / PT_PER_MM


TYPE_AREA_WIDTH_PT = mm_to_pt(TYPE_AREA_WIDTH_MM)
TYPE_AREA_HEIGHT_PT = mm_to_pt(TYPE_AREA_HEIGHT_MM)
