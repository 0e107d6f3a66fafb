"""`cin-docs templates export`: the built-in templates as a starting point for an authority's own, with a README
listing every placeholder each document can use (generated from the sample cases' contexts)."""

from __future__ import annotations

from pathlib import Path

from .. import resources
from ..errors import UsageError
from .filters import FILTERS
from .output import atomic_write
from .variables import SAMPLES_AS_OF, sample_contexts, variable_rows

CSS_STARTER = """\
/* Your additions to the PDF styles.
   cin-docs reads its own print.css first and this file after it, so a rule here wins over the built-in one.
   Examples:
     .letterhead { border-top: 4pt solid #0b6e4f; }
     h1, h2 { color: #0b6e4f; }
     .running-header .logo { display: none; }
   Put any picture or font you use in this html folder and refer to it by its name alone,
   e.g. url("my-font.ttf"); cin-docs never fetches anything from the internet. */
"""


def export(kinds: list[str], out: Path, *, force: bool = False) -> list[Path]:
    """Write docx/<kind>.docx, html/<kind>.html, html/print.css and README.md into `out`; the written paths."""
    files: dict[Path, bytes] = {}
    for kind in kinds:
        from ..documents import KINDS

        spec = KINDS[kind]
        files[Path("docx") / spec.docx_template] = (resources.docx_templates_dir() / spec.docx_template).read_bytes()
        files[Path("html") / spec.html_template] = (resources.html_templates_dir() / spec.html_template).read_bytes()
    files[Path("html") / resources.PRINT_CSS] = CSS_STARTER.encode("utf-8")
    files[Path("README.md")] = readme(kinds).encode("utf-8")
    existing = sorted(str(p) for p in files if (out / p).exists())
    if existing and not force:
        raise UsageError(
            f"{out} already has {', '.join(existing)}; nothing was written. Export into a new folder, "
            "or add --force to replace those files with the built-in ones."
        )
    written = []
    for rel, data in files.items():
        atomic_write(out / rel, data)
        written.append(out / rel)
    return written


def readme(kinds: list[str]) -> str:
    from ..documents import KINDS

    lines = [
        "# Your authority's own templates for cin-docs",
        "",
        "This folder holds copies of cin-docs' built-in templates for: "
        + ", ".join(f"{k} ({KINDS[k].title})" for k in kinds)
        + ". Change them to use your letterhead, logo and "
        "standard wording; cin-docs uses any template in this folder instead of its own, and its own for the rest.",
        "",
        "## The folder",
        "",
        "- `docx/<document>.docx`: the Word version. Edit it in Word.",
        "- `html/<document>.html`: the PDF version (a web page). Edit it in a text editor such as Notepad.",
        "- `html/print.css`: your additions to the PDF styles (colours, fonts, spacing), added after cin-docs' own.",
        "- Pictures (a logo) and fonts for the PDF go in `html/`, beside the template, and are named there without "
        'a folder: `<img src="logo.png" alt="…">`. cin-docs fetches nothing from the internet or from '
        "anywhere else on the computer. (In Word, insert the logo into the document itself.)",
        "- Delete the files you do not change: cin-docs then keeps using its own, and gets its improvements.",
        "",
        "## Step by step",
        "",
        "1. Open `docx/<document>.docx` in Word. Change the letterhead, the wording and the layout as you like. "
        "Keep the placeholders (`{{ child.known_as }}`) and commands (`{% if ... %}`) you want, and copy any from "
        "the list below. Type each placeholder in one go; Word's autocorrect and spelling marks are fine.",
        "2. Turn Track Changes off and accept all changes before saving. Save as a Word Document (.docx).",
        "3. Check the folder: `cin-docs templates check <this folder>`. It fills every template in with the sample "
        "cases and lists, in plain words, anything to correct (a misspelt placeholder, a placeholder Word has "
        "split, a missing `{% endif %}`). Correct, save and check again until it says the folder is ready.",
        "4. Use it: add `templates: <this folder>` to your cin-docs configuration file (a path relative to that "
        "file), or add `--templates <this folder>` to `cin-docs render` or `cin-docs pack`. cin-docs checks the "
        "template again before each use and writes nothing if it has a problem.",
        "",
        "## Writing placeholders",
        "",
        "- `{{ child.known_as }}` is replaced by the value, e.g. the child's name.",
        "- `{% if meeting.venue %}...{% endif %}` keeps the text between only when there is a venue; "
        "`{% else %}` and `{% elif ... %}` work too.",
        "- `{% for person in meeting.invitees %}{{ person.name }}{% endfor %}` repeats the text for each item of "
        "a list (shown as `[]` below: `meeting.invitees[].name`).",
        "- In Word, `{%p if ... %}` and `{%p endif %}` on paragraphs of their own keep or remove whole paragraphs; "
        "`{%tr for ... %}` ... `{%tr endfor %}` repeat a table row.",
        "- `{{ meeting.date|longdate }}`: a filter after `|` changes how a value is written. The filters:",
    ]
    for name, function in FILTERS.items():
        first = (function.__doc__ or "").strip().splitlines()[0] if function.__doc__ else ""
        lines.append(f"  - `|{name}`: {first}")
    lines += [
        "  - Also `|upper`, `|lower`, `|title`, `|join(', ')`, `|length` and `|default('...')`.",
        "- Everything a placeholder shows is made safe for the document: text from the case file never becomes "
        "part of the template.",
        "",
        "## What each document can use",
        "",
        f"Found by making each document from the sample cases (as on {SAMPLES_AS_OF.strftime('%d/%m/%Y')}). "
        "\"May be empty\" means some cases have no value: use `{% if ... %}` around it, or `|default('...')`.",
    ]
    for kind in kinds:
        count = len({s.sample for s in sample_contexts(kind)})
        lines += [
            "",
            f"### {kind}: {KINDS[kind].title}",
            "",
            f"`docx/{KINDS[kind].docx_template}` and `html/{KINDS[kind].html_template}` "
            f"(seen in {count} sample case{'s' if count != 1 else ''}).",
            "",
            "| Placeholder | What it is | Kind of value |",
            "| --- | --- | --- |",
        ]
        for path, kinds_text, meaning in variable_rows(kind):
            cell = meaning.replace("|", "\\|")
            shown = f"`{path}`" if kinds_text.startswith("section") else f"`{{{{ {path} }}}}`"
            lines.append(f"| {shown} | {cell} | {kinds_text} |")
    return "\n".join(lines) + "\n"
