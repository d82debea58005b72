#!/usr/bin/env python3
"""Write the rule tests and sample profiles of the example programs:

    examples/programs/microsoft-security/microsoft-security.tests, profiles.jsonl
    examples/programs/hubspot/hubspot-revenue.tests, hubspot-points.tests, profiles.jsonl
    examples/programs/hilton-honors/hilton-honors.tests, profiles.jsonl

Each test is one profile built for one worked case of the program (the case
numbers are those of the program's README), with the result it must get
written here by hand: the expectations are stated, never computed.
tests/tools/programs_oracle.py computes them independently from the
profiles, and tests/sh/programs-oracle.sh checks that the two agree.

The feeds hold raw facts only (monthly rows, certifications with dates,
deals in their currency, stays with their dates): everything a program
defines (scores, conversions, windows, status years) is left to the rules.

Run: python3 tests/tools/make_programs.py [OUTDIR]   (default examples/programs)
"""
import datetime
import json
import os
import sys

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "examples", "programs")


def money(cents):
    """An amount given in cents, as the JSON number that writes it exactly."""
    return cents // 100 if cents % 100 == 0 else cents / 100


def day(text):
    return datetime.date.fromisoformat(text)


def add_days(text, n):
    return (day(text) + datetime.timedelta(days=n)).isoformat()


def month_seq(first, last):
    """First days of the months from `first` to `last` (YYYY-MM), inclusive."""
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}-01")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def test_line(name, expect, as_of, profile):
    """One line of a .tests file: test, expect and as_of first, then the profile."""
    return dict({"test": name, "expect": expect, "as_of": as_of}, **profile)


