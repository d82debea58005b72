#!/usr/bin/env python3
"""Write examples/apn-2019.tests: rule tests for rules/apn-2019.tier that probe
every threshold exactly at its value and just below it.

Each test is one profile built to have exact metric values (see consulting()
and technology()), with the tier it must hold and the requirements of the
next tier that must be unmet.  Run: python3 tests/tools/make_tests.py
"""
import json

ASOF = "2019-12-13"       # review date of every profile (renewal before it)
OLD = "2018-01-10"        # earned long before every sustained checkpoint
RECENT = "2019-05-01"     # inside the 12 months before each checkpoint


def people(prefix, n, level, earned=OLD):
    return [{"person": f"{prefix}{i}", "name": f"{level} cert", "level": level,
             "earned": earned, "expires": None} for i in range(n)]


def consulting(name, b, t, f, c, p, o, mrr_cents, plan, v, exec_, r, s, earned=OLD):
    """A consulting partner whose 2019 metrics are exactly these: business and
    technical accreditation holders, foundational people, certified people
    (associate or higher; p of them professional), launched opportunities in
    12 months and their MRR, business plan, active validations, executive
    review, public references, CSAT responses."""
    certs = people("F", f, "foundational", earned)
    certs += people("P", p, "professional", earned) + people("A", c - p, "associate", earned)
    accs = [{"person": f"B{i}", "track": "business", "earned": OLD} for i in range(b)]
    accs += [{"person": f"T{i}", "track": "technical", "earned": OLD} for i in range(t)]
    opps = []
    for i in range(o):
        share = mrr_cents // o + (mrr_cents % o if i == 0 else 0)
        opps.append({"id": f"O{i}", "customer": f"C{i}", "stage": "launched", "launched": RECENT,
                     "mrr": share / 100, "public": False})
    # public references: launched long ago (outside the 12-month window)
    opps += [{"id": f"R{i}", "customer": f"R{i}", "stage": "launched", "launched": "2016-03-01",
              "mrr": 0, "public": True} for i in range(r)]
    return {"test": name, "id": name[:40], "name": name, "type": "consulting", "renewal": "2019-10-01",
            "certifications": certs, "accreditations": accs, "opportunities": opps,
            "validations": [{"program": "competency", "name": f"V{i}", "earned": OLD, "expires": None}
                            for i in range(v)],
            "csat": [{"submitted": RECENT, "score": 5} for _ in range(s)],
            "business_plan": RECENT if plan else None,
            "executive_review": RECENT if exec_ else None,
            "direct_revenue": [], "products": [], "support": "business"}


def technology(name, c, o, rev_cents, ga, reviewed, val, support, r, s):
    prods = [{"name": f"G{i}", "ga": OLD, "baseline_review": OLD if i < reviewed else None} for i in range(ga)]
    return {"test": name, "id": name[:40], "name": name, "type": "technology", "renewal": "2019-10-01",
            "certifications": people("A", c, "associate"),
            "accreditations": [],
            "opportunities": [{"id": f"O{i}", "customer": f"C{i}", "stage": "launched", "launched": RECENT,
                               "mrr": 100, "public": False} for i in range(o)]
            + [{"id": f"R{i}", "customer": f"R{i}", "stage": "launched", "launched": "2016-03-01",
                "mrr": 0, "public": True} for i in range(r)],
            "validations": [{"program": "technical_baseline_review", "name": "TBR", "earned": OLD,
                             "expires": None}] if val else [],
            "csat": [{"submitted": RECENT, "score": 4} for _ in range(s)],
            "business_plan": None, "executive_review": None,
            "direct_revenue": [{"month": "2019-06-01", "amount": rev_cents / 100}] if rev_cents else [],
            "products": prods, "support": support}


SELECT = ["business_accredited", "technical_accredited", "foundational_people", "certified_people",
          "launched_opps", "launched_mrr", "public_references", "csat_responses"]
ADVANCED = ["business_accredited", "technical_accredited", "foundational_people", "certified_people",
            "pro_people", "launched_opps", "launched_mrr", "business_plan_validated",
            "public_references", "csat_responses"]
