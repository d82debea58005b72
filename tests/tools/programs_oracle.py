#!/usr/bin/env python3
"""Independent oracle for the example programs in examples/programs/.

Each program is computed here straight from its description -- the text a
program manager is given, restated in each program's README, and for Hilton
the public facts its README cites -- in plain Python that
shares nothing with tierc or with the .tier files: no parser, no formulas,
only the program's arithmetic, with fractions.Fraction for every number (a
JSON number is read as the exact decimal it writes).

    programs_oracle.py eval PROGRAM --as-of DATE [--brief] [FILE...]
        one JSON result per profile: id, asof, tier, next, unmet (names of the
        next tier's failing requirements), granted, badges, badges_unmet and
        (without --brief) values: the numbers that decide, named as the rules
        name them, "p/q" where the decimal does not end.
    programs_oracle.py check TESTS...
        compare every expectation written in the .tests files (tier, next,
        unmet, granted, badges, badges_unmet, values) with the oracle's
        result for that profile; print each disagreement; exit 1 if any.

PROGRAM is microsoft-security, hubspot-revenue, hubspot-points or
hilton-honors; a .tests file's program is the stem of its name.

The names of requirements follow the rule-test conventions of SPEC 3.5:
the metric or formula call a requirement compares, `BRANCH: NAME` inside an
alternative, `at_any` for a failing "at any checkpoint" clause, and the rule
text where a requirement compares nothing (`holds Data_AI`).

Python 3 standard library only.
"""

import argparse
import calendar
import datetime
import json
import sys
from decimal import Decimal
from fractions import Fraction

# ---------------------------------------------------------------------------
# Numbers and dates
# ---------------------------------------------------------------------------


def exact(x):
    """A JSON number (int or Decimal as parsed) as a Fraction, exactly."""
    if isinstance(x, bool) or not isinstance(x, (int, Decimal)):
        raise ValueError(f"not a number: {x!r}")
    return Fraction(x)


def date(text):
    return datetime.date.fromisoformat(text)


def plus_months(d, k):
    """d + k months (k may be negative), the day clamped to the month's end."""
    total = d.year * 12 + (d.month - 1) + k
    y, m = divmod(total, 12)
    return datetime.date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def month_key(d):
    return (d.year, d.month)


def previous_month(d):
    """(year, month) of the calendar month before d's."""
    return month_key(plus_months(d.replace(day=1), -1))


def median(values):
    v = sorted(values)
    if not v:
        return None
    mid = len(v) // 2
    return v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2


def within(d, asof, months):
    """asof - N months < d <= asof (the first edition's `within`)."""
    return plus_months(asof, -months) < d <= asof


# ---------------------------------------------------------------------------
# Microsoft Solutions Partner designations (partner capability score)
# ---------------------------------------------------------------------------

MS_AREAS = ["security", "modern_work", "business_applications", "data_ai", "infrastructure",
            "digital_app_innovation"]
MS_BADGE = {"security": "Security", "modern_work": "Modern_Work",
            "business_applications": "Business_Applications", "data_ai": "Data_AI",
            "infrastructure": "Infrastructure", "digital_app_innovation": "Digital_App_Innovation"}
MS_PATHS = [("enterprise", "enterprise"), ("smb", "SMB")]        # segment, branch label
# Eligible intermediate certifications.  Security's are the program's; the
# others are placeholders, the same as the rules file's.
MS_EXAMS = {"SC-200": "security", "SC-300": "security", "SC-400": "security", "AZ-500": "security",
            "MS-500": "security",
            "MS-700": "modern_work", "MD-102": "modern_work",
            "PL-200": "business_applications", "MB-210": "business_applications",
            "DP-203": "data_ai", "AI-102": "data_ai",
            "AZ-104": "infrastructure", "AZ-800": "infrastructure",
            "AZ-204": "digital_app_innovation", "AZ-400": "digital_app_innovation"}


def ms_capped(per, n, cap):
    """`per` points for each one of n, never below 0, at most `cap`."""
    return min(max(n, 0) * per, cap)


