"""One error hierarchy for cin-docs: every failure a user can cause, with its exit status and a plain message."""

from __future__ import annotations


class CinDocsError(Exception):
    """A failure to report to the user as one paragraph (no traceback unless --debug)."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputFileError(CinDocsError):
    """The case file (or another input file) cannot be read or parsed."""


class CaseValidationError(CinDocsError):
    """The case file was read but breaks the rules of the case model; `errors` lists (path, message) pairs."""

    def __init__(self, source: str, errors: list[tuple[str, str]]):
        self.source = source
        self.errors = errors
        lines = [f"{source}: {len(errors)} problem{'s' if len(errors) != 1 else ''} found:"]
        lines += [f"  - {path}: {msg}" for path, msg in errors]
        super().__init__("\n".join(lines))


class PolicyError(CinDocsError):
    """A policy profile is unknown, unreadable or broken, or does not cover what was asked."""


class CalendarError(CinDocsError, ValueError):
    """No working day can be found (closure days cover years): the profile's or configuration's data is wrong."""


class TemplateError(CinDocsError):
    """A document template is missing or refers to something the context does not provide."""


class RenderError(CinDocsError):
    """A document cannot be produced from this case (a section it needs is missing, a check failed)."""


class UsageError(CinDocsError):
    """The command was called with options that do not fit together."""

    exit_code = 2
