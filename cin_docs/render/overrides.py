"""Checking an authority's own templates (a folder with docx/<kind>.docx, html/<kind>.html, html/print.css).

`cin-docs templates check DIR` runs check_folder; rendering with a templates folder runs refuse_if_broken on the
template it is about to use, so a broken template is refused before anything is written. Both report, per template,
in words a business support officer can act on:
- placeholders the document's context does not have (with a "did you mean"),
- template syntax errors (the line of an HTML template, the paragraph of a Word one),
- filters and tests that do not exist,
- placeholders Word has broken up (split across paragraphs, braces apart) and tracked changes,
- web addresses and files a template asks for that cin-docs will not fetch,
and, for `templates check`, anything that fails when the template is filled in with every sample case.
"""

from __future__ import annotations

import difflib
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from jinja2 import nodes
from lxml import etree

from .. import resources
from ..errors import CinDocsError, TemplateError
from .jinja import docx_jinja_environment, html_environment
from .variables import Shape, docx_extras, kind_shape, sample_contexts

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg")
ASSET_SUFFIXES = IMAGE_SUFFIXES + (".css", ".ttf", ".otf", ".woff", ".woff2")
TRACKED = ("ins", "del", "moveFrom", "moveTo")


@dataclass(frozen=True)
class Problem:
    file: str  # e.g. docx/invitation.docx
    message: str  # a whole sentence, starting "In docx/invitation.docx, ..."


def kinds() -> dict:
    from ..documents import KINDS

    return KINDS


# ---- the folder ---------------------------------------------------------------------------------------------------


def templates_in(folder: Path) -> tuple[list[tuple[str, str]], list[Problem]]:
    """The (part, file name) pairs of the folder that override something, and problems with its layout."""
    folder = Path(folder)
    found: list[tuple[str, str]] = []
    problems: list[Problem] = []
    docx_names = [k.docx_template for k in kinds().values()]
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.is_file() and path.suffix.lower() in (".docx", ".html", ".htm", ".css"):
            part = "docx" if path.suffix.lower() == ".docx" else "html"
            problems.append(
                Problem(
                    path.name, f"{path.name} is not used where it is: put it in the {part} folder ({part}/{path.name})."
                )
            )
    docx_dir = folder / "docx"
    for path in sorted(docx_dir.iterdir()) if docx_dir.is_dir() else []:
        if path.name.startswith(("~$", ".")):  # Word's lock file while the document is open; hidden files
            continue
        if path.name in docx_names:
            found.append(("docx", path.name))
        elif path.suffix.lower() == ".docx":
            problems.append(
                Problem(
                    f"docx/{path.name}",
                    f"docx/{path.name} is not a document cin-docs makes, so it "
                    f"is never used.{_did_you_mean(path.name, docx_names, 'docx/')} The Word "
                    f"templates you can replace are: {', '.join(docx_names)}.",
                )
            )
        elif path.suffix.lower() in (".doc", ".odt", ".rtf"):
            problems.append(
                Problem(
                    f"docx/{path.name}",
                    f"docx/{path.name} is not a Word .docx file. Open it in Word "
                    "and use File > Save As > Word Document (.docx).",
                )
            )
    html_dir = folder / "html"
    for path in sorted(html_dir.rglob("*")) if html_dir.is_dir() else []:
        rel = path.relative_to(html_dir).as_posix()
        if not path.is_file() or path.name.startswith("."):
            continue
        if path.suffix.lower() in (".html", ".htm") or rel == resources.PRINT_CSS:
            found.append(("html", rel))
        elif path.suffix.lower() not in ASSET_SUFFIXES:
            problems.append(
                Problem(
                    f"html/{rel}",
                    f"html/{rel} is not a kind of file the PDF can use (pictures: "
                    f"{', '.join(IMAGE_SUFFIXES)}; fonts; CSS), so it is never used.",
                )
            )
    return found, problems