PREMIER = ["business_accredited", "technical_accredited", "foundational_people", "certified_people",
           "pro_people", "launched_opps", "launched_mrr", "active_validations", "executive_review_done",
           "public_references", "csat_responses", "sustained"]

tests = [
    (consulting("consulting exactly at every Select threshold", 2, 2, 2, 2, 0, 3, 150000, False, 0, False, 1, 5),
     {"tier": "Select", "next": "Advanced", "unmet": ADVANCED}),
    (consulting("consulting one below every Select threshold", 1, 1, 1, 1, 0, 2, 149999, False, 0, False, 0, 4),
     {"tier": "Registered", "next": "Select", "unmet": SELECT}),
    (consulting("consulting exactly at every Advanced threshold", 4, 4, 4, 6, 3, 20, 1000000, True, 0, False, 2, 20),
     {"tier": "Advanced", "next": "Premier", "unmet": PREMIER}),
    (consulting("consulting one below every Advanced threshold", 3, 3, 3, 5, 2, 19, 999999, False, 0, False, 1, 19),
     {"tier": "Select", "next": "Advanced", "unmet": ADVANCED}),
    (consulting("consulting exactly at every Premier threshold, sustained", 10, 10, 10, 25, 10, 50, 5000000, True, 3, True, 6, 30),
     {"tier": "Premier", "next": None, "unmet": []}),
    (consulting("consulting one below every Premier threshold", 9, 9, 9, 24, 9, 49, 4999999, True, 2, False, 5, 29),
     {"tier": "Advanced", "next": "Premier", "unmet": PREMIER}),
    (consulting("consulting meets Premier today but not for 6 months", 10, 10, 10, 25, 10, 50, 5000000, True, 3, True, 6, 30,
                earned="2019-09-01"),
     {"tier": "Advanced", "next": "Premier", "unmet": ["sustained"]}),
    (technology("technology exactly at every Select threshold", 1, 2, 0, 1, 0, False, "business", 1, 2),
     {"tier": "Select", "next": "Advanced"}),
    (technology("technology one below every Select threshold", 0, 1, 499999, 0, 0, False, "developer", 0, 1),
     {"tier": "Registered", "next": "Select"}),
    (technology("technology reaches Select by direct revenue alone", 1, 0, 500000, 1, 0, False, "enterprise", 1, 2),
     {"tier": "Select", "next": "Advanced"}),
    (technology("technology exactly at every Advanced threshold", 3, 10, 0, 1, 1, True, "business", 2, 10),
     {"tier": "Advanced", "next": None, "unmet": []}),
    (technology("technology one below every Advanced threshold", 2, 9, 4999999, 1, 0, False, "business", 1, 9),
     {"tier": "Select", "next": "Advanced",
      "unmet": ["certified_people", "launched_opps >= 10 or direct_revenue_12m >= 50000", "reviewed_products",
                "tech_validation", "public_references", "csat_responses"]}),
    (technology("technology reaches Advanced by direct revenue alone", 3, 3, 5000000, 1, 1, True, "business", 2, 10),
     {"tier": "Advanced", "next": None}),
]

with open("examples/apn-2019.tests", "w", encoding="utf-8") as out:
    out.write("# Rule tests for rules/apn-2019.tier: run them with\n")
    out.write("#   tierc test rules/apn-2019.tier examples/apn-2019.tests --coverage\n")
    out.write("# Each line is a partner profile plus \"test\" (its name) and \"expect\" (the tier\n")
    out.write("# it must hold, the next tier, the next tier's unmet requirements).\n")
    out.write("# Written by tests/tools/make_tests.py.\n")
    for profile, expect in tests:
        line = dict(profile)
        line["expect"] = expect
        # put the test's name and expectation first, where a reader looks
        ordered = {"test": line.pop("test"), "expect": line.pop("expect")}
        ordered.update(line)
        out.write(json.dumps(ordered, ensure_ascii=False, separators=(",", ":")) + "\n")