class MsPartner:
    """One partner's facts, with the customers' monthly figures summed per
    calendar month (a month without a row has nothing)."""

    def __init__(self, p):
        self.certs = [(c["person"], c["exam"], date(c["earned"]),
                       date(c["expires"]) if c.get("expires") is not None else None)
                      for c in p.get("certifications", [])]
        self.customers = []
        for c in p.get("customers", []):
            sums = {}
            for r in c.get("months", []):
                k = month_key(date(r["month"]))
                s = sums.setdefault(k, [0, Fraction(0), 0, Fraction(0)])
                s[0] += r["seats"]
                s[1] += exact(r["azure"])
                s[2] += r["deployments"]
                s[3] += exact(r["usage"])
            self.customers.append((c["area"], c["segment"], sums))

    def people(self, area, day):
        """People holding an eligible certification of the area on that day."""
        return len({who for who, exam, earned, expires in self.certs
                    if MS_EXAMS.get(exam) == area and earned <= day and (expires is None or expires > day)})

    def measures(self, area, segment, day):
        """The path's counts on that day: the last complete calendar month
        against the same month a year earlier."""
        now = previous_month(day)
        then = (now[0] - 1, now[1])
        zero = [0, Fraction(0), 0, Fraction(0)]
        m365 = azure = deploy = growing = 0
        for a, s, sums in self.customers:
            if a != area or s != segment:
                continue
            b, n = sums.get(then, zero), sums.get(now, zero)
            # M365: from 0 to 25 or more paid seats is an add, the reverse a loss
            m365 += (b[0] == 0 and n[0] >= 25) - (n[0] == 0 and b[0] >= 25)
            # Azure: from under USD 25 to USD 100 or more a month, or the reverse
            azure += (b[1] < 25 and n[1] >= 100) - (n[1] < 25 and b[1] >= 100)
            deploy += n[2] - b[2]
            # usage at least 10 % above the same month a year earlier; a
            # customer without usage a year earlier has no growth rate
            if b[3] != 0 and n[3] / b[3] - 1 >= Fraction(1, 10):
                growing += 1
        return {"m365_net_adds": m365, "azure_net_adds": azure, "net_new_deployments": deploy,
                "growing_customers": growing}

    def score(self, area, segment, day):
        m = self.measures(area, segment, day)
        people = self.people(area, day)
        pts = {
            "performance_points": ms_capped(2, m["m365_net_adds"], 10) + ms_capped(2, m["azure_net_adds"], 10),
            "skilling_points": ms_capped(Fraction(40, 6), people, 40),
            "deployment_points": ms_capped(Fraction(20, 6), m["net_new_deployments"], 20),
            "usage_points": ms_capped(4, m["growing_customers"], 20),
        }
        pts["pcs"] = sum(pts.values())
        pts["skilled_people"] = people
        pts.update(m)
        return pts


def ms_path_failures(sc, area, segment):
    """Names of the path's requirements that fail: a score of 70 and one
    point in each of the four metrics."""
    call = f"({area}, {segment})"
    fails = []
    if sc["pcs"] < 70:
        fails.append(f"pcs{call}")
    for name in ("performance_points", "skilling_points", "deployment_points", "usage_points"):
        if sc[name] < 1:
            fails.append(f"{name}({area})" if name == "skilling_points" else f"{name}{call}")
    return fails


def ms_window(asof):
    """Every day of the current calendar month and the five full months
    before it, up to asof."""
    d = plus_months(asof.replace(day=1), -5)
    while d <= asof:
        yield d
        d += datetime.timedelta(days=1)


def ms_eval(p, asof):
    partner = MsPartner(p)
    badges, unmet, values = [], {}, {}
    for area in MS_AREAS:
        for segment, _ in MS_PATHS:
            sc = partner.score(area, segment, asof)
            for k, v in sc.items():
                values[f"{k}({area})" if k in ("skilling_points", "skilled_people") else f"{k}({area}, {segment})"] = v
        held = any(not ms_path_failures(partner.score(area, s, d), area, s)
                   for d in ms_window(asof) for s, _ in MS_PATHS)
        if held:
            badges.append(MS_BADGE[area])
        else:
            unmet[MS_BADGE[area]] = [f"{label}: {f}" for s, label in MS_PATHS
                                     for f in ms_path_failures(partner.score(area, s, asof), area, s)] + ["at_any"]
    cloud_missing = [f"holds {MS_BADGE[a]}" for a in MS_AREAS if MS_BADGE[a] not in badges]
    if cloud_missing:
        unmet["Microsoft_Cloud"] = cloud_missing
    else:
        badges.append("Microsoft_Cloud")
    return {"tier": None, "next": None, "unmet": [], "granted": False,
            "badges": badges, "badges_unmet": unmet, "values": values}