def check_folder(folder: Path) -> tuple[list[str], list[Problem]]:
    """Every template in the folder, checked and tried with every sample the kind applies to."""
    folder = Path(folder)
    found, problems = templates_in(folder)
    html_kinds = {k.html_template: key for key, k in kinds().items()}
    docx_kinds = {k.docx_template: key for key, k in kinds().items()}
    shared = [name for part, name in found if part == "html" and name not in html_kinds and name != resources.PRINT_CSS]
    unused = [name for name in shared if name not in _used_pages(folder, shared)]
    for name in unused:
        problems.append(
            Problem(
                f"html/{name}",
                f"html/{name} is not a page cin-docs makes and no template uses "
                f"it, so it is never used.{_did_you_mean(name, html_kinds, 'html/')} The PDF "
                f"templates you can replace are: {', '.join(html_kinds)}.",
            )
        )
    shared = [name for name in shared if name not in unused]
    for part, name in found:
        if part == "docx":
            problems += check_template(folder, "docx", name, docx_kinds[name], try_samples=True)
        elif name == resources.PRINT_CSS:
            problems += check_css(folder)
        elif name in html_kinds:
            problems += check_template(folder, "html", name, html_kinds[name], try_samples=True)
    if shared:
        # A shared page (base.html, a macro file) changes every kind's PDF: check it, then try every kind with it.
        shared_problems = []
        for name in shared:
            shared_problems += check_template(folder, "html", name, None)
        problems += shared_problems
        if not shared_problems:
            for key, kind in kinds().items():
                if ("html", kind.html_template) not in found:
                    problems += _try_samples(folder, "html", kind.html_template, key)
    return [f"{part}/{name}" for part, name in found], _unique(problems)


def _used_pages(folder: Path, shared: list[str]) -> set[str]:
    """Shared pages something uses: the built-in ones (base.html, _macros.html, pack pages) and any page a template
    in the folder includes, extends or imports by name."""
    used = {p.name for p in resources.html_templates_dir().glob("*.html")}
    env = html_environment(folder)
    for path in (Path(folder) / "html").rglob("*.htm*"):
        try:
            tree = env.parse(path.read_text(encoding="utf-8"))
        except (jinja2.TemplateSyntaxError, UnicodeDecodeError):
            continue  # reported when the page itself is checked
        for node in tree.find_all((nodes.Include, nodes.Extends, nodes.Import, nodes.FromImport)):
            # find_all yields only the node types asked for; the isinstance tells the type checker so.
            if isinstance(node, (nodes.Include, nodes.Extends, nodes.Import, nodes.FromImport)) and isinstance(
                node.template, nodes.Const
            ):
                used.add(str(node.template.value))
    return used


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


# ---- one template -----------------------------------------------------------------------------------------------


def check_template(
    folder: Path, part: str, name: str, kind: str | None, *, try_samples: bool = False, context: Mapping | None = None
) -> list[Problem]:
    """Problems with one override: checked against the kind's sample contexts (and `context`, if given)."""
    samples = sample_contexts(kind) if kind else [s for key in kinds() for s in sample_contexts(key)]
    extras = docx_extras if part == "docx" else dict  # authority.logo_image is made by the Word backend only
    if context is None:
        shape = kind_shape(kind, part) if kind else Shape.of(extras(s.context) for s in samples)
    else:  # a fresh shape: the cached one must not grow
        shape = Shape.of([extras(s.context) for s in samples] + [extras(context)])
    if shape.keys is None:
        shape = None  # no sample case makes this document: its placeholders cannot be judged here
    if part == "docx":
        problems = _static_docx(folder, name, shape)
    else:
        problems = _static_html(folder, name, shape)
    if try_samples and not problems and kind:
        problems += _try_samples(folder, part, name, kind)
    return problems


