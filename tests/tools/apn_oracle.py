#!/usr/bin/env python3
"""Reference oracle for the shipped APN rulesets (SPEC section 7).

An independent, deliberately plain implementation of rules/apn-2019.tier and
rules/apn-2018.tier, written straight from the SPEC text and sharing no code
with tierc.  It exists to produce and check golden outputs.

Input: partner profiles as JSON Lines (SPEC section 5 shape), from files or
standard input.  Output: one line per record, in input order:

    id<TAB>type<TAB>asof<TAB>tier<TAB>next

where tier is the highest tier held and next the lowest tier not held (or
`null` at the top).  A record that does not have the SPEC section 5 shape
yields one line `#<record><TAB>error<TAB><id or null><TAB><path><TAB><message>`
and the other records are still evaluated (exit status 1).

Options:
    --rules 2019|2018   ruleset variant (default 2019)
    --as-of YYYY-MM-DD  evaluation date for every record (overrides the
                        review rule: 2019-12-13 if renewal <= 2019-12-13,
                        else the renewal date)
    --metrics           after each result line, print the metric values at
                        asof as a `#metrics` comment line (for hand checks)

Python 3 standard library only.
"""

import argparse
import calendar
import datetime
import json
import re
import signal
import sys
from decimal import Decimal

# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
REVIEW_CUTOFF = datetime.date(2019, 12, 13)


def parse_date(text):
    """Strict YYYY-MM-DD, real calendar date; raises ValueError."""
    if not isinstance(text, str) or not DATE_RE.match(text):
        raise ValueError("not a date (YYYY-MM-DD)")
    y, m, d = int(text[0:4]), int(text[5:7]), int(text[8:10])
    return datetime.date(y, m, d)  # raises ValueError on 2019-02-30


def minus_months(d, k):
    """d - k months with end-of-month clamping (2019-03-31 - 1 = 2019-02-28)."""
    total = d.year * 12 + (d.month - 1) - k
    y, m = divmod(total, 12)
    m += 1
    last = calendar.monthrange(y, m)[1]
    return datetime.date(y, m, min(d.day, last))


def within_12_months(d, asof):
    """`d within 12 months`: asof - 12 months < d <= asof; none is never within."""
    if d is None:
        return False
    return minus_months(asof, 12) < d <= asof


# ---------------------------------------------------------------------------
# Record validation (SPEC section 5) -- converts to Python values
# ---------------------------------------------------------------------------

LEVELS = ["foundational", "associate", "professional", "specialty"]
ENUMS = {
    "type": ["consulting", "technology"],
    "level": LEVELS,
    "track": ["business", "technical"],
    "stage": ["open", "launched", "lost"],
    "program": ["competency", "msp", "well_architected", "technical_baseline_review"],
    "support": ["basic", "developer", "business", "enterprise"],
}

# field kinds: "text", "int", "money", "bool", "date", "date?", ("enum", name)
SCHEMA_LISTS = {
    "certifications": [("person", "text"), ("name", "text"), ("level", ("enum", "level")),
                       ("earned", "date"), ("expires", "date?")],
    "accreditations": [("person", "text"), ("track", ("enum", "track")), ("earned", "date")],
    "opportunities": [("id", "text"), ("customer", "text"), ("stage", ("enum", "stage")),
                      ("launched", "date?"), ("mrr", "money"), ("public", "bool")],
    "validations": [("program", ("enum", "program")), ("name", "text"),
                    ("earned", "date"), ("expires", "date?")],
    "csat": [("submitted", "date"), ("score", "int")],
    "direct_revenue": [("month", "date"), ("amount", "money")],
    "products": [("name", "text"), ("ga", "date?"), ("baseline_review", "date?")],
}
SCHEMA_TOP = [("id", "text"), ("name", "text"), ("type", ("enum", "type")),
              ("renewal", "date"), ("business_plan", "date?"),
              ("executive_review", "date?"), ("support", ("enum", "support"))]
LIST_ORDER = ["certifications", "accreditations", "opportunities", "validations",
              "csat", "business_plan", "executive_review", "direct_revenue",
              "products", "support"]


class RecordError(Exception):
    def __init__(self, path, message):
        super().__init__(message)
        self.path = path
        self.message = message


def convert(value, kind, path, present):
    if kind == "date?":
        if not present or value is None:
            return None
        kind = "date"
    if not present:
        raise RecordError(path, "missing field")
    if kind == "text":
        if not isinstance(value, str):
            raise RecordError(path, "expected a string")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise RecordError(path, "expected an integer")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise RecordError(path, "expected true or false")
        return value
    if kind == "date":
        try:
            return parse_date(value)
        except ValueError:
            raise RecordError(path, "not a date (YYYY-MM-DD)") from None
    if kind == "money":
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            raise RecordError(path, "expected a number")
        cents = Decimal(value) * 100
        if cents != cents.to_integral_value():
            raise RecordError(path, "money must be exact in cents")
        return int(cents)  # integer cents
    if isinstance(kind, tuple) and kind[0] == "enum":
        allowed = ENUMS[kind[1]]
        if not isinstance(value, str) or value not in allowed:
            raise RecordError(path, "unknown %s value; allowed: %s"
                              % (kind[1], ", ".join(allowed)))
        return value
    raise AssertionError(kind)


