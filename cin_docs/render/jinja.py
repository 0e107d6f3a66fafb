"""The Jinja environments for HTML and DOCX templates, and the translation of Jinja failures into TemplateError."""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from .. import resources
from ..errors import TemplateError
from .filters import FILTERS, nobreak_docx


class _Environment(SandboxedEnvironment):
    """Sandboxed (templates are restyled by staff, and the case file is user input) and remembers string sources."""

    last_source: str | None = None

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 - Jinja's own signature
        # docxtpl renders document parts with from_string; keep the source to name a missing variable.
        self.last_source = source if isinstance(source, str) else None
        return super().from_string(source, globals, template_class)


class _CompilingOnceEnvironment(_Environment):
    """The environment docxtpl renders with: compiles each distinct document part once per process.

    docxtpl hands the environment every part of the template (document, headers, footers) as a string on every
    render; the same template gives the same strings, so the compiled template is kept, keyed by its source.
    """

    _MAX_COMPILED = 256

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 - Jinja's own signature
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        self.last_source = source
        template = self._compiled.get(source)
        if template is None:
            template = super().from_string(source)
            if len(self._compiled) >= self._MAX_COMPILED:
                self._compiled.pop(next(iter(self._compiled)))
            self._compiled[source] = template
        return template


def _new_environment(cls: type[_Environment] = _Environment, **options) -> _Environment:
    env = cls(autoescape=True, undefined=jinja2.StrictUndefined, **options)
    env.filters.update(FILTERS)
    return env


class ConfinedLoader(jinja2.FileSystemLoader):
    """Loads templates only from files really inside its folders: a link out of a folder is refused.

    FileSystemLoader already refuses ".." in names; this also follows links, so an authority's templates folder
    cannot {% include %} or {% extends %} anything but its own files and the built-in templates.
    """

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        if not any(resources.inside(filename, root) for root in self.searchpath):
            root = next(r for r in self.searchpath if Path(filename).is_relative_to(r))
            raise TemplateError(
                f"The template {template} in {root} is a link to a file outside that folder. "
                "Templates may use only files inside their own folder: copy the file in instead."
            )
        return source, filename, uptodate


def html_environment(templates: Path | None = None) -> SandboxedEnvironment:
    """Environment for HTML templates: autoescaped, strict, with the shared filters.

    With an authority's templates folder, its html/ is searched first and the built-ins second.
    """
    return _html_environment_for(tuple(str(d) for d in resources.html_template_dirs(templates)))


def _html_environment_for(folders: tuple[str, ...]) -> SandboxedEnvironment:
    return _new_environment(loader=ConfinedLoader(list(folders)), trim_blocks=True, lstrip_blocks=True)


def docx_jinja_environment() -> SandboxedEnvironment:
    """Environment handed to docxtpl (it compiles each document part from a string)."""
    env = _new_environment()
    env.filters["nobreak"] = nobreak_docx
    return env


@functools.lru_cache(maxsize=16)
def _shared_html_environment(folders: tuple[str, ...]) -> SandboxedEnvironment:
    return _html_environment_for(folders)


def shared_html_environment(templates: Path | None) -> SandboxedEnvironment:
    """One HTML environment per list of template folders per process, so each template is compiled once (Jinja's
    cache notices an edited file by its modification time)."""
    return _shared_html_environment(tuple(str(d) for d in resources.html_template_dirs(templates)))


def shared_docx_environment() -> SandboxedEnvironment:
    """One docxtpl environment per process, compiling each distinct document part once (see render_docx)."""
    global _DOCX_ENVIRONMENT
    if _DOCX_ENVIRONMENT is None:
        _DOCX_ENVIRONMENT = _new_environment(_CompilingOnceEnvironment)
        _DOCX_ENVIRONMENT.filters["nobreak"] = nobreak_docx
    return _DOCX_ENVIRONMENT


_DOCX_ENVIRONMENT: _Environment | None = None


def render_html(template_name: str, context: Mapping, templates: Path | None = None) -> str:
    """Render html/<template_name> (the templates folder's, else the built-in) reporting Jinja failures as
    TemplateError."""
    env = shared_html_environment(templates)
    with template_errors(f"html/{template_name}", context, env, templates):
        return env.get_template(template_name).render(context)


@contextlib.contextmanager
def template_errors(
    display_name: str, context: Mapping, env: SandboxedEnvironment, templates: Path | None = None
) -> Iterator[None]:
    """Turn any Jinja error raised inside the block into a one-paragraph TemplateError.

    `templates`: the authority's templates folder in use, if any; a failure there is the folder's to fix.
    """
    try:
        yield
    except jinja2.TemplateError as exc:
        message = _describe(exc, display_name, context, env)
        if templates is not None:
            message = message.replace(_BUG, f"Check the templates folder with: cin-docs templates check {templates}")
        raise TemplateError(message) from exc
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, ArithmeticError) as exc:
        if templates is None:
            raise  # a bug in a built-in template or a filter: reported as one, with --debug for details
        # An authority's template gave a filter a value it cannot use (a date filter on text, say). The message
        # names the kind of failure only: the value may be personal.
        raise TemplateError(
            f"The template {display_name} in {templates} failed while being filled in "
            f"({type(exc).__name__}): a filter was probably given a value it cannot use, such as "
            "|longdate on something that is not a date. Check the templates folder with: "
            f"cin-docs templates check {templates}"
        ) from exc


