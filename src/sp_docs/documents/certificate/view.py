"""The certificate view-model: what each certificate says (``Certificate``) and
where every line goes on the page (``SheetView`` → ``PageView`` → ``FieldView``,
positions in mm after the offset).  The HTML template, the direct PDF writer
(render/fastpdf.py) and the Word renderer all read these dataclasses."""
from __future__ import annotations

from dataclasses import dataclass, replace

from ...errors import Location
from .measure import PT_PER_MM
from .paper import Box
from .settings import Settings

@dataclass
class Field:
    key: str
    lines: list[str]
    box: Box
    size: float

    @property
    def text(self) -> str:
        return "".join(self.lines)


@dataclass
class Certificate:
    row: int
    number: str
    name: str
    unit: str
    title: str
    fields: list[Field]

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)

    def text(self) -> str:
        return "\n".join("\n".join(f.lines) for f in self.fields)

    def file_stem(self) -> str:
        return f"{self.number}_{self.name}" if self.number else self.name


@dataclass
class RowFailure:
    row: int
    location: Location
    name: str
    messages: list[str]

    def describe(self) -> str:
        return self.describe_with("；".join(self.messages))

    def describe_with(self, message: str) -> str:
        who = f"（{self.name}）" if self.name else ""
        return f"{self.location.describe()}{who}：{message}"


@dataclass
class CertificateBatch:
    settings: Settings
    certificates: list[Certificate]
    failures: list[RowFailure]

    def sheet(self, design: str | None = None, offset: tuple[float, float] | None = None) -> "SheetView":
        """Where every line of every certificate of the batch goes."""
        return sheet_view(self.settings, self.certificates, design, offset)

    def context(self, design: str | None = None, offset: tuple[float, float] | None = None) -> dict:
        """The HTML template context for every certificate of the batch."""
        return self.sheet(design, offset).context()

    def table(self) -> list[list[str]]:
        return [[c.number, c.name, c.unit, c.title] for c in self.certificates]




@dataclass
class FieldView:
    """One field on one page: its lines, box (mm, after the offset) and type."""

    key: str
    lines: list[str]
    x: float
    y: float
    width: float
    height: float
    size: float  # pt
    role: str  # font role (render/fonts.ROLES)
    align: str  # left | center | right
    line_pt: float  # line pitch, pt


@dataclass
class PageView:
    number: str
    name: str
    fields: list[FieldView]


@dataclass
class SealView:
    uri: str
    size: float  # diameter, mm
    x: float  # top-left corner, mm
    y: float


@dataclass
class TitleView:
    """The design's 荣誉证书 title box (the same on every page)."""

    x: float
    y: float
    width: float
    height: float
    size: float
    role: str
    line_pt: float


@dataclass
class SheetView:
    """What every page of one output file shares, and its pages."""

    design: str
    page_width: float  # mm
    page_height: float
    pages: list[PageView]
    seal: SealView | None
    title_box: TitleView
    frame_inset: float  # mm

    def context(self) -> dict:
        """The template context of certificate.html (attributes read as ``page.fields``, ``f.x`` …)."""
        return {"design": self.design, "page_width": self.page_width, "page_height": self.page_height,
                "pages": self.pages, "seal": self.seal, "title_box": self.title_box, "frame_inset": self.frame_inset}

    def without_pages(self) -> "SheetView":
        """The design alone (the background the direct PDF writer lays out once)."""
        return replace(self, pages=[PageView("", "", [])], seal=None)


def field_view(f: Field, dx: float, dy: float) -> FieldView:
    line_pt = f.size * f.box.line_height if f.key == "body" else f.box.height * PT_PER_MM
    return FieldView(f.key, f.lines, round(f.box.x + dx, 2), round(f.box.y + dy, 2), f.box.width, f.box.height,
                     f.size, f.box.role, f.box.align, round(line_pt, 2))


def sheet_view(settings: Settings, certificates: list[Certificate], design: str | None = None,
               offset: tuple[float, float] | None = None) -> SheetView:
    design = design or settings.design
    dx, dy = offset if offset is not None else (settings.offset_x, settings.offset_y)
    width, height = settings.page
    issuer = settings.box("issuer")
    seal = None
    if settings.seal is not None:
        size = settings.seal_size
        seal = SealView(settings.seal.as_uri(), size, round(issuer.x + issuer.width / 2 - size / 2 + dx, 2),
                        round(issuer.y + issuer.height / 2 - size / 2 + dy, 2))
    title = settings.box("title")
    pages = [PageView(cert.number, cert.name, [field_view(f, dx, dy) for f in cert.fields]) for cert in certificates]
    return SheetView(design, width, height, pages, seal,
                     TitleView(title.x + dx, title.y + dy, title.width, title.height, title.size, title.role,
                               round(title.height * PT_PER_MM, 2)),
                     round(min(width, height) * 0.045, 1))


def page_context(settings: Settings, certificates: list[Certificate], design: str | None = None,
                 offset: tuple[float, float] | None = None) -> dict:
    """The certificate.html template context (``sheet_view(...).context()``)."""
    return sheet_view(settings, certificates, design, offset).context()