def _try_samples(folder: Path, part: str, name: str, kind: str) -> list[Problem]:
    """Fill the template in with every sample case the kind applies to; report what fails (once each)."""
    from .docx import _with_logo, docx_context
    from .jinja import render_html, template_errors

    failures: dict[str, list[str]] = {}  # what went wrong -> the samples it went wrong with
    contexts = [s for s in sample_contexts(kind) if s.default]
    for sample in contexts:
        try:
            if part == "docx":
                from docxtpl import DocxTemplate

                template = DocxTemplate(resources.override_file(folder, "docx", name))
                env = docx_jinja_environment()
                with template_errors(f"docx/{name}", sample.context, env, folder):
                    template.render(_with_logo(docx_context(sample.context), template), jinja_env=env, autoescape=True)
            else:
                render_html(name, sample.context, folder)
        except etree.XMLSyntaxError:
            failures.setdefault(
                "it made a Word page that is not valid: an {% if %} or {% for %} probably starts in one paragraph "
                "or table cell and ends in another. Use {%p if ... %} on a paragraph of its own, or keep the "
                "command and its end in the same paragraph.",
                [],
            ).append(sample.sample)
        except CinDocsError as exc:
            message = exc.message.replace(f" Check the templates folder with: cin-docs templates check {folder}", "")
            failures.setdefault(f"it failed: {message}", []).append(sample.sample)
    problems = []
    for what, samples in failures.items():
        which = f"the sample {samples[0]}" if len(samples) == 1 else f"the samples {', '.join(dict.fromkeys(samples))}"
        problems.append(Problem(f"{part}/{name}", f"In {part}/{name}, when filled in with {which}, {what}"))
    return problems


# ---- Word templates ---------------------------------------------------------------------------------------------


def docx_paragraphs(path: Path) -> list[tuple[str, list[str]]]:
    """(where, [paragraph text, ...]) for the body, each header and footer and the footnotes: the parts docxtpl
    fills in."""
    out = []
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        parts = ["word/document.xml"] + sorted(n for n in names if re.fullmatch(r"word/(header|footer)\d*\.xml", n))
        for part in parts + ["word/footnotes.xml"]:
            if part not in names:
                continue
            root = etree.fromstring(archive.read(part))
            where = (
                "the page header"
                if "header" in part
                else "the page footer"
                if "footer" in part
                else "the footnotes"
                if "footnotes" in part
                else "the body"
            )
            # A paragraph's own text: not that of a text box inside it, which has paragraphs of its own.
            texts = [
                "".join(t.text or "" for t in p.iter(W + "t") if next(t.iterancestors(W + "p")) is p)
                for p in root.iter(W + "p")
            ]
            tracked = any(True for tag in TRACKED for _ in root.iter(W + tag))
            out.append((where, texts if not tracked else texts + [None]))
    return out


