"""Write N realistic, wholly fictitious case files (for `make bench` and load tests): python generate_cases.py N DIR.

Each is one of the samples with its dates shifted, a new case ID, UPN and social worker (from a pool of teams), so
the set has the mix of policies, meetings, visits, escalations and lapses a real caseload has. Same N, same files.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cin_docs.census import upn_check_letter  # noqa: E402
from cin_docs.inputs import load_file  # noqa: E402

FIRST = [
    "Aisha",
    "Ben",
    "Chloe",
    "Dev",
    "Ellen",
    "Farid",
    "Grace",
    "Hamza",
    "Iona",
    "Jonah",
    "Kemi",
    "Liam",
    "Maya",
    "Nikhil",
    "Orla",
    "Pavel",
    "Queenie",
    "Rory",
    "Sana",
    "Tariq",
]
LAST = ["Abbott", "Bello", "Carver", "Dunmore", "Ekwueme", "Fairley", "Gould", "Haddad", "Ingram", "Jaworski"]
TEAMS = {
    "hillingdon": [
        "Child in Need Team 1 (South)",
        "Child in Need Team 2 (North)",
        "Children with Disabilities Team",
        "NRPF and Intentionally Homeless Team",
    ],
    "hertfordshire": [
        "Family Safeguarding Team – Millbrook",
        "Family Safeguarding Team – Rushden Vale",
        "Family Safeguarding Team – Ashby Cross",
        "0-25 Together Team",
    ],
}
LA_CODE = {"hillingdon": "312", "hertfordshire": "919"}
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def shifted(value, days: int, old_names: dict[str, str]):
    if isinstance(value, dict):
        return {k: shifted(v, days, old_names) for k, v in value.items()}
    if isinstance(value, list):
        return [shifted(v, days, old_names) for v in value]
    if isinstance(value, str):
        if DATE.match(value):
            return (dt.date.fromisoformat(value) + dt.timedelta(days=days)).isoformat()
        return old_names.get(value, value)
    return value


def make_case(template: dict, n: int, rng: random.Random) -> dict:
    policy = template["policy"]
    worker = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    old_worker = (template.get("social_worker") or {}).get("name")
    case = shifted(template, rng.randrange(-120, 30), {old_worker: worker} if old_worker else {})
    case["case_id"] = f"{'HIL' if policy == 'hillingdon' else 'HCC'}-GEN-{n:06d}"
    if case.get("social_worker"):
        case["social_worker"]["team"] = rng.choice(TEAMS[policy])
    if case.get("census", {}).get("upn"):
        body = LA_CODE[policy] + f"{n:09d}"
        case["census"]["upn"] = upn_check_letter("A" + body) + body
    return case


def main(argv: list[str]) -> int:
    count, out = int(argv[1]), Path(argv[2])
    out.mkdir(parents=True, exist_ok=True)
    templates = [load_file(p).data for p in sorted((ROOT / "samples").glob("*.yaml"))]
    rng = random.Random(20261123)
    for n in range(count):
        case = make_case(templates[n % len(templates)], n, rng)
        folder = out / f"team{n % 8}"
        folder.mkdir(exist_ok=True)
        text = yaml.dump(case, Dumper=DUMPER, sort_keys=False, allow_unicode=True, width=110)
        (folder / f"{case['case_id']}.yaml").write_text(text, encoding="utf-8")
    print(f"Wrote {count} case files to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
