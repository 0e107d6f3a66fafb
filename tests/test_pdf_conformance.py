"""Every PDF is PDF/UA-1 and PDF/A-3a at once, checked by an independent validator (page-validation, a Rust port of
the veraPDF rules that runs offline), and --pdf-variant gives plain PDF or PDF/A-2b on request."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import page  # page-validation (the test extra): an independent PDF/A and PDF/UA validator
import pypdf
import pytest
from click.testing import CliRunner

from cin_docs.cli import cli

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
AS_OF = "2026-11-23"

# One case per kind that the kind is written for (the sample the kind's own tests use).
KIND_SAMPLES = {
    "invitation": "hillingdon-mid-plan.yaml",
    "plan": "hillingdon-mid-plan.yaml",
    "review-record": "hillingdon-mid-plan.yaml",
    "panel-summary": "hertfordshire-panel.yaml",
    "escalation": "hertfordshire-escalation.yaml",
    "transfer-letter": "transfer-out.yaml",
    "case-summary": "transfer-out.yaml",
    "closing-summary": "hillingdon-closed.yaml",
}
PROFILES = ("ua1", "3a")


def failures(data: bytes, profile: str) -> list[str]:
    report = page.validate_pdf_bytes(data, profile=profile)
    return [] if report.is_compliant else [f"{f.rule_id}: {f.message}" for f in report.failures] or ["non-conformant"]


def run(args: list[str]) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, bytes]:
    """Every kind's PDFs (all of an invitation's letters) and both packs' PDFs, rendered once with the defaults."""
    out = tmp_path_factory.mktemp("conformance")
    for kind, sample in KIND_SAMPLES.items():
        run(["render", kind, str(SAMPLES / sample), "--format", "pdf", "-o", str(out / kind), "--as-of", AS_OF])
    run(
        [
            "pack",
            "panel",
            str(SAMPLES / "hertfordshire-panel.yaml"),
            "--panel-date",
            "2026-12-31",
            "--force",
            "-o",
            str(out / "panel"),
            "--as-of",
            AS_OF,
        ]
    )
    run(["pack", "transfer", str(SAMPLES / "transfer-out.yaml"), "-o", str(out / "transfer"), "--as-of", AS_OF])
    pdfs = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.pdf"))}
    # The transfer pack's documents as they go in its zip, one PDF each.
    with zipfile.ZipFile(next((out / "transfer").glob("*.zip"))) as bundle:
        for name in bundle.namelist():
            if name.endswith(".pdf"):
                pdfs[f"transfer zip/{name}"] = bundle.read(name)
    return pdfs


def test_every_kind_and_pack_was_rendered(rendered):
    from cin_docs.documents import KINDS

    assert set(KIND_SAMPLES) == set(KINDS), "add the new kind to KIND_SAMPLES"
    folders = {name.split("/")[0] for name in rendered}
    assert folders == set(KIND_SAMPLES) | {"panel", "transfer", "transfer zip"}
    assert sum(name.startswith("invitation/") for name in rendered) > 1  # family, child and professional letters


@pytest.mark.parametrize("profile", PROFILES)
def test_every_document_passes_pdf_ua1_and_pdf_a3a(rendered, profile):
    # Both packs included: the panel pack is one HTML document, and the merged transfer pack (no attachments here)
    # writes the pages of its index and documents together, under one structure tree.
    problems = {name: failures(data, profile) for name, data in rendered.items()}
    assert {name: found for name, found in problems.items() if found} == {}
    assert any(name.startswith("panel/panel-pack_") for name in problems)
    assert any(name.endswith("_transfer-pack.pdf") for name in problems)


def test_the_merged_transfer_pack_is_its_documents_page_for_page(rendered):
    """Every document of the zip is in the merged PDF, in order after the index, each page with the same text
    (its own running header, footer and page numbers), and bookmarked by its title."""
    (name,) = [n for n in rendered if n.startswith("transfer/") and n.endswith(".pdf")]
    merged = pypdf.PdfReader(io.BytesIO(rendered[name]))
    assert "/StructTreeRoot" in merged.trailer["/Root"] and merged.trailer["/Root"]["/PageMode"] == "/UseOutlines"
    order = ["transfer-letter", "transfer-checklist", "case-summary", "plan", "review-record"]
    parts = sorted((n for n in rendered if n.startswith("transfer zip/")), key=lambda n: order.index(kind_of(n)))
    assert [kind_of(n) for n in parts] == order
    top = [item for item in merged.outline if not isinstance(item, list)]
    assert [item.title for item in top] == [
        "Index",
        "Notification letter",
        "Transfer checklist",
        "Case summary",
        "Child in Need plan",
        "Record of the Child in Need review meeting on Tuesday 3 November 2026",
    ]
    page = merged.get_destination_page_number(top[1])
    assert page >= 1  # the index comes first
    for item, part in zip(top[1:], parts):
        assert merged.get_destination_page_number(item) == page
        own = pypdf.PdfReader(io.BytesIO(rendered[part])).pages
        for number, own_page in enumerate(own):
            text = own_page.extract_text()
            assert merged.pages[page + number].extract_text() == text
            assert f"Page {number + 1} of {len(own)}" in text  # each document keeps its own page numbering
        page += len(own)
    assert page == len(merged.pages)
    # Every structure element of a page hangs off the one document root: one tree, one page per ParentTree entry.
    tree = merged.trailer["/Root"]["/StructTreeRoot"]
    assert len(tree["/K"]) == 1 and tree["/K"][0].get_object()["/S"] == "/Document"
    assert sorted(p["/StructParents"] for p in merged.pages) == list(range(len(merged.pages)))