_TAG_TOKEN = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
_CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}
_NEAR_MISS = re.compile(r"\{\s+[{%]|[}%]\s+\}|(?<![{%])\{\s*[A-Za-z_][\w.]*\s*\}(?![}%])")
_WHOLE_PARAGRAPH_TAG = re.compile(r"\{%-?\s*(?:p|tr|tc)\s")
_WHOLE_PARAGRAPH_COMMAND = re.compile(r"\{%-?\s*(?:p|tr|tc)\s.*?%\}")
_DOCXTPL_TAG = re.compile(r"\{%-?\s*(?:p|tr|tc|r)\s+|\{\{-?\s*(?:p|r)\s+")
_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def _quote(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return "“" + (text if len(text) <= limit else text[: limit - 1] + "…") + "”"


def _paragraph_problems(display: str, where: str, text: str) -> list[str]:
    """Placeholders in one paragraph that Word has broken: unfinished, unopened, braces apart."""
    problems = []
    opener = None
    for match in _TAG_TOKEN.finditer(text):
        token = match.group()
        if opener is None and token in _CLOSER:
            opener = (token, match.start())
        elif opener is not None and token == _CLOSER[opener[0]]:
            opener = None
        elif opener is None:
            problems.append(
                f"In {display}, in {where}, the paragraph {_quote(text)} has a closing “{token}” with "
                "no opening brace before it in the same paragraph: part of a placeholder has been moved "
                "to another paragraph or deleted. Retype the whole placeholder in one go."
            )
    if opener is not None:
        problems.append(
            f"In {display}, in {where}, the placeholder starting {_quote(text[opener[1] :], 40)} is not "
            f"finished in the same paragraph (no “{_CLOSER[opener[0]]}”): Word has split it, or it "
            "runs on to the next paragraph. Each placeholder must be whole within one paragraph: retype "
            "it in one go, without pressing Enter inside it."
        )
    whole = _WHOLE_PARAGRAPH_TAG.search(text)
    if whole and _WHOLE_PARAGRAPH_COMMAND.sub("", text).strip():
        problems.append(
            f"In {display}, in {where}, the paragraph {_quote(text)} has “{whole.group().strip()}” "
            "with other text: a {%p ...%}, {%tr ...%} or {%tc ...%} command removes its whole paragraph "
            "(or table row or cell) when the document is made, so that text would be lost. Put the "
            "command on a paragraph of its own, or use {% ... %} to keep the paragraph."
        )
    for match in _NEAR_MISS.finditer(text):
        problems.append(
            f"In {display}, in {where}, the paragraph {_quote(text)} has {_quote(match.group(), 20)}, "
            "which looks like a placeholder but is not one: placeholders are written with two braces "
            "and nothing between them, {{ like.this }}, and commands as {% if ... %}."
        )
    return problems


def _as_jinja_line(text: str) -> str:
    return _DOCXTPL_TAG.sub(lambda m: "{% " if m.group().startswith("{%") else "{{ ", text).translate(_SMART_QUOTES)


def _static_docx(folder: Path, name: str, shape: Shape | None) -> list[Problem]:
    display = f"docx/{name}"
    path = resources.override_file(folder, "docx", name)
    try:
        parts = docx_paragraphs(path)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError):
        return [
            Problem(
                display,
                f"{display} cannot be opened as a Word document. Open it in Word and save it "
                "again as a Word Document (.docx).",
            )
        ]
    problems: list[str] = _outside_links(path, display)
    env = docx_jinja_environment()
    for where, texts in parts:
        if texts and texts[-1] is None:
            texts = texts[:-1]
            problems.append(
                f"In {display}, {where} has tracked changes. Accept or reject them all (in Word: Review > "
                "Accept > Accept All Changes, then turn Track Changes off) and save again."
            )
        lines = []
        for text in texts:
            found = _paragraph_problems(display, where, text)
            problems += found
            lines.append("" if found else _as_jinja_line(text))
        source = "\n".join(lines)
        problems += _jinja_problems(
            env,
            source,
            display,
            shape,
            lambda line, texts=texts, where=where: (
                f"in {where}, in the paragraph {_quote(texts[line - 1]) if 0 < line <= len(texts) else ''}"
            ),
        )
    return [Problem(display, p) for p in dict.fromkeys(problems)]


