"""The shortcuts that make documents fast (issue 11) do what they say, and change no output. Timings live in
`make bench` (scripts/bench.py), never in tests."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def python(code: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO, env=env, check=False,
                          capture_output=True, text=True)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the shim is for Linux only")
def test_weasyprint_loads_without_searching_for_windows_and_macos_library_names():
    result = python("""
        import ctypes.util, sys
        searched = []
        original = ctypes.util.find_library
        def find_library(name):
            searched.append(name)
            return original(name)
        ctypes.util.find_library = find_library
        import cin_docs.render.fetcher as fetcher
        assert fetcher.weasyprint.HTML  # the real package, usable
        assert ctypes.util.find_library is find_library, "the shim must put find_library back"
        print(len(searched))
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"


def test_weasyprint_is_imported_again_with_library_lookups_when_the_shortcut_fails():
    # On a system where only ctypes.util.find_library finds the libraries, the shortcut's import fails with OSError:
    # the half-imported package is forgotten and WeasyPrint imported again, searching as it normally does.
    result = python("""
        import sys, ctypes.util, cffi
        real_dlopen = cffi.FFI.dlopen
        def dlopen(self, name, flags=0):
            if ctypes.util.find_library("c") is None:  # under the shortcut: pretend nothing loads directly
                raise OSError(f"cannot load library {name!r}")
            return real_dlopen(self, name, flags)
        cffi.FFI.dlopen = dlopen
        import cin_docs.render.fetcher as fetcher
        assert fetcher.weasyprint.HTML
        print("ok")
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
