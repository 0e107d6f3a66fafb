"""Rendering one kind of document for many cases (`cin-docs render KIND CASE... --jobs N`).

Every case is loaded and checked first (every problem reported at once), then rendered in memory, in this process or
in a pool of N worker processes, then every file is written; nothing is written if any case fails. Workers start from
a process that has already imported WeasyPrint (forkserver with preload) and are replaced after RECYCLE_EVERY cases,
so a long batch's memory stays bounded whatever the libraries keep between documents.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import api
from .errors import CinDocsError, RenderError, UsageError

# Cases a worker renders before it is replaced by a fresh one (ProcessPoolExecutor's max_tasks_per_child).
RECYCLE_EVERY = 50
# Imported once in the forkserver, so each worker starts with WeasyPrint, the templates' code and the engine loaded.
_PRELOAD = [
    "cin_docs.api",
    "cin_docs.documents",
    "cin_docs.render.pdf",
    "cin_docs.render.fetcher",
    "cin_docs.render.docx",
]


@dataclass
class CaseFiles:
    case_id: str
    files: list[tuple[Path, bytes]]
    warnings: list[str]
    process: int = 0  # the id of the process that rendered them (workers are recycled: see RECYCLE_EVERY)


def render_case(case: api.Case, kind: str, options, formats, out_dir: Path, copy: str | None = None) -> CaseFiles:
    """Every file of `kind` for one case, in memory, checked as api.render checks them (disclosure included)."""
    files, warnings = api.render_files(case, kind, options, formats, out_dir, copy)
    return CaseFiles(case.case_id, files, warnings, os.getpid())


def _work(
    path: Path, config: dict, kind: str, options, formats, out_dir: Path, variant: str, copy: str | None = None
) -> CaseFiles | str:
    """In a worker: load and render one case; a cin-docs error comes back as its message (exceptions with their own
    constructors do not always survive pickling)."""
    from .render.pdf import pdf_variant

    try:
        with pdf_variant(variant):
            return render_case(api.load(path, config), kind, options, formats, out_dir, copy)
    except CinDocsError as exc:
        return exc.message


def render_many(
    cases: list[api.Case],
    kind: str,
    options,
    formats,
    out_dir: Path,
    *,
    jobs: int = 1,
    variant: str | None = None,
    copy: str | None = None,
) -> list[CaseFiles]:
    """Render `kind` for every case (already loaded and validated), with `jobs` processes; nothing written."""
    from .render.pdf import DEFAULT_VARIANT

    ids = [c.case_id for c in cases]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise UsageError(
            f"The same case is given more than once ({', '.join(repeated)}): its files would overwrite each other."
        )
    if jobs <= 1 or len(cases) <= 1:
        from .render.pdf import pdf_variant

        results = []
        with pdf_variant(variant):
            for case in cases:
                try:
                    results.append(render_case(case, kind, options, formats, out_dir, copy))
                except CinDocsError as exc:
                    raise type(exc)(f"Case {case.case_id} ({case.path}): {exc.message}") from exc
        return results
    context = _pool_context()
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(cases)), mp_context=context, max_tasks_per_child=RECYCLE_EVERY
    ) as pool:
        futures = [
            pool.submit(
                _work, case.path, case.config, kind, options, formats, Path(out_dir), variant or DEFAULT_VARIANT, copy
            )
            for case in cases
        ]
        outcomes = [future.result() for future in futures]
    failures = [
        f"Case {case.case_id} ({case.path}): {outcome}"
        for case, outcome in zip(cases, outcomes)
        if isinstance(outcome, str)
    ]
    if failures:
        raise RenderError(
            f"{len(failures)} of {len(cases)} cases could not be rendered, so nothing was written:\n"
            + "\n".join(failures)
        )
    # No failures: every outcome is a CaseFiles.
    return [outcome for outcome in outcomes if isinstance(outcome, CaseFiles)]


def _pool_context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


def start_workers(jobs: int, cases: int) -> bool:
    """Start the process the workers are forked from now, if render_many will use a pool for `cases` cases: its
    imports (WeasyPrint and the templates' code, ~0.4 s of CPU) then run on another core while this process loads
    and checks the case files, instead of after. Returns whether it was started."""
    if jobs <= 1 or cases <= 1:
        return False
    from multiprocessing import forkserver

    _pool_context()
    forkserver.ensure_running()
    return True


def default_jobs() -> int:
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))