_FETCHING_FIELDS = re.compile(r"\b(INCLUDEPICTURE|INCLUDETEXT|LINK|DDE|DDEAUTO|IMPORT)\b")
_PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _outside_links(path: Path, display: str) -> list[str]:
    """What in the Word file would make Word fetch something when a letter made from it is opened: linked (not
    inserted) pictures, attached templates, fields that include other files; and macros."""
    problems = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".rels"):
                for rel in etree.fromstring(archive.read(name)).iter(_PR + "Relationship"):
                    external = rel.get("TargetMode") == "External"
                    if external and not rel.get("Type", "").endswith("/hyperlink"):
                        problems.append(
                            f"In {display}, something is linked from outside the document "
                            f"({rel.get('Target')}): Word would fetch it whenever a letter made from this "
                            "template is opened. Insert pictures into the document itself (Insert > "
                            "Pictures > This Device) and remove links to other files and templates."
                        )
            elif name.startswith("word/") and name.endswith(".xml"):
                xml = archive.read(name).decode("utf-8", errors="replace")
                for field in dict.fromkeys(_FETCHING_FIELDS.findall(xml)):
                    problems.append(
                        f"In {display}, the {field} field brings in another file when the document is "
                        "opened. Remove the field and insert the picture or text itself."
                    )
            elif name.lower().endswith("vbaproject.bin"):
                problems.append(
                    f"In {display}, the document contains macros. Save it as a plain Word Document "
                    "(.docx) without macros."
                )
    return problems


# ---- HTML templates and print.css --------------------------------------------------------------------------------


def _static_html(folder: Path, name: str, shape: Shape | None) -> list[Problem]:
    display = f"html/{name}"
    path = resources.override_file(folder, "html", name)
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return [Problem(display, f"{display} is not saved as UTF-8 text. Save it again with the encoding UTF-8.")]
    env = html_environment(folder)
    problems = _jinja_problems(env, source, display, shape, lambda line: f"on line {line}")
    problems += _asset_problems(folder, display, _html_urls(source))
    return [Problem(display, p) for p in dict.fromkeys(problems)]


def check_css(folder: Path) -> list[Problem]:
    import tinycss2  # type: ignore[import-untyped]  # tinycss2 ships no type information

    display = f"html/{resources.PRINT_CSS}"
    source = resources.print_css_additions(folder).read_text(encoding="utf-8", errors="replace")
    problems = []
    rules = tinycss2.parse_stylesheet(source, skip_comments=True, skip_whitespace=True)
    for rule in rules:
        errors = [rule] if rule.type == "error" else []
        if rule.type == "qualified-rule":
            errors += [
                d
                for d in tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)
                if d.type == "error"
            ]
        for error in errors:
            problems.append(
                f"In {display}, on line {error.source_line}, the style rules cannot be read "
                f"({error.message}). Check for a missing ';', '{{' or '}}'."
            )
    urls = [token.value for token in _css_tokens(rules) if token.type == "url"]
    urls += [
        token.arguments[0].value
        for token in _css_tokens(rules)
        if token.type == "function"
        and token.lower_name == "url"
        and token.arguments
        and token.arguments[0].type == "string"
    ]
    problems += _asset_problems(folder, display, urls)
    return [Problem(display, p) for p in problems]


def _css_tokens(rules):
    for rule in rules:
        for attr in ("prelude", "content", "arguments", "value"):
            value = getattr(rule, attr, None)
            if isinstance(value, list):
                for token in value:
                    yield token
                    yield from _css_tokens([token])


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            # What the PDF maker would load; <a href="..."> is a link for the reader, never fetched.
            loads = key in ("src", "data", "poster", "background") or (key == "href" and tag == "link")
            if loads and value:
                self.urls.append(value)
            if key == "style" and value:
                self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", value)