# ---------------------------------------------------------------------------
# HubSpot Solutions Partner tiers
# ---------------------------------------------------------------------------

HS_CERT = "Partner Certification"          # placeholder name, as in the rules
HS_PER_USD_100 = {"AUD": 154, "EUR": 88, "GBP": 74, "JPY": 14400, "USD": 100}
# Growth markets (hubspot.com/partners/partner-tiers): India, Latin America,
# North Asia and Southeast Asia, as ISO 3166-1 codes.
HS_GROWTH = set("IN CN MN KR BD BN KH HK ID LA MY MV MM NP PK PH LK SG TW TH TL VN".split()) | set(
    "AR BO BR CL CO CR CU DO EC SV GT HN MX NI PA PY PE PR UY VE".split())
HS_REVENUE = [("Silver", 1125, 1125), ("Gold", 2100, 6000), ("Platinum", 3750, 20000),
              ("Diamond", 10000, 50000)]
HS_POINTS = [("Gold", 63, 123), ("Platinum", 113, 313), ("Diamond", 300, 800), ("Elite", 1950, 3650)]
HS_NEW_LINE = datetime.date(2024, 2, 27)


def hs_usd(amount, currency):
    if currency not in HS_PER_USD_100:
        raise ValueError(f"unknown currency {currency!r}")
    return exact(amount) * 100 / HS_PER_USD_100[currency]


def hs_certified(p, asof):
    return any(c["name"] == HS_CERT and date(c["earned"]) <= asof < date(c["expires"])
               for c in p.get("certifications", []))


def hs_ladder(tiers):
    """tier, next and the next tier's failing requirement names from a list
    of (name, failing requirement names) in ladder order (cumulative)."""
    held = None
    for name, fails in tiers:
        if fails:
            return held, name, fails
        held = name
    return held, None, []


def hs_revenue_eval(p, asof):
    sold = sum((hs_usd(d["mrr"], d["currency"]) for d in p.get("deals", [])
                if within(date(d["closed"]), asof, 12)), Fraction(0))
    managed = sum((hs_usd(x["mrr"], x["currency"]) for x in p.get("portals", [])), Fraction(0))
    apps = median([Fraction(x["apps"]) for x in p.get("portals", []) if exact(x["mrr"]) > 0])
    share = Fraction(1, 2) if p["country"] in HS_GROWTH else Fraction(1)
    certified = hs_certified(p, asof)
    tiers = []
    for name, s, m in HS_REVENUE:
        fails = []
        if sold < s * share:
            fails.append("sold_mrr")
        if managed < m * share:
            fails.append("managed_mrr")
        if not certified:
            fails.append("partner_certified")
        if apps is None or apps < 3:
            fails.append("median_apps")
        tiers.append((name, fails))
    tier, nxt, unmet = hs_ladder(tiers)
    return {"tier": tier, "next": nxt, "unmet": unmet, "granted": False, "badges": [], "badges_unmet": {},
            "values": {"sold_mrr": sold, "managed_mrr": managed, "median_apps": apps}}