def validate(obj):
    """Return a dict of converted values (dates as date, money as int cents)."""
    if not isinstance(obj, dict):
        raise RecordError("$", "expected an object")
    rec = {}
    for name, kind in SCHEMA_TOP:
        rec[name] = convert(obj.get(name), kind, "$." + name, name in obj)
    for lname, fields in SCHEMA_LISTS.items():
        if lname not in obj:
            rec[lname] = []
            continue
        items = obj[lname]
        if not isinstance(items, list):
            raise RecordError("$." + lname, "expected a list")
        out = []
        for i, item in enumerate(items):
            ipath = "$.%s[%d]" % (lname, i)
            if not isinstance(item, dict):
                raise RecordError(ipath, "expected an object")
            row = {}
            for fname, kind in fields:
                row[fname] = convert(item.get(fname), kind, ipath + "." + fname,
                                     fname in item)
            out.append(row)
        rec[lname] = out
    return rec


# ---------------------------------------------------------------------------
# Metrics (SPEC section 7 definitions), evaluated at one date `t`
# ---------------------------------------------------------------------------

def held_cert(c, t):
    return c["earned"] <= t and (c["expires"] is None or c["expires"] > t)


def active_validation(v, t):
    return v["earned"] <= t and (v["expires"] is None or v["expires"] > t)


def knowledge_count(rows, rules):
    """2019 counts distinct people; 2018 counts the records themselves."""
    if rules == "2019":
        return len({r["person"] for r in rows})
    return len(rows)


def metrics(rec, t, rules):
    m = {}
    certs = [c for c in rec["certifications"] if held_cert(c, t)]
    accs = [a for a in rec["accreditations"] if a["earned"] <= t]
    m["certified"] = knowledge_count(
        [c for c in certs if LEVELS.index(c["level"]) >= LEVELS.index("associate")],
        rules)
    m["pro_specialty"] = knowledge_count(
        [c for c in certs if c["level"] in ("professional", "specialty")], rules)
    m["foundational"] = knowledge_count(
        [c for c in certs if c["level"] == "foundational"], rules)
    m["business_acc"] = knowledge_count(
        [a for a in accs if a["track"] == "business"], rules)
    m["technical_acc"] = knowledge_count(
        [a for a in accs if a["track"] == "technical"], rules)

    launched = [o for o in rec["opportunities"]
                if o["stage"] == "launched" and within_12_months(o["launched"], t)]
    m["launched_opps"] = len(launched)
    m["mrr_cents"] = sum(o["mrr"] for o in launched)
    m["public_refs"] = len([o for o in rec["opportunities"]
                            if o["stage"] == "launched" and o["public"]
                            and o["launched"] is not None and o["launched"] <= t])
    m["csat"] = len([s for s in rec["csat"] if within_12_months(s["submitted"], t)])
    m["business_plan"] = within_12_months(rec["business_plan"], t)
    m["executive_review"] = within_12_months(rec["executive_review"], t)
    m["consulting_validations"] = len(
        [v for v in rec["validations"]
         if v["program"] in ("competency", "msp", "well_architected")
         and active_validation(v, t)])
    m["technology_validations"] = len(
        [v for v in rec["validations"]
         if v["program"] in ("competency", "technical_baseline_review")
         and active_validation(v, t)])
    m["direct_revenue_cents"] = sum(d["amount"] for d in rec["direct_revenue"]
                                    if within_12_months(d["month"], t))
    m["ga_products"] = len([p for p in rec["products"]
                            if p["ga"] is not None and p["ga"] <= t])
    m["reviewed_products"] = len(
        [p for p in rec["products"]
         if p["ga"] is not None and p["ga"] <= t
         and p["baseline_review"] is not None and p["baseline_review"] <= t])
    m["business_support"] = rec["support"] in ("business", "enterprise")
    return m


# ---------------------------------------------------------------------------
# Tier requirements (the SPEC 7 table), given the metrics at one date
# ---------------------------------------------------------------------------

def usd(n):
    return n * 100  # whole dollars -> cents


def consulting_select(m):
    return (m["business_acc"] >= 2 and m["technical_acc"] >= 2
            and m["foundational"] >= 2 and m["certified"] >= 2
            and m["launched_opps"] >= 3 and m["mrr_cents"] >= usd(1500)
            and m["public_refs"] >= 1 and m["csat"] >= 5)


def consulting_advanced(m):
    return (m["business_acc"] >= 4 and m["technical_acc"] >= 4
            and m["foundational"] >= 4 and m["certified"] >= 6
            and m["pro_specialty"] >= 3
            and m["launched_opps"] >= 20 and m["mrr_cents"] >= usd(10000)
            and m["business_plan"]
            and m["public_refs"] >= 2 and m["csat"] >= 20)