def _html_urls(source: str) -> list[str]:
    """The literal addresses an HTML template asks for (not those made from placeholders, which the fetcher guards)."""
    parser = _Links()
    # Jinja tags are not HTML; blank them so the parser sees the literal attributes.
    parser.feed(re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", lambda m: "\x00" * len(m.group()), source, flags=re.S))
    parser.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", "".join(re.findall(r"<style.*?</style>", source, re.S)))
    return [u for u in parser.urls if "\x00" not in u]


def _asset_problems(folder: Path, display: str, urls: Iterable[str]) -> list[str]:
    """Addresses the PDF maker would refuse: anything not a file in the html folder or the built-in templates."""
    problems = []
    html_dir = (Path(folder) / "html").resolve()
    for url in dict.fromkeys(urls):
        parts = urlsplit(url)
        if url.startswith("#") or parts.scheme in ("mailto", "tel"):
            continue
        if parts.scheme or parts.netloc or url.startswith("/"):
            problems.append(
                f"In {display}, the address {url} is outside the templates folder, and cin-docs never "
                "fetches anything from the internet or elsewhere on the computer. Put the file in the "
                "html folder beside the template and refer to it by its name alone, e.g. "
                'src="logo.png".'
            )
            continue
        target = (html_dir / parts.path).resolve()
        builtin = (resources.html_templates_dir() / parts.path).resolve()
        if target.is_relative_to(html_dir) and target.is_file():
            continue
        if builtin.is_relative_to(resources.html_templates_dir().resolve()) and builtin.is_file():
            continue
        problems.append(
            f"In {display}, the file {parts.path} is not in the html folder ({html_dir}), so it cannot "
            "be used. Put it there (beside the template), or correct the name."
        )
    return problems


# ---- what a template uses ---------------------------------------------------------------------------------------

_GLOBALS_OK = {"loop", "caller", "varargs", "kwargs", "self", "super"}


def _jinja_problems(env, source: str, display: str, shape: Shape | None, where) -> list[str]:
    """Syntax errors, unknown filters and tests, and placeholders the context does not have (when its shape is
    known)."""
    try:
        tree = env.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        return [f"In {display}, {where(exc.lineno)}, the template cannot be read: {_syntax_advice(exc)}"]
    problems = []
    for node in tree.find_all((nodes.Filter, nodes.Test)):
        known = env.filters if isinstance(node, nodes.Filter) else env.tests
        if node.name not in known:
            what = "filter" if isinstance(node, nodes.Filter) else "test"
            problems.append(
                f"In {display}, {where(node.lineno)}, “|{node.name}” is not a {what} cin-docs has."
                f"{_did_you_mean(node.name, known, '|')} The filters are: "
                f"{', '.join(sorted(n for n in env.filters if n in _FRIENDLY_FILTERS))}."
            )
    if shape is None:
        return problems
    stored = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    stored |= {a.name for m in tree.find_all((nodes.Macro, nodes.CallBlock)) for a in m.args}
    stored |= {n.target for n in tree.find_all(nodes.Import)} | {m.name for m in tree.find_all(nodes.Macro)}
    stored |= {(n if isinstance(n, str) else n[-1]) for f in tree.find_all(nodes.FromImport) for n in f.names}
    walker = _Walker(shape, env, stored)
    walker.visit(tree, {})
    for lineno, written, suggestion in walker.unknown:
        hint = f" Did you mean {{{{ {suggestion} }}}}?" if suggestion else ""
        problems.append(
            f"In {display}, {where(lineno)}, the placeholder {{{{ {written} }}}} is not something "
            f"cin-docs knows.{hint} The README in the folder lists every placeholder this document "
            "can use."
        )
    return problems


_FRIENDLY_FILTERS = {
    "longdate",
    "shortdate",
    "time",
    "datetime_long",
    "joinlist",
    "yesno",
    "upper",
    "lower",
    "title",
    "capitalize",
    "default",
    "join",
    "length",
    "first",
    "last",
    "replace",
    "trim",
    "round",
    "sort",
    "list",
}


def _syntax_advice(exc: jinja2.TemplateSyntaxError) -> str:
    message = exc.message or ""
    advice = ""
    if "Unexpected end of template" in message or "looking for" in message:
        advice = (
            " An {% if %} needs its {% endif %}, and a {% for %} its {% endfor %}; one of them is missing or misspelt."
        )
    elif "unknown tag" in message.lower():
        advice = " The commands templates know are if, elif, else, endif, for, endfor, set and with."
    elif "expected token" in message or "unexpected" in message:
        advice = (
            " Check the braces ({{ and }} around a placeholder, {% and %} around a command), the quotes, and "
            "that a placeholder has no spaces inside its name."
        )
    return f"“{message}”.{advice}"


def _did_you_mean(word: str, candidates: Iterable[str], prefix: str = "") -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" Did you mean {prefix}{close[0]}?" if close else ""


class _Walker:
    """Walks a template's syntax tree with the names in scope, resolving each placeholder against the context's
    shape; remembers (line, placeholder, suggestion) for those the context does not have."""

    def __init__(self, shape: Shape, env, stored: set[str]):
        self.shape = shape
        self.env = env
        self.stored = stored
        self.unknown: list[tuple[int, str, str | None]] = []

    def visit(self, node: nodes.Node, scope: dict) -> None:
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is not None:
            method(node, scope)
            return
        for child in node.iter_child_nodes():
            self.visit(child, scope)

    # Statements that bind names
    def visit_For(self, node: nodes.For, scope: dict) -> None:
        self.visit(node.iter, scope)
        inner = dict(scope)
        iterated = self.resolve(node.iter, scope)
        self.bind(node.target, iterated.item if isinstance(iterated, Shape) else None, inner)
        inner["loop"] = None
        for child in node.body:
            self.visit(child, inner)
        if node.test is not None:
            self.visit(node.test, inner)
        for child in node.else_:
            self.visit(child, scope)

    def visit_Macro(self, node, scope: dict) -> None:
        inner = dict(scope)
        for arg in node.args:
            inner[arg.name] = None
        inner.update(caller=None, varargs=None, kwargs=None)
        for default in node.defaults:
            self.visit(default, scope)
        for child in node.body:
            self.visit(child, inner)

    visit_CallBlock = visit_Macro

    def visit_Assign(self, node: nodes.Assign, scope: dict) -> None:
        self.visit(node.node, scope)
        self.bind(node.target, self.resolve(node.node, scope), scope)

    def visit_AssignBlock(self, node: nodes.AssignBlock, scope: dict) -> None:
        for child in node.body:
            self.visit(child, scope)
        self.bind(node.target, None, scope)

    def visit_With(self, node: nodes.With, scope: dict) -> None:
        inner = dict(scope)
        for target, value in zip(node.targets, node.values):
            self.visit(value, scope)
            self.bind(target, self.resolve(value, scope), inner)
        for child in node.body:
            self.visit(child, inner)

    def visit_Import(self, node, scope: dict) -> None:
        scope[node.target] = None

    def visit_FromImport(self, node, scope: dict) -> None:
        for name in node.names:
            scope[name if isinstance(name, str) else name[-1]] = None

    def bind(self, target: nodes.Node, shape, scope: dict) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = shape
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, None, scope)

    # Expressions
    def visit_Name(self, node: nodes.Name, scope: dict) -> None:
        if node.ctx == "load":
            self.resolve(node, scope, report=True)

    def visit_Getattr(self, node, scope: dict) -> None:
        self.resolve(node, scope, report=True)

    visit_Getitem = visit_Getattr

    def resolve(self, node: nodes.Node, scope: dict, report: bool = False):
        """The Shape the expression has (None if unknown), reporting the first step the context does not have."""
        chain = []
        head = node
        while isinstance(head, (nodes.Getattr, nodes.Getitem)):
            if isinstance(head, nodes.Getattr):
                chain.append(head.attr)
            elif isinstance(head.arg, nodes.Const):
                chain.append(head.arg.value)
            else:  # x[some_variable]: check both parts, but what it gives is unknown
                if report:
                    self.visit(head.arg, scope)
                    self.resolve(head.node, scope, report=True)
                return None
            head = head.node
        if not isinstance(head, nodes.Name):
            if report:
                self.visit(head, scope)
            return None
        chain.reverse()
        name = head.name
        if name in scope:
            shape = scope[name]
        elif self.shape.child(name) is not None:
            shape = self.shape.child(name)
        elif name in self.env.globals or name in _GLOBALS_OK or name in self.stored:
            return None
        else:
            if report:
                candidates = list(scope) + list(self.shape.keys or {})
                close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
                self.unknown.append(
                    (
                        head.lineno,
                        ".".join([name, *map(str, chain)]),
                        ".".join([close[0], *map(str, chain)]) if close else None,
                    )
                )
            return None
        written = [name]
        for step in chain:
            if shape is None:
                return None
            if isinstance(step, int) or (isinstance(step, str) and step.isdigit()):
                shape = shape.item
                written.append(str(step))
                continue
            if shape.keys is None:
                return None  # text, a date, a list...: its own attributes (e.g. .isoformat()) are not ours to judge
            nxt = shape.child(step)
            if nxt is None:
                if hasattr(dict, step) or not report:
                    return None
                close = difflib.get_close_matches(str(step), list(shape.keys), n=1, cutoff=0.6)
                self.unknown.append(
                    (node.lineno, ".".join([*written, str(step)]), ".".join([*written, close[0]]) if close else None)
                )
                return None
            written.append(str(step))
            shape = nxt
        return shape