def hs_points_eval(p, asof):
    def doubled(country):
        return 2 if country in HS_GROWTH else 1

    sold = Fraction(0)
    for d in p.get("deals", []):
        if within(date(d["closed"]), asof, 12):
            rate = 5 if d["partner_sourced"] and date(d["line_since"]) >= HS_NEW_LINE else 3
            sold += hs_usd(d["mrr"], d["currency"]) / 100 * rate * doubled(d["country"])
    managed = sum((hs_usd(x["mrr"], x["currency"]) / 100 * doubled(x["country"])
                   for x in p.get("portals", [])), Fraction(0))
    total = sold + managed

    def own(s, t):
        return (["sold_points"] if sold < s else []) + (["total_points"] if total < t else [])

    # Partner: certified, and joined less than two years ago or meets Gold
    partner = [] if hs_certified(p, asof) else ["partner_certified"]
    new = within(date(p["joined"]), asof, 24)
    gold = own(*HS_POINTS[0][1:])
    if not new and gold:
        partner += ["new partner: joined within 2 years"] + [f"Gold: meets Gold"]
    tier, nxt, unmet = hs_ladder([("Partner", partner)] + [(n, own(s, t)) for n, s, t in HS_POINTS])
    return {"tier": tier, "next": nxt, "unmet": unmet, "granted": False, "badges": [], "badges_unmet": {},
            "values": {"sold_points": sold, "managed_points": managed, "total_points": total}}


# ---------------------------------------------------------------------------
# Hilton Honors (2026 rules)
# ---------------------------------------------------------------------------

HH_LADDER = ["Member", "Silver", "Gold", "Diamond", "Diamond_Reserve"]
HH_PATHS = {"Silver": (10, 4, 2500), "Gold": (25, 15, 6000), "Diamond": (50, 25, 11500)}


def hh_eval(p, asof):
    stays = [(date(s["check_in"]), date(s["check_out"]), exact(s["spend"])) for s in p.get("stays", [])]
    # a stay counts, whole, in the calendar year of its check-out
    year = [s for s in stays if s[1].year == asof.year and s[1] <= asof]
    nights = sum((o - i).days for i, o, _ in year)
    count = len(year)
    spend = sum((x for _, _, x in year), Fraction(0))

    def own(name):
        if name == "Member":
            return []
        if name == "Diamond_Reserve":
            fails = [] if nights >= 80 or count >= 40 else ["nights: nights_this_year", "stays: stays_this_year"]
            return fails + (["spend_this_year"] if spend < 18000 else [])
        n, s, usd = HH_PATHS[name]
        if nights >= n or count >= s or spend >= usd:
            return []
        return ["nights: nights_this_year", "stays: stays_this_year", "spend: spend_this_year"]

    earned = -1
    for i, name in enumerate(HH_LADDER):
        if own(name):
            break
        earned = i
    # a status holds from the day it is earned through the next calendar
    # year and until 31 March of the year after that
    rank = {n: i for i, n in enumerate(HH_LADDER)}
    history = [(rank[h["status"]], date(h["qualified"])) for h in p.get("status_history", [])]
    carried = max((r for r, q in history if q <= asof and asof <= datetime.date(q.year + 2, 3, 31)), default=-1)
    # Lifetime Diamond: 10 calendar years at Diamond (or above), and 1,000
    # nights or USD 200,000 of eligible spend since joining
    diamond_years = len({q.year for r, q in history if r >= rank["Diamond"] and q <= asof})
    done = [s for s in stays if s[1] <= asof]
    life_nights = sum((o - i).days for i, o, _ in done)
    life_spend = sum((x for _, _, x in done), Fraction(0))
    life_fails = ([] if diamond_years >= 10 else ["diamond_years"]) + (
        [] if life_nights >= 1000 or life_spend >= 200000 else ["nights: lifetime_nights", "spend: lifetime_spend"])
    granted = max(carried, rank["Diamond"] if not life_fails else -1)
    result = max(earned, granted)
    nxt = HH_LADDER[result + 1] if result + 1 < len(HH_LADDER) else None
    return {"tier": HH_LADDER[result] if result >= 0 else None, "next": nxt,
            "unmet": own(nxt) if nxt else [], "granted": granted > earned,
            "badges": [] if life_fails else ["Lifetime_Diamond"],
            "badges_unmet": {"Lifetime_Diamond": life_fails} if life_fails else {},
            "values": {"nights_this_year": nights, "stays_this_year": count, "spend_this_year": spend,
                       "diamond_years": diamond_years, "lifetime_nights": life_nights,
                       "lifetime_spend": life_spend}}


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------