def consulting_premier_now(m):
    return (m["business_acc"] >= 10 and m["technical_acc"] >= 10
            and m["foundational"] >= 10 and m["certified"] >= 25
            and m["pro_specialty"] >= 10
            and m["launched_opps"] >= 50 and m["mrr_cents"] >= usd(50000)
            and m["business_plan"]
            and m["consulting_validations"] >= 3
            and m["executive_review"]
            and m["public_refs"] >= 6 and m["csat"] >= 30)


def technology_select(m):
    return (m["certified"] >= 1
            and (m["launched_opps"] >= 2 or m["direct_revenue_cents"] >= usd(5000))
            and m["ga_products"] >= 1 and m["business_support"]
            and m["public_refs"] >= 1 and m["csat"] >= 2)


def technology_advanced(m):
    return (m["certified"] >= 3
            and (m["launched_opps"] >= 10 or m["direct_revenue_cents"] >= usd(50000))
            and m["reviewed_products"] >= 1
            and m["technology_validations"] >= 1
            and m["business_support"]
            and m["public_refs"] >= 2 and m["csat"] >= 10)


def evaluate(rec, asof, rules):
    """Return (tier, next) names for one validated record at asof."""
    second = "Select" if rules == "2019" else "Standard"
    m = metrics(rec, asof, rules)
    if rec["type"] == "technology":
        ladder = ["Registered", second, "Advanced"]
        held = [True, technology_select(m), False]
        held[2] = held[1] and technology_advanced(m)
    else:
        ladder = ["Registered", second, "Advanced", "Premier"]
        held = [True, consulting_select(m), False, False]
        held[2] = held[1] and consulting_advanced(m)
        if held[2] and consulting_premier_now(m):
            # sustained 6 months: Premier's and the lower tiers' requirements at
            # every checkpoint asof - k months, k = 0..6, each computed directly
            # from asof, metrics (and their 12-month windows) evaluated afresh.
            sustained = True
            for k in range(0, 7):
                cp = minus_months(asof, k)
                mk = metrics(rec, cp, rules)
                if not (consulting_select(mk) and consulting_advanced(mk)
                        and consulting_premier_now(mk)):
                    sustained = False
                    break
            held[3] = sustained
    # cumulative: the highest tier of the unbroken run of held tiers
    top = 0
    while top + 1 < len(ladder) and held[top + 1]:
        top += 1
    tier = ladder[top]
    nxt = ladder[top + 1] if top + 1 < len(ladder) else None
    return tier, nxt, m


def review_date(rec):
    if rec["renewal"] <= REVIEW_CUTOFF:
        return REVIEW_CUTOFF
    return rec["renewal"]


def fmt_metrics(m):
    parts = []
    for k in sorted(m):
        v = m[k]
        if k.endswith("_cents"):
            parts.append("%s=%d.%02d" % (k[:-6], v // 100, v % 100) if v >= 0
                         else "%s=-%d.%02d" % (k[:-6], (-v) // 100, (-v) % 100))
        else:
            parts.append("%s=%s" % (k, v))
    return " ".join(parts)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rules", choices=["2018", "2019"], default="2019")
    ap.add_argument("--as-of", dest="as_of")
    ap.add_argument("--metrics", action="store_true")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args(argv)
    if hasattr(signal, "SIGPIPE") and __name__ == "__main__":
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet under `| head`
    fixed = None
    if args.as_of is not None:
        try:
            fixed = parse_date(args.as_of)
        except ValueError:
            ap.error("--as-of: not a date (YYYY-MM-DD): %s" % args.as_of)

    streams = [open(f, encoding="utf-8") for f in args.files] or [sys.stdin]
    out = sys.stdout
    status = 0
    record = 0
    for stream in streams:
        for line in stream:
            if not line.strip():
                continue
            record += 1
            rid = None
            try:
                try:
                    obj = json.loads(line, parse_float=Decimal)
                except ValueError as e:
                    raise RecordError("", "malformed JSON: %s" % e) from None
                if isinstance(obj, dict) and isinstance(obj.get("id"), str):
                    rid = obj["id"]
                rec = validate(obj)
            except RecordError as e:
                status = 1
                out.write("#%d\terror\t%s\t%s\t%s\n"
                          % (record, rid if rid is not None else "null", e.path, e.message))
                continue
            asof = fixed if fixed is not None else review_date(rec)
            tier, nxt, m = evaluate(rec, asof, args.rules)
            out.write("%s\t%s\t%s\t%s\t%s\n" % (rec["id"], rec["type"], asof.isoformat(),
                                                tier, nxt if nxt is not None else "null"))
            if args.metrics:
                out.write("#metrics\t%s\t%s\n" % (rec["id"], fmt_metrics(m)))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