def write_jsonl(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for line in header:
            f.write(f"# {line}\n" if line else "#\n")
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")


# ==========================================================================
# Microsoft Solutions Partner (partner capability score)
# ==========================================================================
#
# Every profile is scored in June 2024 unless a case says otherwise.  The
# monthly rows run from December 2022 (the "same month a year earlier" of the
# earliest checkpoint of the window) to the scoring month.  A customer's
# figures are its `before` values up to August 2023 and its `after` values
# from September 2023; so every checkpoint of the window (the last complete
# month is December 2023 .. May 2024, or up to August 2024 for the case
# scored in September) compares an `after` month with a `before` month, and
# the score is the same at every checkpoint unless a case changes a date.
# A month in which a customer had nothing has no row.  The row of the
# scoring month itself is month-to-date and holds zeros: the rules must never
# read it (case 10).

MS_AFTER_FROM = "2023-09"
ZERO = {"seats": 0, "azure": 0, "deployments": 0, "usage": 0}
# the four metrics of the SMB path of a partner with enterprise customers only
SMB_FAILS = ["SMB: pcs(security, smb)", "SMB: performance_points(security, smb)",
             "SMB: deployment_points(security, smb)", "SMB: usage_points(security, smb)"]


def ms_customer(cid, before, after, area="security", segment="enterprise",
                switch=MS_AFTER_FROM, last="2024-06"):
    """A customer association with monthly rows: `before` values before the
    month `switch`, `after` values from it, zeros in the month-to-date row of
    the scoring month `last`."""
    rows = []
    for m in month_seq("2022-12", last):
        if m[:7] == last:
            v = ZERO
        else:
            v = dict(ZERO, **(before if m[:7] < switch else after))
            if v == ZERO:
                continue        # a month without a row had nothing
        rows.append({"month": m, "seats": v["seats"], "azure": v["azure"],
                     "deployments": v["deployments"], "usage": v["usage"]})
    return {"id": cid, "area": area, "segment": segment, "months": rows}


def ms_customers(prefix, m365_adds=0, m365_losses=0, azure_adds=0, azure_losses=0,
                 deploy=None, grow=0, area="security", segment="enterprise", last="2024-06"):
    """Single-purpose customers: an M365 add goes from 0 to 30 seats, a loss
    from 40 to 0; an Azure add from USD 10 to 150 a month, a loss from 200 to
    0; `deploy` is (deployments a year earlier, deployments now) on one
    customer; a growing customer's usage goes from 100 to 120 (+20 %)."""
    out = []
    kw = {"area": area, "segment": segment, "last": last}
    for i in range(m365_adds):
        out.append(ms_customer(f"{prefix}M{i}", {"seats": 0}, {"seats": 30}, **kw))
    for i in range(m365_losses):
        out.append(ms_customer(f"{prefix}L{i}", {"seats": 40}, {"seats": 0}, **kw))
    for i in range(azure_adds):
        out.append(ms_customer(f"{prefix}A{i}", {"azure": 10}, {"azure": 150}, **kw))
    for i in range(azure_losses):
        out.append(ms_customer(f"{prefix}Z{i}", {"azure": 200}, {"azure": 0}, **kw))
    if deploy:
        out.append(ms_customer(f"{prefix}D", {"deployments": deploy[0]}, {"deployments": deploy[1]}, **kw))
    for i in range(grow):
        out.append(ms_customer(f"{prefix}U{i}", {"usage": 100}, {"usage": 120}, **kw))
    return out


def ms_allround(prefix, n, area, last="2024-06"):
    """Customers that are at once an M365 add, an Azure add, one net new
    deployment and a growing customer (+20 %): 11.33 points each."""
    return [ms_customer(f"{prefix}{i}", {"usage": 100},
                        {"seats": 30, "azure": 150, "deployments": 1, "usage": 120},
                        area=area, last=last) for i in range(n)]


def ms_people(n, exam="SC-200", prefix="p", earned="2022-01-10", expires="2026-01-10"):
    return [{"person": f"{prefix}{i}", "exam": exam, "earned": earned, "expires": expires}
            for i in range(n)]


def ms_partner(pid, name, certifications, customers):
    return {"id": pid, "name": name, "certifications": certifications, "customers": customers}


def ms_not_designated(*own):
    """badges_unmet of Security for a partner with enterprise customers only:
    the enterprise path's failing requirements, the SMB path's four, and the
    time clause."""
    return {"Security": [f"enterprise: {r}" for r in own] + SMB_FAILS + ["at_any"]}


def microsoft_tests():
    T = []
    sec = "(security, enterprise)"

    def add(case, title, as_of, profile, badges, unmet=None, values=None):
        expect = {"tier": None, "next": None, "badges": badges}
        if unmet is not None:
            expect["badges_unmet"] = unmet
        if values:
            expect["values"] = values
        T.append(test_line(f"{case}: {title}", expect, as_of, profile))

    # 1 / 10: exactly 70 = performance 12 + skilling 40 + deployments 10 +
    # usage 8.  The sixth person is certified on 1 June 2024, so the partner
    # reaches 70 in June only, and only on the last complete month (May).
    exact70 = ms_people(5) + ms_people(1, prefix="q", earned="2024-06-01")
    exact70_customers = ms_customers("C", m365_adds=3, azure_adds=3, deploy=(0, 3), grow=2)
    p = ms_partner("MS-01", "Exactly seventy", exact70, exact70_customers)
    add("1", "exactly 70 points: designated", "2024-06-01", p, ["Security"],
        values={f"pcs{sec}": 70, "skilled_people(security)": 6})
    add("10", "case 1 scored on the 15th: the same result (calendar months)", "2024-06-15", p,
        ["Security"], values={f"pcs{sec}": 70})

    # 2: 5 people = 100/3 points; 14 + 100/3 + 10 + 12 = 208/3 = 69.33
    p = ms_partner("MS-02", "One person short", ms_people(5),
                   ms_customers("C", m365_adds=4, azure_adds=3, deploy=(0, 3), grow=3))
    add("2", "69.33 points, one skilled person short of 70: not designated", "2024-06-15", p, [],
        ms_not_designated(f"pcs{sec}"),
        {f"pcs{sec}": "208/3", "skilled_people(security)": 5})

    # 3: every metric at its maximum (and beyond: 6 Azure adds, 7 people, 7
    # deployments, 6 growing customers are all capped)
    p = ms_partner("MS-03", "Everything at the maximum", ms_people(7),
                   ms_customers("C", m365_adds=5, azure_adds=6, deploy=(0, 7), grow=6))
    add("3", "every metric at its maximum: 100 points", "2024-06-15", p, ["Security"],
        values={f"pcs{sec}": 100, f"performance_points{sec}": 20, "skilling_points(security)": 40,
                f"deployment_points{sec}": 20, f"usage_points{sec}": 20})

    # 4: 20 + 40 + 0 + 20 = 80, but no deployment point
    p = ms_partner("MS-04", "No deployments", ms_people(6),
                   ms_customers("C", m365_adds=5, azure_adds=5, grow=5))
    add("4", "80 points but no deployment points: not designated", "2024-06-15", p, [],
        ms_not_designated(f"deployment_points{sec}"),
        {f"pcs{sec}": 80, f"deployment_points{sec}": 0})

    # 5: M365 net = 1 - 3 = -2: 0 points, not -4; 0 + 40 + 20 + 20 = 80
    p = ms_partner("MS-05", "More losses than adds", ms_people(6),
                   ms_customers("C", m365_adds=1, m365_losses=3, deploy=(0, 6), grow=5))
    add("5", "more losses than adds: performance 0 points", "2024-06-15", p, [],
        ms_not_designated(f"performance_points{sec}"),
        {f"performance_points{sec}": 0, f"m365_net_adds{sec}": -2, f"pcs{sec}": 80})

    # 5b: the floor is per product: M365 -2 gives 0, Azure +3 gives 6;
    # 6 + 40 + 20 + 4 = 70 (without the floor per product: 2 + ... = 66)
    p = ms_partner("MS-05b", "M365 losses, Azure adds", ms_people(6),
                   ms_customers("C", m365_adds=1, m365_losses=3, azure_adds=3, deploy=(0, 6), grow=1))
    add("5b", "M365 losses do not take Azure's points: designated at 70", "2024-06-15", p, ["Security"],
        values={f"performance_points{sec}": 6, f"pcs{sec}": 70})

    # 6: six people, one expired before the window began: as case 2
    certs = ms_people(5) + ms_people(1, prefix="x", expires="2023-06-30")
    p = ms_partner("MS-06", "An expired certification", certs,
                   ms_customers("C", m365_adds=4, azure_adds=3, deploy=(0, 3), grow=3))
    add("6", "expired certifications do not count", "2024-06-15", p, [],
        ms_not_designated(f"pcs{sec}"), {"skilled_people(security)": 5})

    # 7: one person holds four eligible certifications; a sixth person holds
    # only AZ-900, which is not eligible: 5 people, as case 2
    certs = [{"person": "p0", "exam": e, "earned": "2022-01-10", "expires": "2026-01-10"}
             for e in ("SC-200", "SC-300", "SC-400", "AZ-500")]
    certs += ms_people(4, prefix="r") + ms_people(1, exam="AZ-900", prefix="f")
    p = ms_partner("MS-07", "Four certifications, one person", certs,
                   ms_customers("C", m365_adds=4, azure_adds=3, deploy=(0, 3), grow=3))
    add("7", "one person with four eligible certifications counts once", "2024-06-15", p, [],
        ms_not_designated(f"pcs{sec}"), {"skilled_people(security)": 5})

    # 8: enterprise 4 + 40 + 10/3 + 4 = 51.33; SMB 12 + 40 + 10 + 12 = 74
    cust = ms_customers("E", m365_adds=2, deploy=(0, 1), grow=1)
    cust += ms_customers("S", m365_adds=3, azure_adds=3, deploy=(0, 3), grow=3, segment="smb")
    p = ms_partner("MS-08", "Small and medium customers", ms_people(6), cust)
    add("8", "the SMB path scores higher: the SMB total decides", "2024-06-15", p, ["Security"],
        values={f"pcs{sec}": "154/3", "pcs(security, smb)": 74})

    # 8b: enterprise 80 with no deployment; SMB 12 + 40 + 10 + 8 = 70
    cust = ms_customers("E", m365_adds=5, azure_adds=5, grow=5)
    cust += ms_customers("S", m365_adds=3, azure_adds=3, deploy=(0, 3), grow=2, segment="smb")
    p = ms_partner("MS-08b", "Higher total on a path that fails", ms_people(6), cust)
    add("8b", "enterprise totals more but lacks deployments; SMB qualifies: designated", "2024-06-15", p,
        ["Security"], values={f"pcs{sec}": 80, "pcs(security, smb)": 70})

    # 9: deployments 5 now, 2 a year earlier: net 3 = 10 points;
    # 8 + 40 + 10 + 8 = 66 (counting the 5 alone would give 72.67)
    p = ms_partner("MS-09", "Deployments a year earlier", ms_people(6),
                   ms_customers("C", m365_adds=4, deploy=(2, 5), grow=2))
    add("9", "deployments are net of the same month a year earlier", "2024-06-15", p, [],
        ms_not_designated(f"pcs{sec}"),
        {f"net_new_deployments{sec}": 3, f"deployment_points{sec}": 10, f"pcs{sec}": 66})

    # 11: an M365 customer that went from 0 to 30 seats in November 2022 is
    # no add at any checkpoint (its "year earlier" month is December 2022 at
    # the earliest); 10 + 40 + 10 + 8 = 68
    old = ms_customer("COLD", {"seats": 0}, {"seats": 30}, switch="2022-11")
    p = ms_partner("MS-11", "An old add", ms_people(6),
                   [old] + ms_customers("C", azure_adds=5, deploy=(0, 3), grow=2))
    add("11", "a customer added more than 12 months ago does not count", "2024-06-15", p, [],
        ms_not_designated(f"pcs{sec}"), {f"m365_net_adds{sec}": 0, f"pcs{sec}": 68})

    # 11b: the same customer going active in January 2023 is an add at the
    # January 2024 checkpoints (December 2023 against December 2022): 70
    new = ms_customer("CNEW", {"seats": 0}, {"seats": 30}, switch="2023-01")
    p = ms_partner("MS-11b", "An add inside the window", ms_people(6),
                   [new] + ms_customers("C", azure_adds=5, deploy=(0, 3), grow=2))
    add("11b", "an add within 12 months at a January checkpoint counts there", "2024-06-15", p,
        ["Security"], values={f"m365_net_adds{sec}": 0, f"pcs{sec}": 68})

    # 12: usage 777.7 -> 855.47 is exactly +10 %; 855.46 is not.
    # 12 + 40 + 10 + 8 = 70
    grow = [ms_customer(f"G{i}", {"usage": 777.7}, {"usage": 855.47}) for i in range(2)]
    grow.append(ms_customer("G2", {"usage": 777.7}, {"usage": 855.46}))
    p = ms_partner("MS-12", "Exactly ten percent", ms_people(6),
                   grow + ms_customers("C", m365_adds=3, azure_adds=3, deploy=(0, 3)))
    add("12", "usage growth of exactly +10 % earns the points", "2024-06-15", p, ["Security"],
        values={f"growing_customers{sec}": 2, f"usage_points{sec}": 8, f"pcs{sec}": 70})

    # 13: 76 points until one person's certification expires on 1 April
    # 2024, 69.33 after.  Scored on 15 June, the window opens on 1 January.
    certs = ms_people(5) + ms_people(1, prefix="x", expires="2024-04-01")
    p = ms_partner("MS-13", "Qualified in March", certs,
                   ms_customers("C", m365_adds=4, azure_adds=3, deploy=(0, 3), grow=3))
    add("13", "qualified in March, not in June, scored in June: designated", "2024-06-15", p,
        ["Security"], values={"skilled_people(security)": 5, f"pcs{sec}": "208/3"})
    # 13b: a score met until 9 April (the certification expires on the
    # 10th), scored on 15 September: the window opens on 1 April, the first
    # day of the fifth full calendar month before September (not "15 September
    # minus 5 months")
    certs_b = ms_people(5) + ms_people(1, prefix="x", expires="2024-04-10")
    p = ms_partner("MS-13b", "Qualified until 9 April, scored in September", certs_b,
                   ms_customers("C", m365_adds=4, azure_adds=3, deploy=(0, 3), grow=3, last="2024-09"))
    add("13b", "met until 9 April, scored on 15 September: the window opens on 1 April", "2024-09-15", p,
        ["Security"], values={f"pcs{sec}": "208/3"})
    # 13c: case 13's partner scored on 1 September: March is outside the window
    p = ms_partner("MS-13c", "Qualified in March, scored in September", certs,
                   ms_customers("C", m365_adds=4, azure_adds=3, deploy=(0, 3), grow=3, last="2024-09"))
    add("13c", "qualified in March, scored on 1 September: March is outside the window", "2024-09-01", p, [],
        ms_not_designated(f"pcs{sec}"), {f"pcs{sec}": "208/3"})

    # 14: 74 points in Security and in Modern Work; 14b: in all six areas
    areas = [("security", "SC-200"), ("modern_work", "MS-700"), ("business_applications", "PL-200"),
             ("data_ai", "DP-203"), ("infrastructure", "AZ-104"), ("digital_app_innovation", "AZ-204")]
    certs = ms_people(6, exam="SC-200") + ms_people(6, exam="MS-700")
    cust = ms_allround("S", 3, "security") + ms_allround("W", 3, "modern_work")
    p = ms_partner("MS-14", "Security and Modern Work", certs, cust)
    add("14", "designated in Security and Modern Work: holds both", "2024-06-15", p,
        ["Security", "Modern_Work"],
        {"Microsoft_Cloud": ["holds Business_Applications", "holds Data_AI", "holds Infrastructure",
                             "holds Digital_App_Innovation"]},
        {f"pcs{sec}": 74, "pcs(modern_work, enterprise)": 74})
    certs = [c for _, e in areas for c in ms_people(6, exam=e)]
    cust = [c for i, (a, _) in enumerate(areas) for c in ms_allround(f"A{i}-", 3, a)]
    p = ms_partner("MS-14b", "All six areas", certs, cust)
    add("14b", "designated in all six areas: holds Microsoft Cloud", "2024-06-15", p,
        ["Security", "Modern_Work", "Business_Applications", "Data_AI", "Infrastructure",
         "Digital_App_Innovation", "Microsoft_Cloud"])
    return T


def microsoft_profiles():
    """A small population for `tiervm eval --as-of 2024-06-15`."""
    P = []
    P.append(ms_partner("MSP-1", "Contoso Security",
                        ms_people(4) + ms_people(3, exam="SC-300", prefix="s"),
                        ms_customers("C", m365_adds=4, azure_adds=2, m365_losses=1, deploy=(1, 5), grow=4)))
    P.append(ms_partner("MSP-2", "Fabrikam", ms_people(3),
                        ms_customers("C", m365_adds=2, azure_adds=1, deploy=(0, 2), grow=2)))
    P.append(ms_partner("MSP-3", "Northwind (SMB)", ms_people(6),
                        ms_customers("E", m365_adds=1, grow=1)
                        + ms_customers("S", m365_adds=4, azure_adds=3, deploy=(0, 4), grow=3, segment="smb")))
    P.append(ms_partner("MSP-4", "Tailspin", ms_people(6) + ms_people(6, exam="MS-700", prefix="w"),
                        ms_allround("S", 3, "security") + ms_allround("W", 2, "modern_work")))
    P.append(ms_partner("MSP-5", "Woodgrove (lapsing)",
                        ms_people(5) + ms_people(1, prefix="x", expires="2024-03-15"),
                        ms_customers("C", m365_adds=4, azure_adds=3, deploy=(0, 3), grow=3)))
    P.append(ms_partner("MSP-6", "Adventure Works", [], []))
    return P


# ==========================================================================
# HubSpot Solutions Partner tiers
# ==========================================================================

HS_CERT = "Partner Certification"     # placeholder: the certification's name in the feed


def hs_agency(aid, name, portals, deals, country="US", joined="2019-03-01",
              cert=("2020-01-15", "2025-01-15")):
    certs = [] if cert is None else [{"name": HS_CERT, "earned": cert[0], "expires": cert[1]}]
    return {"id": aid, "name": name, "type": "agency", "country": country, "joined": joined,
            "certifications": certs, "portals": portals, "deals": deals}


def portal(pid, cents, apps, currency="USD", country="US"):
    return {"id": pid, "country": country, "currency": currency, "mrr": money(cents), "apps": apps}


def deal(did, cents, closed, currency="USD", country="US", line="marketing",
         sourced=False, line_since="2019-01-01"):
    return {"id": did, "country": country, "currency": currency,
            "line": line, "mrr": money(cents), "closed": closed, "partner_sourced": sourced,
            "line_since": line_since}


def hubspot_revenue_tests():
    T = []
    A = "2021-06-30"

    def add(case, title, profile, tier, nxt, unmet, values=None):
        expect = {"tier": tier, "next": nxt, "unmet": unmet}
        if values:
            expect["values"] = values
        T.append(test_line(f"{case}: {title}", expect, A, profile))

    gold_portals = [portal("P1", 300000, 3), portal("P2", 300000, 3)]
    gold_deals = [deal("D1", 100000, "2021-02-01"), deal("D2", 110000, "2021-05-01")]
    add("1", "exactly Gold's revenue numbers: Gold",
        hs_agency("HR-01", "Exactly Gold", gold_portals, gold_deals),
        "Gold", "Platinum", ["sold_mrr", "managed_mrr"], {"sold_mrr": 2100, "managed_mrr": 6000})
    add("2", "one cent short of Gold's sold MRR: Silver, gap USD 0.01",
        hs_agency("HR-02", "One cent short", gold_portals,
                  [deal("D1", 100000, "2021-02-01"), deal("D2", 109999, "2021-05-01")]),
        "Silver", "Gold", ["sold_mrr"], {"sold_mrr": 2099.99})
    add("3", "a growth-market agency at 50 % of Gold's numbers: Gold",
        hs_agency("HR-03", "Growth market", [portal("P1", 150000, 3, country="IN"),
                                             portal("P2", 150000, 3, country="IN")],
                  [deal("D1", 50000, "2021-02-01", country="IN"), deal("D2", 55000, "2021-05-01", country="IN")],
                  country="IN"),
        "Gold", "Platinum", ["sold_mrr", "managed_mrr"], {"sold_mrr": 1050, "managed_mrr": 3000})
    add("4", "Gold in euros: EUR 1,848 sold converts to USD 2,100",
        hs_agency("HR-04", "Euro agency", [portal("P1", 184800, 3, "EUR", "DE"), portal("P2", 390000, 3)],
                  [deal("D1", 184800, "2021-03-01", "EUR", "DE")], country="DE"),
        "Gold", "Platinum", ["sold_mrr", "managed_mrr"], {"sold_mrr": 2100, "managed_mrr": 6000})
    add("5", "two portals using 2 and 4 apps: median 3, qualifies",
        hs_agency("HR-05", "Median three", [portal("P1", 300000, 2), portal("P2", 300000, 4),
                                            portal("P3", 0, 0)], gold_deals),
        "Gold", "Platinum", ["sold_mrr", "managed_mrr"], {"median_apps": 3})
    add("6", "two portals using 1 and 4 apps: median 2.5, does not qualify",
        hs_agency("HR-06", "Median two and a half", [portal("P1", 300000, 1), portal("P2", 300000, 4)],
                  gold_deals),
        None, "Silver", ["median_apps"], {"median_apps": 2.5})
    add("7", "certification lapsed: no tier",
        hs_agency("HR-07", "Lapsed", gold_portals, gold_deals, cert=("2019-06-01", "2021-06-01")),
        None, "Silver", ["partner_certified"])
    add("8", "a customer sold 13 months ago counts as managed only",
        hs_agency("HR-08", "Old sale", gold_portals,
                  [deal("D1", 180000, "2021-03-01"), deal("D2", 50000, "2020-05-30")]),
        "Silver", "Gold", ["sold_mrr"], {"sold_mrr": 1800, "managed_mrr": 6000})
    add("8b", "a sale on the first day of the 12 months counts, one on the day before does not",
        hs_agency("HR-08b", "Window edges", gold_portals,
                  [deal("D1", 180000, "2021-03-01"), deal("D2", 30000, "2020-07-01"),
                   deal("D3", 5000, "2020-06-30")]),
        "Gold", "Platinum", ["sold_mrr", "managed_mrr"], {"sold_mrr": 2100})
    add("9", "Diamond",
        hs_agency("HR-09", "Diamond agency", [portal("P1", 2000000, 3), portal("P2", 3000000, 5)],
                  [deal("D1", 400000, "2020-09-01"), deal("D2", 600000, "2021-04-01")]),
        "Diamond", None, [], {"sold_mrr": 10000, "managed_mrr": 50000})
    add("15", "JPY 302,400 sold converts to USD 2,100: Gold",
        hs_agency("HR-15", "Yen agency", [portal("P1", 30240000, 3, "JPY", "JP"), portal("P2", 390000, 3)],
                  [deal("D1", 30240000, "2021-01-20", "JPY", "JP")], country="JP"),
        "Gold", "Platinum", ["sold_mrr", "managed_mrr"], {"sold_mrr": 2100})
    return T


def hubspot_points_tests():
    T = []
    A = "2024-06-30"
    recent = "2023-01-01"        # joined less than two years before A
    gold_unmet = ["sold_points", "total_points"]

    def add(case, title, profile, tier, nxt, unmet, values=None):
        expect = {"tier": tier, "next": nxt, "unmet": unmet}
        if values:
            expect["values"] = values
        T.append(test_line(f"{case}: {title}", expect, A, profile))

    six_k = [portal("P1", 300000, 3), portal("P2", 300000, 3)]
    gold = [deal("D1", 210000, "2024-01-10")]          # 63 sold points
    add("7", "certification lapsed: no tier",
        hs_agency("HP-07", "Lapsed", six_k, gold, cert=("2022-05-01", "2024-05-01")),
        None, "Partner", ["partner_certified"])
    add("8", "a customer sold 13 months ago counts as managed only",
        hs_agency("HP-08", "Old sale", six_k,
                  [deal("D1", 100000, "2024-03-01"), deal("D2", 210000, "2023-05-30")],
                  joined=recent),
        "Partner", "Gold", gold_unmet, {"sold_points": 30, "managed_points": 60})
    add("9", "Diamond",
        hs_agency("HP-09", "Diamond agency", [portal("P1", 2000000, 3), portal("P2", 3000000, 4)],
                  [deal("D1", 400000, "2023-09-01"), deal("D2", 600000, "2024-04-01")]),
        "Diamond", "Elite", gold_unmet, {"sold_points": 300, "total_points": 800})
    add("10", "a partner-sourced deal on a line first bought on 2024-02-27 earns 5 points per USD 100",
        hs_agency("HP-10", "New line", six_k,
                  [deal("D1", 126000, "2024-03-15", line="service", sourced=True, line_since="2024-02-27")],
                  joined=recent),
        "Gold", "Platinum", gold_unmet, {"sold_points": 63, "total_points": 123})
    add("11", "the same deal as an upsell of a line first bought in 2023 earns 3",
        hs_agency("HP-11", "Upsell", six_k,
                  [deal("D1", 126000, "2024-03-15", line="service", sourced=True, line_since="2023-05-10")],
                  joined=recent),
        "Partner", "Gold", gold_unmet, {"sold_points": 37.8, "total_points": 97.8})
    add("11b", "a new line the partner did not source earns 3",
        hs_agency("HP-11b", "Assisted", six_k,
                  [deal("D1", 126000, "2024-03-15", line="service", line_since="2024-03-15")],
                  joined=recent),
        "Partner", "Gold", gold_unmet, {"sold_points": 37.8})
    add("12", "a growth-market customer doubles the points",
        hs_agency("HP-12", "Growth customer", [portal("P1", 300000, 3, country="BR")],
                  [deal("D1", 105000, "2024-01-10", country="BR")], joined=recent),
        "Gold", "Platinum", gold_unmet, {"sold_points": 63, "managed_points": 60})
    small_p, small_d = [portal("P1", 100000, 3)], [deal("D1", 50000, "2024-02-01")]
    add("13", "joined one year ago with small numbers: Partner",
        hs_agency("HP-13", "Newcomer", small_p, small_d, joined="2023-06-30"),
        "Partner", "Gold", gold_unmet, {"sold_points": 15, "total_points": 25})
    add("14", "joined exactly two years ago without Gold: not listed (time is up that day)",
        hs_agency("HP-14", "Two years", small_p, small_d, joined="2022-06-30"),
        None, "Partner", ["new partner: joined within 2 years", "Gold: meets Gold"])
    add("14b", "joined one day less than two years ago: Partner",
        hs_agency("HP-14b", "Two years less a day", small_p, small_d, joined="2022-07-01"),
        "Partner", "Gold", gold_unmet)
    add("14c", "joined long ago and meets Gold: listed, as Gold",
        hs_agency("HP-14c", "Old hand", six_k, gold, joined="2016-02-01"),
        "Gold", "Platinum", gold_unmet)
    return T


def hubspot_profiles():
    """A small population for both models (`--as-of 2024-06-30`)."""
    return [
        hs_agency("HS-1", "Inbound Works", [portal("P1", 450000, 4), portal("P2", 220000, 3)],
                  [deal("D1", 150000, "2023-11-02"), deal("D2", 90000, "2024-05-20", sourced=True,
                                                         line="sales", line_since="2024-05-20")]),
        hs_agency("HS-2", "Agencia Crecer", [portal("P1", 2500000, 3, country="MX"), portal("P2", 90000, 5, country="MX")],
                  [deal("D1", 140000, "2024-02-01", country="MX")], country="MX"),
        hs_agency("HS-3", "Tokyo Growth", [portal("P1", 43200000, 3, "JPY", "JP"), portal("P2", 0, 0, "JPY", "JP")],
                  [deal("D1", 14400000, "2023-12-01", "JPY", "JP")], country="JP",
                  joined="2023-02-01"),
        hs_agency("HS-4", "Lapsed Ltd", [portal("P1", 500000, 2)], [deal("D1", 300000, "2024-01-01")],
                  country="GB", cert=("2021-01-01", "2023-01-01")),
        hs_agency("HS-5", "Sydney Digital", [portal("P1", 1540000, 6, "AUD", "AU"), portal("P2", 770000, 1, "AUD", "AU"),
                                             portal("P3", 308000, 3, "AUD", "AU")],
                  [deal("D1", 462000, "2024-04-01", "AUD", "AU", sourced=True, line_since="2024-04-01")],
                  country="AU"),
        hs_agency("HS-6", "Fresh Start", [portal("P1", 40000, 3)], [], joined="2024-01-15"),
    ]


# ==========================================================================
# Hilton Honors (2026 rules)
# ==========================================================================

def stays(first_check_in, count, nights, spend_cents, hotel="H"):
    """`count` stays back to back (one day between them) from
    `first_check_in`, with `nights` nights and `spend_cents` spread over
    them (the first stay takes the remainders)."""
    out, d = [], first_check_in
    for i in range(count):
        n = nights // count + (nights % count if i == 0 else 0)
        c = spend_cents // count + (spend_cents % count if i == 0 else 0)
        out_d = add_days(d, n)
        out.append({"hotel": f"{hotel}{i % 7}", "check_in": d, "check_out": out_d, "spend": money(c)})
        d = add_days(out_d, 1)
    return out


def yearly(years, nights, spend_cents):
    """One long stay in each of `years` (a lifetime's history)."""
    out = []
    for i, y in enumerate(years):
        n = nights // len(years) + (nights % len(years) if i == 0 else 0)
        c = spend_cents // len(years) + (spend_cents % len(years) if i == 0 else 0)
        out.append({"hotel": f"L{i}", "check_in": f"{y}-01-05", "check_out": add_days(f"{y}-01-05", n),
                    "spend": money(c)})
    return out


def member(mid, name, stay_list, history=()):
    return {"id": mid, "name": name, "type": "honors", "stays": stay_list,
            "status_history": [{"status": s, "qualified": q} for s, q in history]}


def hilton_tests():
    T = []
    three = ["nights: nights_this_year", "stays: stays_this_year", "spend: spend_this_year"]
    reserve = ["nights: nights_this_year", "stays: stays_this_year", "spend_this_year"]

    def add(case, title, as_of, profile, tier, nxt, unmet, granted=None, badges=None,
            badges_unmet=None, values=None):
        expect = {"tier": tier, "next": nxt, "unmet": unmet}
        if granted is not None:
            expect["granted"] = granted
        if badges is not None:
            expect["badges"] = badges
        if badges_unmet is not None:
            expect["badges_unmet"] = badges_unmet
        if values:
            expect["values"] = values
        T.append(test_line(f"{case}: {title}", expect, as_of, profile))

    Y = "2026-11-30"
    J = "2026-01-05"
    # every status, each path exactly at its threshold and every path just below
    add("S1", "no stays: Member", Y, member("HH-01", "No stays", []), "Member", "Silver", three)
    add("S2", "Silver by nights: 10 nights", Y, member("HH-02", "Ten nights", stays(J, 3, 10, 100000)),
        "Silver", "Gold", three, values={"nights_this_year": 10})
    add("S3", "just below Silver on every path: 9 nights, 3 stays, USD 2,499.99", Y,
        member("HH-03", "Almost Silver", stays(J, 3, 9, 249999)), "Member", "Silver", three)
    add("S4", "Silver by stays: 4 stays", Y, member("HH-04", "Four stays", stays(J, 4, 4, 40000)),
        "Silver", "Gold", three)
    add("S5", "Silver by spend: USD 2,500", Y, member("HH-05", "Silver spend", stays(J, 1, 2, 250000)),
        "Silver", "Gold", three)
    add("G1", "Gold by nights: 25 nights", Y, member("HH-06", "Gold nights", stays(J, 5, 25, 300000)),
        "Gold", "Diamond", three)
    add("G2", "just below Gold on every path: 24 nights, 14 stays, USD 5,999.99", Y,
        member("HH-07", "Almost Gold", stays(J, 14, 24, 599999)), "Silver", "Gold", three)
    add("G3", "Gold by stays: 15 stays", Y, member("HH-08", "Gold stays", stays(J, 15, 15, 150000)),
        "Gold", "Diamond", three)
    add("G4", "Gold by spend: USD 6,000", Y, member("HH-09", "Gold spend", stays(J, 2, 4, 600000)),
        "Gold", "Diamond", three)
    add("D1", "Diamond by nights: 50 nights", Y, member("HH-10", "Diamond nights", stays(J, 10, 50, 500000)),
        "Diamond", "Diamond_Reserve", reserve)
    add("D2", "just below Diamond on every path: 49 nights, 24 stays, USD 11,499.99", Y,
        member("HH-11", "Almost Diamond", stays(J, 24, 49, 1149999)), "Gold", "Diamond", three)
    add("D3", "Diamond by stays: 25 stays", Y, member("HH-12", "Diamond stays", stays(J, 25, 25, 250000)),
        "Diamond", "Diamond_Reserve", reserve)
    add("D4", "Diamond by spend: USD 11,500", Y, member("HH-13", "Diamond spend", stays(J, 3, 6, 1150000)),
        "Diamond", "Diamond_Reserve", reserve)
    add("R1", "Diamond Reserve by nights and spend: 80 nights, USD 18,000", Y,
        member("HH-14", "Reserve nights", stays(J, 20, 80, 1800000)), "Diamond_Reserve", None, [])
    add("R2", "Diamond Reserve by stays and spend: 40 stays, USD 18,000", Y,
        member("HH-15", "Reserve stays", stays(J, 40, 40, 1800000)), "Diamond_Reserve", None, [])
    add("R3", "80 nights but one cent short of USD 18,000: Diamond", Y,
        member("HH-16", "Reserve spend short", stays(J, 20, 80, 1799999)),
        "Diamond", "Diamond_Reserve", ["spend_this_year"])
    add("R4", "USD 20,000 but 79 nights in 39 stays: Diamond", Y,
        member("HH-17", "Reserve nights short", stays(J, 39, 79, 2000000)),
        "Diamond", "Diamond_Reserve", ["nights: nights_this_year", "stays: stays_this_year"])

    # the calendar year: a stay counts in the year of its check-out
    nine = stays("2026-10-01", 3, 9, 90000)
    add("Y1", "a stay checking out on 31 December counts for that year", "2026-12-31",
        member("HH-20", "Out on 31 December", nine + stays("2026-12-30", 1, 1, 10000, "N")),
        "Silver", "Gold", three, values={"nights_this_year": 10})
    add("Y2", "on 1 January the year starts again; the status earned stays", "2027-01-01",
        member("HH-21", "Out on 31 December, next day", nine + stays("2026-12-30", 1, 1, 10000, "N"),
               [("Silver", "2026-12-31")]),
        "Silver", "Gold", three, granted=True, values={"nights_this_year": 0})
    nye = stays("2026-12-31", 1, 1, 10000, "N")
    add("Y3", "a stay from 31 December to 1 January is not in the old year", "2026-12-31",
        member("HH-22", "New Year's Eve", nine + nye), "Member", "Silver", three,
        values={"nights_this_year": 9})
    add("Y4", "... it counts in the new year, with its check-out", "2027-01-31",
        member("HH-23", "New Year's Eve, January", nine + nye + stays("2027-01-10", 3, 9, 90000, "J")),
        "Silver", "Gold", three, granted=False, values={"nights_this_year": 10})

    # a status lasts through the next year and until the end of March after it
    add("C1", "Gold earned in 2025 still holds on 31 March 2027", "2027-03-31",
        member("HH-30", "Carried Gold", [], [("Gold", "2025-06-10")]),
        "Gold", "Diamond", three, granted=True)
    add("C2", "... and is gone on 1 April 2027", "2027-04-01",
        member("HH-31", "Carried Gold, April", [], [("Gold", "2025-06-10")]),
        "Member", "Silver", three, granted=False)
    add("C3", "a status earned this year above the carried one", Y,
        member("HH-32", "Earned above carried", stays(J, 10, 50, 500000), [("Gold", "2025-06-10")]),
        "Diamond", "Diamond_Reserve", reserve, granted=False)

    # Lifetime Diamond: 10 years of Diamond and 1,000 nights or USD 200,000
    ten = [("Diamond", f"{y}-04-01") for y in range(2010, 2020)]
    add("L1", "10 Diamond years and 1,000 nights: Lifetime Diamond, Diamond without a stay this year",
        "2026-06-30", member("HH-40", "Lifetime by nights", yearly(range(2010, 2020), 1000, 10000000), ten),
        "Diamond", "Diamond_Reserve", reserve, granted=True, badges=["Lifetime_Diamond"],
        values={"diamond_years": 10, "lifetime_nights": 1000})
    add("L2", "10 Diamond years, 900 nights and USD 200,000: Lifetime Diamond", "2026-06-30",
        member("HH-41", "Lifetime by spend", yearly(range(2010, 2019), 900, 20000000), ten),
        "Diamond", "Diamond_Reserve", reserve, granted=True, badges=["Lifetime_Diamond"],
        values={"lifetime_spend": 200000})
    nine_years = [("Diamond", f"{y}-04-01") for y in range(2011, 2020)] + [("Diamond", "2019-11-20")]
    add("L3", "9 Diamond years (one of them twice) and 1,000 nights: no lifetime status", "2026-06-30",
        member("HH-42", "Nine years", yearly(range(2010, 2020), 1000, 10000000), nine_years),
        "Member", "Silver", three, granted=False, badges=[],
        badges_unmet={"Lifetime_Diamond": ["diamond_years"]}, values={"diamond_years": 9})
    add("L4", "10 Diamond years, 999 nights and USD 199,999.99: no lifetime status", "2026-06-30",
        member("HH-43", "Almost lifetime", yearly(range(2010, 2020), 999, 19999999), ten),
        "Member", "Silver", three, badges=[],
        badges_unmet={"Lifetime_Diamond": ["nights: lifetime_nights", "spend: lifetime_spend"]})
    add("L5", "Lifetime Diamond who earns Diamond Reserve this year holds Diamond Reserve", Y,
        member("HH-44", "Lifetime and Reserve",
               yearly(range(2010, 2020), 1000, 10000000) + stays(J, 20, 80, 1800000), ten),
        "Diamond_Reserve", None, [], granted=False, badges=["Lifetime_Diamond"])
    return T


def hilton_profiles():
    """A small population for `tiervm eval --as-of 2026-11-30`."""
    return [
        member("HP-1", "Road warrior", stays("2026-01-12", 30, 62, 1350000)),
        member("HP-2", "Weekender", stays("2026-02-06", 12, 20, 310000)),
        member("HP-3", "Big spender", stays("2026-03-01", 6, 30, 2100000)),
        member("HP-4", "Last year's Diamond", stays("2026-05-01", 2, 3, 60000), [("Diamond", "2025-09-14")]),
        member("HP-5", "Lifetime Diamond", yearly(range(2008, 2020), 1100, 15000000),
               [("Diamond", f"{y}-05-01") for y in range(2008, 2020)]),
        member("HP-6", "Occasional guest", stays("2026-07-01", 1, 2, 38000)),
    ]


# ==========================================================================

def main():
    ms_head = [
        "Rule tests for microsoft-security.tier: one per worked case of the program",
        "(README.md gives the program and works each case by hand).",
        "Written by tests/tools/make_programs.py; checked against the independent",
        "oracle by tests/sh/programs-oracle.sh.  \"values\" is a proposed extension of",
        "the tests format (examples/programs/NOTES.md).",
    ]
    write_jsonl(os.path.join(OUT, "microsoft-security", "microsoft-security.tests"), ms_head, microsoft_tests())
    write_jsonl(os.path.join(OUT, "microsoft-security", "profiles.jsonl"), [], microsoft_profiles())
    hs_head = [
        "Rule tests for hubspot-{}.tier: the program's worked cases that concern the",
        "{} (README.md gives the program and works each by hand).",
        "Written by tests/tools/make_programs.py; checked against the independent",
        "oracle by tests/sh/programs-oracle.sh.",
    ]
    for model, what, tests in (("revenue", "revenue model (2018, growth markets from 2021)", hubspot_revenue_tests()),
                               ("points", "points model (from 2022-07-18)", hubspot_points_tests())):
        head = [hs_head[0].format(model), hs_head[1].format(what)] + hs_head[2:]
        write_jsonl(os.path.join(OUT, "hubspot", f"hubspot-{model}.tests"), head, tests)
    write_jsonl(os.path.join(OUT, "hubspot", "profiles.jsonl"), [], hubspot_profiles())
    hh_head = [
        "Rule tests for hilton-honors.tier: every status, each path at its threshold and",
        "just below, the calendar-year boundary, carried status and Lifetime Diamond",
        "(README.md works each by hand).  Written by tests/tools/make_programs.py;",
        "checked against the independent oracle by tests/sh/programs-oracle.sh.",
    ]
    write_jsonl(os.path.join(OUT, "hilton-honors", "hilton-honors.tests"), hh_head, hilton_tests())
    write_jsonl(os.path.join(OUT, "hilton-honors", "profiles.jsonl"), [], hilton_profiles())


if __name__ == "__main__":
    main()