# ---- when rendering ---------------------------------------------------------------------------------------------

_CACHE: dict[tuple, list[Problem]] = {}


def refuse_if_broken(folder: Path, part: str, name: str, context: Mapping) -> None:
    """Before rendering with an authority's template: the same checks as `templates check`, raising TemplateError
    listing every problem; nothing has been written at that point.

    The checks of a file, and the trial with the sample cases, run once per process for each version of the file.
    """
    folder = Path(folder)
    kind = _kind_of(part, name, context)
    todo = []
    if resources.override_file(folder, part, name):
        todo.append((part, name))
    if part == "html":
        listed, _ = templates_in(folder)
        todo += [
            (p, n)
            for p, n in listed
            if p == "html"
            and n != name
            and n != resources.PRINT_CSS
            and n not in {k.html_template for k in kinds().values()}
        ]
        if resources.print_css_additions(folder):
            todo.append(("html", resources.PRINT_CSS))
    problems: list[Problem] = []
    for p, n in todo:
        key = (*_version(Path(folder) / p / n), kind)
        if key not in _CACHE:
            if n == resources.PRINT_CSS:
                _CACHE[key] = check_css(folder)
            else:
                _CACHE[key] = check_template(folder, p, n, kind if n == name else None)
        found = _CACHE[key]
        if found and n != resources.PRINT_CSS:
            found = check_template(folder, p, n, kind if n == name else None, context=context)
        problems += found
    trial_files = [(p, n) for p, n in todo if n != resources.PRINT_CSS]
    if not problems and trial_files and kind:
        # A template that works for this case but fails for another (a branch this case does not reach) is
        # refused too: the same template must be usable for every case.
        key = ("trial", part, name, kind, *(_version(Path(folder) / p / n) for p, n in trial_files))
        if key not in _CACHE:
            _CACHE[key] = _try_samples(folder, part, name, kind)
        problems += _CACHE[key]
    if problems:
        raise TemplateError(refusal(folder, _unique(problems)))


def _version(path: Path) -> tuple:
    stat = path.stat()
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


def refusal(folder: Path, problems: list[Problem]) -> str:
    lines = "\n".join(f"  - {p.message}" for p in problems)
    return (
        f"The templates folder {folder} has {len(problems)} problem{'s' if len(problems) != 1 else ''}, so "
        f"nothing was written:\n{lines}\nCorrect the template and check it again with: "
        f"cin-docs templates check {folder}"
    )


def _kind_of(part: str, name: str, context: Mapping) -> str | None:
    stem = name.rsplit(".", 1)[0]
    if stem in kinds():
        return stem
    doc = context.get("doc") if isinstance(context, Mapping) else None
    kind = doc.get("kind") if isinstance(doc, Mapping) else None
    return kind if kind in kinds() else None