_BUG = "This is a bug in the template; please report it."


def _describe(exc: jinja2.TemplateError, display_name: str, context: Mapping, env) -> str:
    where, lineno = _failing_template(exc, display_name, env)
    if isinstance(exc, jinja2.TemplateNotFound):
        missing = exc.name
        if missing and display_name.endswith("/" + str(missing)):
            return (
                f"There is no template {display_name} (looked in {_search_dir(env)}). "
                "The installation is incomplete; please report it."
            )
        return f"The template {display_name} needs the template '{missing}', which is not in {_search_dir(env)}. {_BUG}"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = _display(exc.filename, display_name, env) if exc.filename else display_name
        return f"The template {where} cannot be read: {exc.message} (line {exc.lineno}). {_BUG}"
    if isinstance(exc, jinja2.UndefinedError):
        path = _undefined_path(exc, env, lineno)
        return f"The template {where} refers to '{path}', which the {_kind(context)} context does not provide. {_BUG}"
    if isinstance(exc, SecurityError):
        reason = (exc.message or "").rstrip(".")
        return f"The template {where} tried something templates are not allowed to do ({reason}). {_BUG}"
    return f"The template {where} failed: {exc.message}. {_BUG}"


def _kind(context: Mapping) -> str:
    doc = context.get("doc") if isinstance(context, Mapping) else None
    return str(doc.get("kind", "document")) if isinstance(doc, Mapping) else "document"


def _search_dir(env) -> str:
    loader = env.loader
    if isinstance(loader, jinja2.FileSystemLoader):
        return ", ".join(str(p) for p in loader.searchpath)
    return str(resources.docx_templates_dir())


def _display(filename: str | None, fallback: str, env) -> str:
    """html/base.html for a file under the loader's folder, else the name the caller gave."""
    loader = env.loader
    if filename and isinstance(loader, jinja2.FileSystemLoader):
        for root in loader.searchpath:
            try:
                name = "html/" + Path(filename).resolve().relative_to(Path(root).resolve()).as_posix()
            except ValueError:
                continue
            builtin = Path(root).resolve() == resources.html_templates_dir().resolve()
            return name if builtin else f"{name} (in {Path(root).parent})"
    return fallback


def _failing_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """The template file and line where Jinja raised, from the frames it rewrites (jinja2.debug.fake_traceback)."""
    filename, lineno = None, None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_globals.get("__jinja_exception__") is exc:
            filename, lineno = tb.tb_frame.f_globals.get("__file__"), tb.tb_lineno
        tb = tb.tb_next
    return filename, lineno


def _failing_template(exc: BaseException, fallback: str, env) -> tuple[str, int | None]:
    filename, lineno = _failing_frame(exc)
    return _display(filename, fallback, env), lineno


_UNDEFINED_MESSAGES = (
    re.compile(r"^'(?P<name>[^']+)' is undefined$"),
    re.compile(r"has no attribute '(?P<attr>[^']+)'$"),
    re.compile(r"has no element (?P<attr>.+)$"),
)


def _undefined_path(exc: jinja2.UndefinedError, env, lineno: int | None) -> str:
    """child.nickname rather than Jinja's "'dict object' has no attribute 'nickname'", found in the template's AST."""
    message = exc.message or ""
    for pattern in _UNDEFINED_MESSAGES:
        if match := pattern.search(message):
            break
    else:
        return message
    source = _source_of(exc, env)
    wanted_name, wanted_attr = match.groupdict().get("name"), match.groupdict().get("attr")
    fallback = wanted_name or wanted_attr
    if source is None:
        return fallback
    try:
        tree = env.parse(source)
    except jinja2.TemplateSyntaxError:
        return fallback
    candidates = []
    for node in tree.find_all((nodes.Name, nodes.Getattr, nodes.Getitem)):
        path = _dotted(node)
        if path is None:
            continue
        last = node.name if isinstance(node, nodes.Name) else _segment(node)
        if (wanted_name and isinstance(node, nodes.Name) and last == wanted_name) or (
            wanted_attr and not isinstance(node, nodes.Name) and last in (wanted_attr, wanted_attr.strip("'\""))
        ):
            candidates.append((node.lineno != lineno, path))
    return min(candidates)[1] if candidates else fallback


def _source_of(exc: BaseException, env) -> str | None:
    filename, _ = _failing_frame(exc)
    if filename and Path(filename).is_file():
        return Path(filename).read_text(encoding="utf-8")
    return getattr(env, "last_source", None)


def _segment(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Getattr):
        return node.attr
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return str(node.arg.value)
    return None


def _dotted(node: nodes.Node) -> str | None:
    """a.b.c for a chain of attribute or constant-item lookups on a name; None for anything else."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, (nodes.Getattr, nodes.Getitem)):
        head, segment = _dotted(node.node), _segment(node)
        if head is None or segment is None:
            return None
        return f"{head}.{segment}"
    return None
