"""Copy the GOV.UK Frontend CSS and JavaScript from the npm package into cin_docs/web/static/ (`make web-assets`),
and axe-core's axe.min.js (the accessibility checker the browser tests run on every page) into tests/vendor/.

The copied files are committed, so the wheel and the app work offline; run this only to move to another version.
The GDS Transport font and the crown are GOV.UK's own and not for councils: the @font-face rules are removed, the
font is replaced by the system font stack, and the crest image rule is dropped. Needs `npm` (the registry, once).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "6.3.0"  # the version govuk-frontend-jinja 4.1.0 is tested against
AXE_VERSION = "4.14.1"
ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "cin_docs" / "web" / "static" / "govuk"
AXE_DIR = ROOT / "tests" / "vendor" / "axe-core"
SYSTEM_FONTS = 'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif'

MIT = """The MIT License (MIT)

Copyright (c) 2012-2025 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
documentation files (the "Software"), to deal in the Software without restriction, including without limitation the
rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit
persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of the
Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE
WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def strip_govuk_brand(css: str) -> str:
    css = re.sub(r"@font-face\{[^}]*\}", "", css)
    css = css.replace("font-family:GDS Transport,arial,sans-serif", f"font-family:{SYSTEM_FONTS}")
    css = re.sub(r"url\(/assets/images/govuk-crest\.svg\)", "none", css)
    if "GDS Transport" in css or "/assets/" in css:
        sys.exit("The GOV.UK Frontend CSS still names the GDS font or /assets/: check the new version by hand.")
    return css


def npm_pack(name: str, version: str, tmp: str) -> Path:
    subprocess.run(["npm", "pack", f"{name}@{version}", "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
    target = Path(tmp) / name
    with tarfile.open(Path(tmp) / f"{name}-{version}.tgz") as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def vendor_axe() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        package = npm_pack("axe-core", AXE_VERSION, tmp)
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        for name in ("axe.min.js", "LICENSE", "LICENSE-3RD-PARTY.txt"):
            (AXE_DIR / name).write_bytes((package / name).read_bytes())
    print(f"Copied axe-core {AXE_VERSION} into {AXE_DIR.relative_to(ROOT)}")


def main() -> None:
    vendor_axe()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", f"govuk-frontend@{VERSION}", "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL
        )
        with tarfile.open(Path(tmp) / f"govuk-frontend-{VERSION}.tgz") as tar:
            tar.extractall(tmp, filter="data")
        package = Path(tmp) / "package"
        meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
        dist = package / "dist" / "govuk"
        STATIC.mkdir(parents=True, exist_ok=True)
        css = (dist / "govuk-frontend.min.css").read_text(encoding="utf-8")
        css = re.sub(r"/\*# sourceMappingURL=.*?\*/", "", css)
        (STATIC / "govuk-frontend.min.css").write_text(strip_govuk_brand(css), encoding="utf-8")
        js = (dist / "govuk-frontend.min.js").read_text(encoding="utf-8")
        js = re.sub(r"//# sourceMappingURL=\S+", "", js)
        (STATIC / "govuk-frontend.min.js").write_text(js, encoding="utf-8")
        (STATIC / "LICENCE.txt").write_text(
            f"GOV.UK Frontend {meta['version']} (npm package govuk-frontend, licence {meta['license']}).\n"
            "Copied by scripts/vendor_govuk_frontend.py: the CSS without the GDS Transport font and the crown.\n\n"
            + MIT,
            encoding="utf-8",
        )
    print(f"Copied GOV.UK Frontend {VERSION} into {STATIC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
