"""People are identified, not guessed (M6): two people with one name need ids, and meetings name them by id."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from cin_docs import api
from cin_docs.documents import Options
from cin_docs.documents.common import people
from cin_docs.errors import CaseValidationError

ROOT = Path(__file__).resolve().parents[1]
MID_PLAN = ROOT / "samples" / "hillingdon-mid-plan.yaml"
YOUTH_WORKER = {
    "name": "RYAN COLES",
    "role": "Youth Worker",
    "agency": "Youth Club",
    "address_lines": ["1 Club Road", "Westcote"],
}


def case_file(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(MID_PLAN.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def problems(path: Path) -> dict[str, str]:
    with pytest.raises(CaseValidationError) as error:
        api.load(path, {"closures": []})
    return {where.split(" (line")[0]: message for where, message in error.value.errors}


def test_a_professional_with_the_fathers_name_is_refused_until_both_have_ids(tmp_path):
    found = problems(case_file(tmp_path, lambda d: d["professionals"].append(dict(YOUTH_WORKER))))
    father = next(i for i, p in enumerate(yaml.safe_load(MID_PLAN.read_text())["family"]) if p["name"] == "Ryan Coles")
    assert found[f"family[{father}].name"].startswith("Another person in this case file has the same name")
    assert any(k.startswith("professionals[") and k.endswith(".name") for k in found)
    assert any(k.startswith("meetings[") and "invitees" in k for k in found)
    assert all("write the id of the one you mean" in m for k, m in found.items() if k.startswith("meetings"))


def _with_ids(data: dict) -> None:
    father = next(p for p in data["family"] if p["name"] == "Ryan Coles")
    father["id"] = "father-ryan"
    data["professionals"].append({**YOUTH_WORKER, "id": "youth-ryan"})
    for meeting in data["meetings"]:
        for key in ("invitees", "attendees", "apologies"):
            meeting[key] = ["father-ryan" if n == "Ryan Coles" else n for n in meeting.get(key, [])]
    meeting = next(m for m in data["meetings"] if str(m["date"]) == "2026-12-15")
    meeting["invitees"].append("youth-ryan")


def test_with_ids_each_of_them_gets_their_own_letter(tmp_path):
    case = api.load(case_file(tmp_path, _with_ids), {"closures": []})
    everyone = people(case)
    assert everyone["father-ryan"]["relationship"] == "Father"
    assert everyone["youth-ryan"]["relationship"] == "Youth Worker"
    assert "ryan coles" not in everyone  # a shared name picks out nobody
    built = api.build(case, "invitation", Options(as_of=dt.date(2026, 11, 23), meeting="2026-12-15"))
    addressed = [o.context["recipient"]["name"] for o in built.outputs]
    assert addressed.count("Ryan Coles") == 1 and addressed.count("RYAN COLES") == 1
    youth = next(o for o in built.outputs if o.context["recipient"]["name"] == "RYAN COLES")
    assert youth.context["recipient"]["address_lines"] == ["1 Club Road", "Westcote"]


def test_ids_must_differ_and_must_not_be_someone_elses_name(tmp_path):
    def change(data):
        data["family"][0]["id"] = "p1"
        data["family"][1]["id"] = "P1"
        data["family"][2]["name"] = "Nan"
        data["professionals"][0]["id"] = "nan"
        for meeting in data["meetings"]:
            for key in ("invitees", "attendees", "apologies"):
                meeting[key] = [n for n in meeting.get(key, []) if n != "Pauline Hartwell"]

    found = problems(case_file(tmp_path, change))
    assert found["family[1].id"].startswith("Another person in this case file has the same id")
    assert found["professionals[0].id"].startswith("This id is another person's name")


def test_a_worker_also_listed_as_a_professional_is_one_person():
    case = api.load(ROOT / "samples" / "transfer-out.yaml", {"closures": []})  # Ifeoma Chukwu is both
    assert case.case_id == "HIL-2026-0109"


def test_a_family_member_with_the_social_workers_name_needs_ids(tmp_path):
    def change(data):
        data["family"][0]["name"] = data["social_worker"]["name"].upper()

    found = problems(case_file(tmp_path, change))
    assert "family[0].name" in found and "social_worker.name" in found
