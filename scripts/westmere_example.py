"""Make samples/templates/westmere: the worked example of an authority's own invitation letter (a fictitious
"Borough of Westmere"), changed from the built-in templates the way a business support officer would.

The Word template is edited and saved by LibreOffice itself (headless, through Python-UNO), not by our template
builder, so it carries LibreOffice's own Word XML, as a real edited document would. The PDF template is the
exported HTML with its letterhead and sign-off changed, plus print.css additions and a logo in html/.

Needs LibreOffice (apt-get install libreoffice-writer-nogui python3-uno) and is run by hand, not by the tests:
    .venv/bin/python scripts/westmere_example.py
Then check the result: cin-docs templates check samples/templates/westmere
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "samples" / "templates" / "westmere"
GREEN = 0x0B6E4F
SYSTEM_PYTHON = "/usr/bin/python3"  # LibreOffice's UNO bridge is installed for the system Python

LETTERHEAD = [
    ("Borough of Westmere", 20, True),
    ("Children's Services · Westmere House, 1 Market Square, Westmere WM1 1AA", 9, False),
    ("Telephone 01632 960500 · childrens.services@westmere.example", 9, False),
]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from cin_docs.render.export import export

    work = Path(tempfile.mkdtemp(prefix="westmere-"))
    try:
        export(["invitation"], work)
        for part in ("docx", "html"):  # the folder's README.md stays
            shutil.rmtree(OUT / part, ignore_errors=True)
            (OUT / part).mkdir(parents=True)
        make_logo(OUT / "html" / "westmere-logo.png")
        subprocess.run(
            [
                SYSTEM_PYTHON,
                __file__,
                "--uno",
                str(work / "docx" / "invitation.docx"),
                str(OUT / "docx" / "invitation.docx"),
                str(OUT / "html" / "westmere-logo.png"),
            ],
            check=True,
        )
        write_html(work / "html" / "invitation.html", OUT / "html" / "invitation.html")
        (OUT / "html" / "print.css").write_text(PRINT_CSS, encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"Wrote {OUT}")


def make_logo(path: Path) -> None:
    """A made-up crest: a green shield with a white W and two wavy lines (the "mere")."""
    from PIL import Image, ImageDraw, ImageFont

    size = (360, 420)
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    green = (11, 110, 79, 255)
    draw.polygon([(20, 20), (340, 20), (340, 230), (180, 400), (20, 230)], fill=green)
    font = ImageFont.truetype(str(ROOT / "templates" / "html" / "fonts" / "DejaVuSans-Bold.ttf"), 190)
    draw.text((180, 140), "W", font=font, fill="white", anchor="mm")
    for y in (262, 300):
        points = [(60 + x, y + (10 if (x // 30) % 2 else -10)) for x in range(0, 241, 30)]
        draw.line(points, fill="white", width=12, joint="curve")
    image.save(path, optimize=True)


def write_html(source: Path, target: Path) -> None:
    """The exported HTML with the Westmere letterhead and sign-off (as someone would edit it in a text editor)."""
    html = source.read_text(encoding="utf-8")
    start = html.index('<section class="letterhead"')
    end = html.index("</section>", start) + len("</section>")
    html = (
        html[:start]
        + (
            '<section class="letterhead westmere" aria-label="From">\n'
            '  <img class="westmere-logo" src="westmere-logo.png" alt="Borough of Westmere crest">\n'
            '  <p class="westmere-name">Borough of Westmere</p>\n'
            "  <p>Children's Services · Westmere House, 1 Market Square, Westmere WM1 1AA<br>\n"
            "  Telephone 01632 960500 · childrens.services@westmere.example</p>\n"
            "</section>"
        )
        + html[end:]
    )
    # The sign-off: the "Yours sincerely," paragraph and the signature paragraph after it.
    signoff = re.search(r'<p class="signoff">.*?</p>\s*<p>.*?</p>', html, re.S)
    assert signoff, "the built-in letter has no sign-off paragraph: update this script"
    html = html.replace(
        signoff.group(),
        (
            '<p class="signoff">With kind regards,</p>\n'
            '<p>{{ social_worker.name }}<br>{{ social_worker.role or "Social Worker" }}<br>\n'
            "<em>On behalf of the Director of Children's Services, Borough of Westmere</em></p>\n"
            '<p class="westmere-motto">Westmere Children\'s Services: listening to children, working with families.</p>'
        ),
    )
    target.write_text(html, encoding="utf-8")


PRINT_CSS = """\
/* Borough of Westmere additions to the cin-docs PDF styles (added after the built-in print.css). */
.running-header .logo { display: none; }
.running-header { border-bottom: 1.5pt solid #0b6e4f; color: #0b6e4f; }
.letterhead.westmere { text-align: left; border-bottom: 3pt solid #0b6e4f; padding-bottom: 0.3em; min-height: 2.4cm; }
.letterhead.westmere p { margin: 0; color: #333; font-size: 9pt; }
.letterhead.westmere .westmere-name { font-size: 20pt; font-weight: bold; color: #0b6e4f; }
.westmere-logo { float: right; height: 2.2cm; margin-left: 0.5cm; }
h1, h2 { color: #0b6e4f; }
.westmere-motto { margin-top: 1.2em; font-size: 9pt; font-style: italic; color: #0b6e4f; }
"""


# ---- the LibreOffice part (run by the system Python, which has LibreOffice's UNO bridge) -----------------------


def uno_edit(source: str, target: str, logo: str) -> None:
    import uno
    from com.sun.star.beans import PropertyValue

    def prop(name, value):
        p = PropertyValue()
        p.Name, p.Value = name, value
        return p

    profile = tempfile.mkdtemp(prefix="westmere-lo-")
    pipe = f"westmere{os.getpid()}"
    office = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"-env:UserInstallation=file://{profile}",
            f"--accept=pipe,name={pipe};urp;",
        ]
    )
    desktop = None
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(120):
            try:
                remote = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # noqa: BLE001 - LibreOffice is still starting
                time.sleep(0.5)
        else:
            raise SystemExit("LibreOffice did not start")
        desktop = remote.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", remote)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, (prop("Hidden", True),))
        text = doc.Text
        paragraphs = list(_paragraphs(text))

        # The letterhead: the first three paragraphs become Westmere's, in its green, with a rule under them.
        for paragraph, (words, size, bold) in zip(paragraphs[:3], LETTERHEAD):
            paragraph.setString(words)
            paragraph.CharColor = GREEN if bold else 0x333333
            paragraph.CharHeight = size
            paragraph.CharWeight = 150.0 if bold else 100.0
            paragraph.ParaAdjust = 0  # left
        line = uno.createUnoStruct("com.sun.star.table.BorderLine2")
        line.Color, line.OuterLineWidth, line.LineWidth = GREEN, 53, 53
        paragraphs[2].BottomBorder = line
        paragraphs[2].BottomBorderDistance = 100

        # The crest on the right of the letterhead (the built-in letter has the logo small, in the page header).
        graphic = doc.createInstance("com.sun.star.text.TextGraphicObject")
        provider = remote.ServiceManager.createInstanceWithContext("com.sun.star.graphic.GraphicProvider", remote)
        graphic.Graphic = provider.queryGraphic((prop("URL", uno.systemPathToFileUrl(logo)),))
        size = uno.createUnoStruct("com.sun.star.awt.Size")
        size.Width, size.Height = 1900, 2200  # 1/100 mm
        graphic.Size = size
        from com.sun.star.text.TextContentAnchorType import AT_PARAGRAPH

        graphic.AnchorType = AT_PARAGRAPH
        graphic.HoriOrient = 1  # com.sun.star.text.HoriOrientation.RIGHT
        graphic.HoriOrientRelation = 0  # the paragraph area
        graphic.Title = "Borough of Westmere crest"
        graphic.Description = "Borough of Westmere crest"
        text.insertTextContent(paragraphs[0].getStart(), graphic, False)

        # The sign-off: Westmere's own words ("Yours sincerely," and the signature paragraph after it).
        paragraphs = list(_paragraphs(text))
        closing = next(i for i, p in enumerate(paragraphs) if p.getString().startswith("Yours "))
        paragraphs[closing].setString("With kind regards,")
        signature = paragraphs[closing + 1]
        signature.setString("{{ social_worker.name }}, {{ social_worker.role or 'Social Worker' }}")
        cursor = text.createTextCursorByRange(signature.getEnd())
        text.insertControlCharacter(cursor, 0, False)  # PARAGRAPH_BREAK
        cursor.CharPosture = 2  # italic
        text.insertString(cursor, "On behalf of the Director of Children's Services, Borough of Westmere", False)
        text.insertControlCharacter(cursor, 0, False)
        cursor.CharPosture = 0
        cursor.CharColor = GREEN
        cursor.CharHeight = 9
        text.insertString(cursor, "Westmere Children's Services: listening to children, working with families.", False)
        doc.storeToURL(uno.systemPathToFileUrl(target), (prop("FilterName", "MS Word 2007 XML"),))
        doc.close(True)
    finally:
        if desktop is not None:
            try:
                desktop.terminate()
            except Exception:  # noqa: BLE001 - LibreOffice closes the connection as it quits
                pass
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()
        shutil.rmtree(profile, ignore_errors=True)


def _paragraphs(text):
    enum = text.createEnumeration()
    while enum.hasMoreElements():
        element = enum.nextElement()
        if element.supportsService("com.sun.star.text.Paragraph"):
            yield element


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--uno":
        uno_edit(*sys.argv[2:])
    else:
        main()