def kind_of(name: str) -> str:
    stem = name.rsplit("/", 1)[-1].removesuffix(".pdf")
    return stem.split("_")[1]


def test_a_pdf_attachment_is_the_only_untagged_part_and_the_index_says_so(tmp_path):
    scan = tmp_path / "scan-assessment.pdf"
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": "Child and family assessment"})
    with scan.open("wb") as handle:
        writer.write(handle)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["pack", "transfer", str(SAMPLES / "transfer-out.yaml"), "--attach", str(scan), "-o", str(out)]
        + ["--as-of", AS_OF],
    )
    assert result.exit_code == 0, result.output
    assert (
        "The merged PDF is not marked PDF/A or PDF/UA, because it holds attached PDF files as given, which are not "
        "tagged: a records system that needs them can keep the generated documents from the zip, which are."
    ) in " ".join(result.stderr.split())
    data = (out / "HIL-2026-0109_transfer-pack.pdf").read_bytes()
    merged = pypdf.PdfReader(io.BytesIO(data))
    index = " ".join(merged.pages[0].extract_text().split())
    assert "Attached as given (scan-assessment.pdf); not tagged" in index
    assert "The attachment “Child and family assessment” is included exactly as it was given and is not tagged" in index
    # The generated pages are still tagged; the attachment's page is not, and the file claims no conformance.
    root = merged.trailer["/Root"]
    assert "/StructTreeRoot" in root and "/Metadata" not in root
    assert [("/StructParents" in p) for p in merged.pages] == [True] * (len(merged.pages) - 1) + [False]
    assert [item.title for item in merged.outline if not isinstance(item, list)][-1] == "Child and family assessment"
    assert failures(data, "ua1") and failures(data, "3a")


def test_documents_claim_both_standards_in_their_metadata(rendered):
    reader = pypdf.PdfReader(io.BytesIO(rendered["plan/HIL-2026-0143_plan.pdf"]))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object()
    assert "/Filter" not in xmp  # PDF/A: the metadata stream is readable without decoding
    packet = xmp.get_data()
    assert b'pdfuaid:part="1"' in packet
    assert b'pdfaid:part="3"' in packet and b'pdfaid:conformance="A"' in packet
    assert b"<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in packet


def test_form_fields_carry_their_own_appearance(rendered):
    [name] = [n for n in rendered if n.startswith("escalation/")]
    reader = pypdf.PdfReader(io.BytesIO(rendered[name]))
    assert "/NeedAppearances" not in reader.trailer["/Root"]["/AcroForm"]
    fields = [a.get_object() for p in reader.pages for a in p.get("/Annots", []) if a.get_object().get("/FT") == "/Tx"]
    assert fields and all("/AP" in f for f in fields)
    # A filled field's appearance draws its text (a glyph string shown with Tj), an empty one draws nothing.
    filled = [f for f in fields if f["/V"]]
    assert filled and all(b"Tj" in f["/AP"]["/N"].get_object().get_data() for f in filled)
    assert all(b"Tj" not in f["/AP"]["/N"].get_object().get_data() for f in fields if not f["/V"])
    # The form's text is still there for pypdf (and screen readers) to read.
    assert any("Gareth Lloyd" in str(f["/V"]) for f in fields)


def test_the_validator_fails_a_broken_pdf(rendered):
    good = rendered["plan/HIL-2026-0143_plan.pdf"]
    assert failures(good, "ua1") == [] and failures(good, "3a") == []
    # The same PDF with its PDF/UA identifier and its document language taken out.
    broken = good.replace(b'pdfuaid:part="1"', b'pdfuaid:xart="1"').replace(b"/Lang (en-GB)", b"/Lxng (en-GB)")
    assert broken != good
    assert any(f.startswith("PDFUA1-ID-") for f in failures(broken, "ua1"))
    # And an untagged PDF (what --pdf-variant plain used to be before tags) fails PDF/A-3a.
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    untagged = io.BytesIO()
    writer.write(untagged)
    assert failures(untagged.getvalue(), "3a") and failures(untagged.getvalue(), "ua1")


def test_pdf_variant_plain_and_pdf_a_2b(tmp_path):
    plan = str(SAMPLES / "hillingdon-mid-plan.yaml")
    for variant in ("plain", "pdf/a-2b"):
        out = tmp_path / variant.replace("/", "-")
        run(["render", "plan", plan, "--format", "pdf", "-o", str(out), "--as-of", AS_OF, "--pdf-variant", variant])
        data = (out / "HIL-2026-0143_plan.pdf").read_bytes()
        reader = pypdf.PdfReader(io.BytesIO(data))
        assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged whatever the variant
        if variant == "plain":
            assert "/Metadata" not in reader.trailer["/Root"] and "/OutputIntents" not in reader.trailer["/Root"]
            assert failures(data, "3a")
        else:
            assert failures(data, "2b") == []
            assert b'pdfaid:part="2"' in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    result = CliRunner().invoke(cli, ["render", "plan", plan, "--pdf-variant", "pdf/x-4", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "pdf/x-4" in result.output


def test_pdf_variant_reaches_the_merged_transfer_pack(tmp_path):
    out = tmp_path / "out"
    run(
        [
            "pack",
            "transfer",
            str(SAMPLES / "transfer-out.yaml"),
            "-o",
            str(out),
            "--as-of",
            AS_OF,
            "--pdf-variant",
            "pdf/a-2b",
        ]
    )
    data = (out / "HIL-2026-0109_transfer-pack.pdf").read_bytes()
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert b'pdfaid:part="2"' in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert failures(data, "2b") == []
