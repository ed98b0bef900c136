"""The Chinese DOCX base every Word file of sp-docs is built on (templates/docx/base.docx).

python-docx's default template is a Japanese/English Word 2010 file (ＭＳ 明朝, Calibri,
``w:eastAsia="en-US"``, author "python-docx", created 2013).  This module writes a small
package of its own instead: zh-CN as the East Asian language in the styles and settings, a
font table holding every official font the documents name with its GB2312 charset, family,
pitch, PANOSE and a Windows alternate name (``w:altName``), so that Word/WPS on a machine
without 仿宋_GB2312 or 楷体_GB2312 draws 仿宋 / 楷体 (and 宋体 for 方正小标宋简体), and no
custom XML, thumbnail or stylesWithEffects part; a small theme whose fonts are Chinese.

``python tools/make_docx_base.py`` writes the file; the template builders start from it."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from . import templates

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
BASE_NAME = "base.docx"
GB2312_CHARSET = "86"


@dataclass(frozen=True)
class FontEntry:
    name: str
    alt_name: str  # the Windows font Word/WPS use when ``name`` is not installed
    panose: str
    family: str  # ST_FontFamily: roman, swiss, modern, script, decorative, auto
    pitch: str  # fixed or variable
    sig: tuple[str, str, str, str, str, str]  # usb0–usb3, csb0, csb1


_GB_SIG = ("00000001", "080E0000", "00000010", "00000000", "00040000", "00000000")
_WIN_SIG = ("800002BF", "38CF7CFA", "00000016", "00000000", "00040001", "00000000")

# Every font the documents name (render.fonts.ROLES[*].official) and the Windows fonts
# they fall back to.  PANOSE: CJK fonts of the 2-1-6-9 (monospaced ideographic) class.
FONT_TABLE: tuple[FontEntry, ...] = (
    FontEntry("仿宋_GB2312", "仿宋", "02010609030101010101", "modern", "fixed", _GB_SIG),
    FontEntry("方正小标宋简体", "宋体", "02000000000000000000", "auto", "variable", _GB_SIG),
    FontEntry("黑体", "SimHei", "02010609060101010101", "modern", "fixed", _WIN_SIG),
    FontEntry("楷体_GB2312", "楷体", "02010609030101010101", "modern", "fixed", _GB_SIG),
    FontEntry("宋体", "SimSun", "02010600030101010101", "auto", "variable",
              ("00000003", "288F0000", "00000016", "00000000", "00040001", "00000000")),
    FontEntry("仿宋", "FangSong", "02010609060101010101", "modern", "fixed", _WIN_SIG),
    FontEntry("楷体", "KaiTi", "02010609060101010101", "modern", "fixed", _WIN_SIG),
)

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Default Extension="png" ContentType="image/png"/>\
<Default Extension="jpeg" ContentType="image/jpeg"/>\
<Override PartName="/word/document.xml" \
ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
<Override PartName="/word/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>\
<Override PartName="/word/settings.xml" \
ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>\
<Override PartName="/word/fontTable.xml" \
ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>\
<Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>\
<Override PartName="/docProps/core.xml" \
ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
<Override PartName="/docProps/app.xml" \
ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>\
</Types>"""

_PACKAGE_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="word/document.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" \
Target="docProps/core.xml"/>\
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" \
Target="docProps/app.xml"/>\
</Relationships>"""

_DOCUMENT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
Target="styles.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" \
Target="settings.xml"/>\
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" \
Target="fontTable.xml"/>\
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" \
Target="theme/theme1.xml"/>\
</Relationships>"""

# A4 portrait with the GB/T 9704 margins, no line grid (templates set their own page and grid).
_DOCUMENT = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body><w:p/>\
<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>\
<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="1191" w:gutter="0"/>\
<w:cols w:space="425"/></w:sectPr></w:body></w:document>"""

_RUN_DEFAULTS = ('<w:rFonts w:ascii="仿宋_GB2312" w:eastAsia="仿宋_GB2312" w:hAnsi="仿宋_GB2312" '
                 'w:cs="仿宋_GB2312"/><w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/>'
                 '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>')

# As the PDF: widows/orphans kept, no punctuation hanging past the margin, no extra space
# between Chinese and Latin text or digits (LibreOffice reads these from the Normal style).
_PARAGRAPH_DEFAULTS = ('<w:widowControl/><w:overflowPunct w:val="0"/><w:autoSpaceDE w:val="0"/>'
                       '<w:autoSpaceDN w:val="0"/><w:jc w:val="both"/>')

_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}" xmlns:r="{R_NS}">\
<w:docDefaults><w:rPrDefault><w:rPr>{_RUN_DEFAULTS}</w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr>{_PARAGRAPH_DEFAULTS}</w:pPr></w:pPrDefault></w:docDefaults>\
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>\
<w:pPr>{_PARAGRAPH_DEFAULTS}</w:pPr></w:style>\
<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">\
<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>\
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>\
<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>\
<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>\
<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>\
<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:uiPriority w:val="99"/>\
<w:semiHidden/><w:unhideWhenUsed/></w:style>\
<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/>\
<w:uiPriority w:val="39"/><w:tblPr><w:tblBorders>\
<w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/>\
<w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/>\
<w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/>\
<w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders></w:tblPr></w:style>\
<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/>\
<w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:pPr><w:snapToGrid w:val="0"/><w:jc w:val="center"/></w:pPr>\
<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>\
<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/>\
<w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:pPr><w:snapToGrid w:val="0"/></w:pPr>\
<w:rPr><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>\
</w:styles>"""

# characterSpacingControl doNotCompress: CJK punctuation keeps its full width, as in the PDF.
_SETTINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:zoom w:percent="100"/>\
<w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="doNotCompress"/>\
<w:compat><w:useFELayout/><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" \
w:val="15"/></w:compat><w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>\
<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>"""

_CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>“双培”工程文档</dc:title>\
<dc:creator>sp-docs</dc:creator><dc:language>zh-CN</dc:language><cp:revision>1</cp:revision>\
<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:created>\
<dcterms:modified xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:modified></cp:coreProperties>"""

_APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">\
<Application>sp-docs</Application><DocSecurity>0</DocSecurity></Properties>"""

_A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
_COLOURS = (("dk1", '<a:sysClr val="windowText" lastClr="000000"/>'), ("lt1", '<a:sysClr val="window" lastClr="FFFFFF"/>'),
            ("dk2", '<a:srgbClr val="44546A"/>'), ("lt2", '<a:srgbClr val="E7E6E6"/>'),
            ("accent1", '<a:srgbClr val="C00000"/>'), ("accent2", '<a:srgbClr val="ED7D31"/>'),
            ("accent3", '<a:srgbClr val="A5A5A5"/>'), ("accent4", '<a:srgbClr val="FFC000"/>'),
            ("accent5", '<a:srgbClr val="4472C4"/>'), ("accent6", '<a:srgbClr val="70AD47"/>'),
            ("hlink", '<a:srgbClr val="0563C1"/>'), ("folHlink", '<a:srgbClr val="954F72"/>'))


def _theme_fonts(kind: str, hans: str) -> str:
    return (f'<a:{kind}><a:latin typeface="Times New Roman"/><a:ea typeface=""/><a:cs typeface=""/>'
            f'<a:font script="Hans" typeface="{hans}"/></a:{kind}>')


def theme_xml() -> str:
    """A small Office theme whose fonts are Chinese (no ＭＳ 明朝/Calibri/Cambria)."""
    colours = "".join(f"<a:{name}>{value}</a:{name}>" for name, value in _COLOURS)
    fill = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = f'<a:ln w="6350">{fill}</a:ln>'
    effect = "<a:effectStyle><a:effectLst/></a:effectStyle>"
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<a:theme xmlns:a="{_A_NS}" name="sp-docs"><a:themeElements>'
            f'<a:clrScheme name="sp-docs">{colours}</a:clrScheme>'
            f'<a:fontScheme name="sp-docs">{_theme_fonts("majorFont", "黑体")}{_theme_fonts("minorFont", "宋体")}'
            '</a:fontScheme><a:fmtScheme name="sp-docs">'
            f'<a:fillStyleLst>{fill * 3}</a:fillStyleLst><a:lnStyleLst>{line * 3}</a:lnStyleLst>'
            f'<a:effectStyleLst>{effect * 3}</a:effectStyleLst><a:bgFillStyleLst>{fill * 3}</a:bgFillStyleLst>'
            '</a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>')


def font_table_xml() -> str:
    fonts = []
    for font in FONT_TABLE:
        usb0, usb1, usb2, usb3, csb0, csb1 = font.sig
        fonts.append(
            f"<w:font w:name={quoteattr(font.name)}><w:altName w:val={quoteattr(font.alt_name)}/>"
            f'<w:panose1 w:val="{font.panose}"/><w:charset w:val="{GB2312_CHARSET}"/>'
            f'<w:family w:val="{font.family}"/><w:pitch w:val="{font.pitch}"/>'
            f'<w:sig w:usb0="{usb0}" w:usb1="{usb1}" w:usb2="{usb2}" w:usb3="{usb3}" '
            f'w:csb0="{csb0}" w:csb1="{csb1}"/></w:font>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:fonts xmlns:w="{W_NS}" xmlns:r="{R_NS}">{"".join(fonts)}</w:fonts>')


def base_parts() -> dict[str, str]:
    return {
        "[Content_Types].xml": _CONTENT_TYPES, "_rels/.rels": _PACKAGE_RELS,
        "docProps/core.xml": _CORE, "docProps/app.xml": _APP,
        "word/document.xml": _DOCUMENT, "word/_rels/document.xml.rels": _DOCUMENT_RELS,
        "word/styles.xml": _STYLES, "word/settings.xml": _SETTINGS, "word/fontTable.xml": font_table_xml(),
        "word/theme/theme1.xml": theme_xml(),
    }


def build_base() -> bytes:
    """The base package as bytes (deterministic: fixed zip timestamps)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in base_parts().items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, text.encode("utf-8"))
    return out.getvalue()


def base_path() -> Path:
    return templates.find("docx", BASE_NAME)


def new_document():
    """An empty python-docx Document on the Chinese base (for template builders and renderers)."""
    from docx import Document

    document = Document(str(base_path()))
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    return document