PROGRAMS = {"microsoft-security": ms_eval, "hubspot-revenue": hs_revenue_eval,
            "hubspot-points": hs_points_eval, "hilton-honors": hh_eval}
TEST_KEYS = ("test", "expect", "as_of")


def records(path):
    """(line number, object) for each JSON line of a file; # lines and blank
    lines are comments.  Numbers are read exactly."""
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip() and not line.lstrip().startswith("#"):
                yield n, json.loads(line, parse_float=Decimal)


def show(v):
    """A value as JSON text: integers plainly, other fractions as decimals
    when they terminate, else as "p/q"."""
    if isinstance(v, Fraction):
        if v.denominator == 1:
            return v.numerator
        d = v.denominator
        for p in (2, 5):
            while d % p == 0:
                d //= p
        return float(v) if d == 1 and len(str(float(v))) < 18 else f"{v.numerator}/{v.denominator}"
    return v


def expected_number(v):
    """An expected value: a JSON number, or a string "p/q"."""
    if isinstance(v, str):
        return Fraction(v)
    return exact(v)


def compare(expect, got):
    """Disagreements between one test's expectations and the oracle's result."""
    bad = []
    for key in ("tier", "next", "granted"):
        if key in expect and expect[key] != got[key]:
            bad.append(f"{key}: expected {expect[key]!r}, oracle {got[key]!r}")
    for key in ("unmet", "badges"):
        if key in expect and sorted(expect[key]) != sorted(got[key]):
            bad.append(f"{key}: expected {sorted(expect[key])}, oracle {sorted(got[key])}")
    if "badges_unmet" in expect:
        for badge, names in expect["badges_unmet"].items():
            if sorted(names) != sorted(got["badges_unmet"].get(badge, [])):
                bad.append(f"badges_unmet[{badge}]: expected {sorted(names)}, "
                           f"oracle {sorted(got['badges_unmet'].get(badge, []))}")
    for name, v in expect.get("values", {}).items():
        if name not in got["values"]:
            bad.append(f"values: the oracle has no value named {name!r}")
        elif got["values"][name] is None or expected_number(v) != got["values"][name]:
            bad.append(f"values[{name}]: expected {v}, oracle {show(got['values'][name])}")
    return bad


def check(paths):
    failures = total = 0
    for path in paths:
        program = PROGRAMS[path.rsplit("/", 1)[-1].rsplit(".", 1)[0]]
        for n, t in records(path):
            total += 1
            profile = {k: v for k, v in t.items() if k not in TEST_KEYS}
            bad = compare(t["expect"], program(profile, date(t["as_of"])))
            if bad:
                failures += 1
                print(f"{path}:{n}: {t.get('test')}")
                for b in bad:
                    print(f"    {b}")
    print(f"{total - failures} of {total} tests agree with the oracle")
    return 1 if failures else 0


def evaluate(program, asof, paths, brief):
    fn = PROGRAMS[program]
    for path in paths or ["/dev/stdin"]:
        for _, p in records(path):
            r = fn(p, asof)
            if brief:
                del r["values"]
            else:
                r["values"] = {k: show(v) for k, v in sorted(r["values"].items())}
            print(json.dumps(dict({"id": p.get("id"), "asof": asof.isoformat()}, **r),
                             ensure_ascii=False, separators=(",", ":")))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", help="eval or check")
    ap.add_argument("args", nargs="*", help="eval: PROGRAM [FILE...]; check: TESTS...")
    ap.add_argument("--as-of", type=date, help="eval: the evaluation date of every profile")
    ap.add_argument("--brief", action="store_true", help="eval: leave the values out")
    a = ap.parse_intermixed_args()
    if a.what == "check" and a.args:
        return check(a.args)
    if a.what == "eval" and a.args and a.args[0] in PROGRAMS and a.as_of:
        return evaluate(a.args[0], a.as_of, a.args[1:], a.brief)
    ap.error("use: eval PROGRAM --as-of DATE [FILE...] or check TESTS... "
             f"(programs: {', '.join(sorted(PROGRAMS))})")


if __name__ == "__main__":
    sys.exit(main())
