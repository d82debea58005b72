#!/usr/bin/env python3
"""Generate examples/partners.jsonl: the example APN partner profiles.

Deterministic (fixed seeds, no clock), Python 3 standard library only.

    python3 tests/tools/make_partners.py              # writes examples/partners.jsonl
    python3 tests/tools/make_partners.py -o FILE      # writes FILE ('-' = stdout)
    python3 tests/tools/make_partners.py --check      # also checks every profile's
                                                      # 2019 tier against the oracle

Every profile is built on purpose: the table at the bottom (`PROFILES`) gives each
one its metric values (certified people, launched opportunities, MRR, ...) and the
boundary cases are hand-crafted there, each with a comment saying what it tests.
Around the counted facts the builder adds "noise" that must count for nothing at any
sustained checkpoint: long-expired certifications, open and lost opportunities,
launched opportunities older than 19 months (not public), old CSAT responses and
old direct-revenue months.

Review date (SPEC 7): 2019-12-13 if renewal <= 2019-12-13, else the renewal date.
Unless a comment says otherwise, counted facts are dated inside every 12-month
window of every sustained checkpoint (asof - 11 months .. asof - 7 months), and
held certifications were earned more than 7 months before asof and expire after it.
"""

import argparse
import calendar
import datetime
import json
import os
import random
import sys

D = datetime.date
REVIEW_CUTOFF = D(2019, 12, 13)


# ---------------------------------------------------------------------------
# dates (own copy, deliberately not imported from the oracle)
# ---------------------------------------------------------------------------

def months_back(d, k):
    """d - k months, clamped to the month's last day (negative k goes forward)."""
    total = d.year * 12 + d.month - 1 - k
    y, m = divmod(total, 12)
    return D(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def days(d, n):
    return d + datetime.timedelta(days=n)


def iso(d):
    return None if d is None else d.isoformat()


def money(cents):
    """Integer cents -> JSON number in currency units (1500, 1499.99)."""
    if cents % 100 == 0:
        return cents // 100
    return cents / 100  # repr() of the double is the 2-decimal text, exact in cents


# ---------------------------------------------------------------------------
# vocabulary
# ---------------------------------------------------------------------------

CERT_NAMES = {
    "foundational": ["Cloud Practitioner"],
    "associate": ["Solutions Architect - Associate", "Developer - Associate",
                  "SysOps Administrator - Associate"],
    "professional": ["Solutions Architect - Professional",
                     "DevOps Engineer - Professional"],
    "specialty": ["Security - Specialty", "Big Data - Specialty",
                  "Advanced Networking - Specialty", "Machine Learning - Specialty",
                  "Alexa Skill Builder - Specialty", "Database - Specialty"],
}
COMPETENCIES = ["Migration", "DevOps", "Data & Analytics", "Security", "SAP",
                "Machine Learning", "Storage", "Education", "Financial Services",
                "Healthcare", "IoT", "Digital Customer Experience"]
PROGRAM_NAMES = {"msp": "Managed Service Provider",
                 "well_architected": "Well-Architected Partner Program"}
PRODUCTS = ["Insight", "Gateway", "Vault", "Pipeline", "Monitor", "Ledger", "Beacon",
            "Relay", "Atlas", "Forge"]


class Profile:
    """One partner profile under construction."""

    def __init__(self, num, name, ptype, renewal, support="basic"):
        self.num = num
        self.id = "P-%04d" % num
        self.name = name
        self.type = ptype
        self.renewal = renewal
        self.asof = REVIEW_CUTOFF if renewal <= REVIEW_CUTOFF else renewal
        self.rng = random.Random(7919 * num + 17)
        self.certifications = []
        self.accreditations = []
        self.opportunities = []
        self.validations = []
        self.csat = []
        self.business_plan = None
        self.executive_review = None
        self.direct_revenue = []
        self.products = []
        self.support = support
        self.omit_empty = False  # drop empty lists and null optionals from the JSON
        self._people = 0
        self._opps = 0

    # -- small helpers -------------------------------------------------------
    def rand_date(self, lo, hi):
        """Uniform date in [lo, hi]."""
        return days(lo, self.rng.randint(0, (hi - lo).days))

    def safe_window(self):
        """Dates inside the 12-month window of every checkpoint asof - 0..6 months."""
        return days(months_back(self.asof, 11), 0), months_back(self.asof, 7)

    def new_person(self):
        self._people += 1
        return "e%d" % self._people

    def cert(self, person, level, earned, expires="default", name=None):
        if expires == "default":
            expires = None if self.rng.random() < 0.1 else months_back(earned, -36)
        self.certifications.append({
            "person": person,
            "name": name or self.rng.choice(CERT_NAMES[level]),
            "level": level, "earned": iso(earned), "expires": iso(expires)})

    def acc(self, person, track, earned):
        self.accreditations.append({"person": person, "track": track,
                                    "earned": iso(earned)})

    def opp(self, stage, launched, mrr_cents, public=False):
        self._opps += 1
        self.opportunities.append({
            "id": "O-%d-%03d" % (self.num, self._opps),
            "customer": "C-%04d" % self.rng.randint(1, 9999),
            "stage": stage, "launched": iso(launched), "mrr": money(mrr_cents),
            "public": public})

    def validation(self, program, name, earned, expires=None):
        self.validations.append({"program": program, "name": name,
                                 "earned": iso(earned), "expires": iso(expires)})

    def survey(self, submitted):
        self.csat.append({"submitted": iso(submitted),
                          "score": self.rng.choice([3, 4, 4, 5, 5, 5])})

    def revenue(self, month, cents):
        self.direct_revenue.append({"month": iso(month), "amount": money(cents)})

    def product(self, ga, baseline_review=None, name=None):
        self.products.append({"name": name or self.rng.choice(PRODUCTS),
                              "ga": iso(ga), "baseline_review": iso(baseline_review)})

    # -- counted facts ---------------------------------------------------------
    def knowledge(self, certified=0, pro=0, foundational=0, business=0, technical=0):
        """Distinct people holding certifications/accreditations at asof (and at
        every sustained checkpoint).  Some people hold several certifications or
        accreditation records (counted once in 2019, every record in 2018)."""
        lo, hi = months_back(self.asof, 30), months_back(self.asof, 8)
        certified_people = []
        for i in range(certified):
            p = self.new_person()
            certified_people.append(p)
            if i < pro:
                lvl = self.rng.choice(["professional", "specialty"])
                first, second = sorted([self.rand_date(lo, hi), self.rand_date(lo, hi)])
                if self.rng.random() < 0.5:  # came up through the associate exam
                    self.cert(p, "associate", first)
                self.cert(p, lvl, second)
                if self.rng.random() < 0.2:
                    self.cert(p, "specialty", self.rand_date(lo, hi))
            else:
                self.cert(p, "associate", self.rand_date(lo, hi))
                if self.rng.random() < 0.25:
                    self.cert(p, "associate", self.rand_date(lo, hi))
        # foundational: some certified people also hold Cloud Practitioner
        shared = min(foundational, certified // 2)
        for p in certified_people[:shared]:
            self.cert(p, "foundational", self.rand_date(lo, hi))
        for _ in range(foundational - shared):
            self.cert(self.new_person(), "foundational", self.rand_date(lo, hi))
        everyone = ["e%d" % i for i in range(1, self._people + 1)]
        for track, n in (("business", business), ("technical", technical)):
            holders = everyone[:n] if track == "technical" else everyone[::-1][:n]
            while len(holders) < n:
                holders.append(self.new_person())
            for p in holders:
                self.acc(p, track, self.rand_date(lo, hi))
                if self.rng.random() < 0.15:  # retook the accreditation
                    self.acc(p, track, self.rand_date(lo, hi))

    def launched(self, n, mrr_cents, public=0, window=None):
        """n launched opportunities inside the window, MRR summing to mrr_cents
        exactly; the first `public` of them are public references."""
        lo, hi = window or self.safe_window()
        weights = [self.rng.randint(50, 150) for _ in range(n)]
        parts = [mrr_cents * w // sum(weights) for w in weights]
        if n:
            parts[-1] += mrr_cents - sum(parts)
        for i in range(n):
            self.opp("launched", self.rand_date(lo, hi), parts[i], public=i < public)

    def surveys(self, n, window=None):
        lo, hi = window or self.safe_window()
        for _ in range(n):
            self.survey(self.rand_date(lo, hi))

    # -- noise: facts that count for nothing at any checkpoint ---------------
    def noise(self, expired=0, open_=0, lost=0, old=0, old_csat=0):
        for _ in range(expired):
            # earned 4-5 years ago, expired 3 years later: before asof - 9 months
            earned = self.rand_date(months_back(self.asof, 60), months_back(self.asof, 45))
            level = self.rng.choice(["associate", "professional", "foundational"])
            self.cert(self.new_person(), level, earned, months_back(earned, -36))
        for _ in range(open_):
            self.opp("open", None, self.rng.randint(20000, 900000))
        for _ in range(lost):
            self.opp("lost", None, self.rng.randint(20000, 400000),
                     public=self.rng.random() < 0.3)
        for _ in range(old):
            # launched 20-40 months ago, never public: outside every window
            self.opp("launched", self.rand_date(months_back(self.asof, 40),
                                                months_back(self.asof, 20)),
                     self.rng.randint(10000, 500000), public=False)
        for _ in range(old_csat):
            self.survey(self.rand_date(months_back(self.asof, 36), months_back(self.asof, 20)))

    def to_json(self):
        obj = {"id": self.id, "name": self.name, "type": self.type,
               "renewal": iso(self.renewal),
               "certifications": self.certifications,
               "accreditations": self.accreditations,
               "opportunities": self.opportunities,
               "validations": self.validations,
               "csat": self.csat,
               "business_plan": iso(self.business_plan),
               "executive_review": iso(self.executive_review),
               "direct_revenue": self.direct_revenue,
               "products": self.products,
               "support": self.support}
        if self.omit_empty:
            obj = {k: v for k, v in obj.items() if v not in (None, [])}
        return json.dumps(obj, ensure_ascii=False)


# ---------------------------------------------------------------------------
# building blocks for the usual tier levels
# ---------------------------------------------------------------------------

def consulting(num, name, renewal, certified, pro, foundational, business, technical,
               opps, mrr, refs, csat, plan=False, review=False, validations=0,
               noise=(2, 2, 1, 1, 2)):
    """A consulting profile with these metric values at asof (and, with the default
    dates, at every sustained checkpoint)."""
    p = Profile(num, name, "consulting", renewal,
                support=random.Random(num).choice(["basic", "developer", "business"]))
    p.knowledge(certified, pro, foundational, business, technical)
    p.launched(opps, mrr, public=refs)
    p.surveys(csat)
    lo, hi = p.safe_window()
    if plan:
        p.business_plan = p.rand_date(lo, hi)
    if review:
        p.executive_review = p.rand_date(lo, hi)
    programs = ["competency", "msp", "well_architected"]
    for i in range(validations):
        prog = programs[i % 3]
        p.validation(prog, COMPETENCIES[(num + i) % len(COMPETENCIES)]
                     if prog == "competency" else PROGRAM_NAMES[prog],
                     p.rand_date(months_back(p.asof, 30), months_back(p.asof, 8)),
                     None if prog == "competency" else months_back(p.asof, -14))
    expired, open_, lost, old, old_csat = noise
    p.noise(expired=expired, open_=open_, lost=lost, old=old, old_csat=old_csat)
    return p


def technology(num, name, renewal, certified, opps, revenue, ga=1, reviewed=0,
               validation=None, support="business", refs=0, csat=0,
               noise=(1, 2, 1, 1, 1)):
    """A technology profile with these metric values at asof.  revenue is the
    direct revenue (cents) in the 12 months, spread over monthly entries."""
    p = Profile(num, name, "technology", renewal, support=support)
    p.knowledge(certified=certified, pro=certified // 3)
    p.launched(opps, p.rng.randint(1000, 400000) * max(opps, 1), public=refs)
    p.surveys(csat)
    if revenue:
        p.monthly_revenue(revenue)
    lo, hi = months_back(p.asof, 30), months_back(p.asof, 3)
    for i in range(ga):
        g = p.rand_date(lo, hi)
        p.product(g, days(g, p.rng.randint(20, 60)) if i < reviewed else None)
    if validation:
        p.validation(validation, "Technical Baseline Review" if
                     validation == "technical_baseline_review" else
                     COMPETENCIES[num % len(COMPETENCIES)],
                     p.rand_date(months_back(p.asof, 20), months_back(p.asof, 2)))
    expired, open_, lost, old, old_csat = noise
    p.noise(expired=expired, open_=open_, lost=lost, old=old, old_csat=old_csat)
    return p


def _monthly_revenue(self, cents, months=12):
    """Direct revenue: the last `months` month-starts inside the window, summing to
    `cents` exactly, plus one older month (before the window) that must not count."""
    first = months_back(self.asof, 0).replace(day=1)
    starts = [months_back(first, k) for k in range(months)]
    starts = [s for s in starts if months_back(self.asof, 12) < s]
    weights = [self.rng.randint(60, 140) for _ in starts]
    parts = [cents * w // sum(weights) for w in weights]
    parts[0] += cents - sum(parts)
    for s, c in sorted(zip(starts, parts)):
        self.revenue(s, c)
    self.revenue(months_back(first, 13), self.rng.randint(100000, 900000))


Profile.monthly_revenue = _monthly_revenue

CONSULTING_NOISE_BIG = (6, 4, 3, 3, 4)


# ---------------------------------------------------------------------------
# the profiles.  EXPECT holds the 2019 tier each one was designed to get.
# ---------------------------------------------------------------------------

EXPECT = {}


def build():
    out = []

    def add(p, tier):
        EXPECT[p.id] = tier
        out.append(p)
        return p

    Y19 = D(2019, 12, 13)

    # ===================== consulting: Registered =====================
    # P-0001: a partner that just joined: one certification, one open opportunity.
    p = Profile(1, "Nimbus Starter LLC", "consulting", D(2019, 6, 1))
    p.cert(p.new_person(), "associate", D(2019, 5, 2), D(2022, 5, 2))
    p.cert(p.new_person(), "foundational", D(2019, 4, 20), D(2022, 4, 20))
    p.opp("open", None, 120000)
    add(p, "Registered")

    # P-0002 BOUNDARY: every Select requirement met, but the MRR of the 3 launched
    # opportunities is USD 1,499.99 -- one cent below 1,500.
    p = consulting(2, "Harbor Cloud Partners", D(2019, 9, 30), certified=3, pro=1,
                   foundational=2, business=2, technical=2, opps=3, mrr=149999,
                   refs=1, csat=6)
    add(p, "Registered")

    # P-0003 BOUNDARY: one person holds three certifications (associate,
    # professional, specialty) -- counted once: 1 certified individual < 2.
    # (2018 rules count the 3 records: Standard.)
    p = consulting(3, "Solo Architect Consulting", D(2019, 7, 15), certified=0, pro=0,
                   foundational=2, business=2, technical=2, opps=4, mrr=260000,
                   refs=1, csat=7)
    solo = p.new_person()
    p.cert(solo, "associate", D(2017, 3, 1), D(2020, 3, 1),
           name="Solutions Architect - Associate")
    p.cert(solo, "professional", D(2018, 2, 1), D(2021, 2, 1),
           name="Solutions Architect - Professional")
    p.cert(solo, "specialty", D(2018, 9, 1), D(2021, 9, 1), name="Security - Specialty")
    add(p, "Registered")

    # P-0004 BOUNDARY: two people with an associate certification, but one of them
    # expires on 2019-12-13 == asof, so it is not held: 1 certified individual.
    p = consulting(4, "Lapsed Certs Inc.", D(2019, 11, 1), certified=1, pro=0,
                   foundational=2, business=2, technical=2, opps=5, mrr=420000,
                   refs=2, csat=8)
    p.cert(p.new_person(), "associate", D(2016, 12, 13), D(2019, 12, 13),
           name="Developer - Associate")
    add(p, "Registered")

    # P-0005 BOUNDARY (windows, asof 2019-12-13): launched opportunities on
    # 2018-12-13 (exactly 12 months before: window open at the lower end, not
    # counted), 2019-12-13 (== asof: counted) and 2019-12-14 (after asof: not
    # counted) plus one ordinary one: 2 launched opportunities < 3.
    p = consulting(5, "Edge Window Systems", D(2019, 5, 20), certified=2, pro=1,
                   foundational=2, business=3, technical=2, opps=1, mrr=180000,
                   refs=1, csat=5)
    p.opp("launched", D(2018, 12, 13), 300000)
    p.opp("launched", D(2019, 12, 13), 90000)
    p.opp("launched", D(2019, 12, 14), 250000)
    add(p, "Registered")

    # ===================== consulting: Select =====================
    # P-0006 BOUNDARY: exactly on every Select threshold: 2 business, 2 technical,
    # 2 foundational, 2 certified individuals, 3 launched opportunities with MRR
    # exactly USD 1,500.00, 1 public reference, 5 CSAT responses.
    p = consulting(6, "Threshold Exact KK", D(2019, 8, 1), certified=2, pro=0,
                   foundational=2, business=2, technical=2, opps=3, mrr=150000,
                   refs=1, csat=5)
    add(p, "Select")

    # P-0007 BOUNDARY: companion of P-0005: the third launched opportunity is dated
    # 2018-12-14, one day after asof - 12 months, and counts: 3 launched.  Another
    # one launched 2020-01-15 (after asof) does not.
    p = consulting(7, "One Day Inside Ltd", D(2019, 4, 2), certified=2, pro=1,
                   foundational=3, business=2, technical=2, opps=2, mrr=140000,
                   refs=1, csat=6)
    p.opp("launched", D(2018, 12, 14), 30000)
    p.opp("launched", D(2020, 1, 15), 500000, public=True)
    add(p, "Select")

    # P-0008 BOUNDARY: exactly 2 certified individuals from 5 held certifications
    # (one person: associate + professional + specialty; another: two associate
    # certifications), each person counted once.
    p = consulting(8, "Double Cert Partners", D(2019, 10, 10), certified=0, pro=0,
                   foundational=2, business=2, technical=2, opps=6, mrr=480000,
                   refs=1, csat=9)
    a, b = p.new_person(), p.new_person()
    p.cert(a, "associate", D(2017, 6, 1), D(2020, 6, 1), name="Solutions Architect - Associate")
    p.cert(a, "professional", D(2018, 6, 1), D(2021, 6, 1),
           name="Solutions Architect - Professional")
    p.cert(a, "specialty", D(2019, 1, 15), D(2022, 1, 15), name="Big Data - Specialty")
    p.cert(b, "associate", D(2018, 3, 3), D(2021, 3, 3), name="Developer - Associate")
    p.cert(b, "associate", D(2018, 7, 7), D(2021, 7, 7),
           name="SysOps Administrator - Associate")
    add(p, "Select")

    # P-0009 BOUNDARY: Advanced-level on everything, but MRR of the 22 launched
    # opportunities is USD 9,999.99 -- one cent below Advanced's 10,000.
    p = consulting(9, "Almost Ten Thousand Corp", D(2019, 12, 1), certified=8, pro=4,
                   foundational=5, business=4, technical=5, opps=22, mrr=999999,
                   refs=3, csat=24, plan=True)
    add(p, "Select")

    # P-0010 BOUNDARY: Advanced-level on everything, but the business plan is dated
    # 2018-12-13, exactly 12 months before asof: not within 12 months.
    p = consulting(10, "Stale Plan Services", D(2019, 2, 14), certified=7, pro=3,
                   foundational=4, business=4, technical=4, opps=21, mrr=1250000,
                   refs=2, csat=20)
    p.business_plan = D(2018, 12, 13)
    add(p, "Select")

    # P-0011 BOUNDARY: Advanced-level, but only 2 professional/specialty people
    # (one below 3), although 6 certified individuals.
    p = consulting(11, "Associate Heavy Group", D(2019, 6, 30), certified=6, pro=2,
                   foundational=4, business=4, technical=4, opps=25, mrr=1800000,
                   refs=2, csat=22, plan=True)
    add(p, "Select")

    # P-0012: an ordinary Select partner with a Japanese name.
    p = consulting(12, "株式会社サンプル", D(2019, 9, 1), certified=4, pro=1,
                   foundational=3, business=2, technical=3, opps=8, mrr=420050,
                   refs=1, csat=11)
    add(p, "Select")

    # P-0013 BOUNDARY (end-of-month clamping): renewal 2020-02-29, so asof is
    # 2020-02-29 and asof - 12 months = 2019-02-28.  An opportunity launched
    # 2019-02-28 does not count; one launched 2019-03-01 does: 3 launched.
    # (365 days back would be 2019-03-01 and drop it: Registered.)
    p = consulting(13, "Leap Day Cloud", D(2020, 2, 29), certified=3, pro=1,
                   foundational=2, business=2, technical=2, opps=2, mrr=110000,
                   refs=1, csat=6)
    p.opp("launched", D(2019, 2, 28), 800000)
    p.opp("launched", D(2019, 3, 1), 45000)
    add(p, "Select")

    # P-0014: Select with a lot of noise: many lapsed certifications, open and lost
    # opportunities, old launched ones and old CSAT responses.
    p = consulting(14, "Legacy Datacenter Movers", D(2019, 11, 20), certified=5, pro=2,
                   foundational=2, business=3, technical=2, opps=12, mrr=730000,
                   refs=2, csat=14, noise=(14, 8, 6, 10, 9))
    add(p, "Select")

    # P-0015 BOUNDARY (public references): the only launched public opportunity
    # that counts was launched 2016-05-10 (no window for references); a public one
    # launched after asof (2019-12-20) and a public lost one do not: 1 reference.
    p = consulting(15, "Reference Keepers Co.", D(2019, 3, 1), certified=2, pro=1,
                   foundational=2, business=2, technical=2, opps=4, mrr=300000,
                   refs=0, csat=5)
    p.opp("launched", D(2016, 5, 10), 55000, public=True)
    p.opp("launched", D(2019, 12, 20), 75000, public=True)
    p.opp("lost", None, 90000, public=True)
    add(p, "Select")

    # ===================== consulting: Advanced =====================
    # P-0016 BOUNDARY: exactly on every Advanced threshold: 4/4/4, 6 certified,
    # 3 professional/specialty, 20 launched with MRR USD 10,000.00, plan, 2 refs,
    # 20 CSAT.
    p = consulting(16, "Exactly Advanced LLC", D(2019, 10, 31), certified=6, pro=3,
                   foundational=4, business=4, technical=4, opps=20, mrr=1000000,
                   refs=2, csat=20, plan=True)
    add(p, "Advanced")

    # P-0017 BOUNDARY: business plan dated 2018-12-14, one day inside the window.
    p = consulting(17, "Fresh Plan Partners", D(2019, 1, 31), certified=9, pro=4,
                   foundational=5, business=6, technical=5, opps=26, mrr=1540000,
                   refs=3, csat=25)
    p.business_plan = D(2018, 12, 14)
    add(p, "Advanced")

    # P-0018: an ordinary Advanced partner with a Japanese name.
    p = consulting(18, "日本クラウドインテグレーション株式会社", D(2019, 8, 20),
                   certified=14, pro=6, foundational=7, business=6, technical=8,
                   opps=34, mrr=2875025, refs=4, csat=26, plan=True,
                   validations=1, noise=CONSULTING_NOISE_BIG)
    add(p, "Advanced")

    # P-0019 BOUNDARY: Premier-level on everything but no executive business review.
    p = consulting(19, "No Exec Review Holdings", D(2019, 7, 1), certified=28,
                   pro=12, foundational=11, business=10, technical=12, opps=52,
                   mrr=6100000, refs=7, csat=33, plan=True, validations=3,
                   noise=(3, 2, 1, 1, 1))
    add(p, "Advanced")

    # P-0020 BOUNDARY (validations): Premier-level but only 2 active technical
    # validations: competency and msp count; well_architected expires 2019-12-13
    # == asof (not active); technical_baseline_review is not a consulting program.
    p = consulting(20, "Two Badges Cloud", D(2019, 9, 15), certified=26, pro=10,
                   foundational=10, business=11, technical=10, opps=51, mrr=5200000,
                   refs=6, csat=31, plan=True, review=True, validations=2,
                   noise=(3, 2, 1, 1, 1))
    p.validation("well_architected", "Well-Architected", D(2017, 12, 13), D(2019, 12, 13))
    p.validation("technical_baseline_review", "Technical Baseline Review",
                 D(2019, 2, 1), None)
    add(p, "Advanced")

    # P-0021 BOUNDARY: Premier-level but MRR USD 49,999.99, one cent below 50,000.
    p = consulting(21, "Penny Short Partners", D(2019, 4, 30), certified=30, pro=11,
                   foundational=12, business=10, technical=11, opps=55, mrr=4999999,
                   refs=8, csat=35, plan=True, review=True, validations=3,
                   noise=(2, 2, 1, 1, 1))
    add(p, "Advanced")

    # P-0022: an ordinary Advanced partner, renewal exactly 2019-12-13 (asof
    # 2019-12-13 by the first branch of the review rule).
    p = consulting(22, "Cutoff Day Consulting", D(2019, 12, 13), certified=10, pro=5,
                   foundational=6, business=5, technical=5, opps=27, mrr=2050000,
                   refs=3, csat=21, plan=True)
    add(p, "Advanced")

    # P-0023 BOUNDARY (review rule): renewal 2019-12-14 > 2019-12-13, so asof is
    # 2019-12-14.  The 20th launched opportunity is dated 2019-12-14 and counts
    # only because asof is the renewal date (asof 2019-12-13 would give 19).
    p = consulting(23, "Day After Systems", D(2019, 12, 14), certified=8, pro=3,
                   foundational=4, business=4, technical=4, opps=19, mrr=1300000,
                   refs=2, csat=20, plan=True)
    p.opp("launched", D(2019, 12, 14), 70000)
    add(p, "Advanced")

    # P-0024 BOUNDARY: Premier-level but 24 certified individuals (one below 25),
    # although they hold well over 25 certifications between them.
    p = consulting(24, "Many Certs Few People", D(2019, 10, 1), certified=24, pro=12,
                   foundational=10, business=10, technical=10, opps=50, mrr=5600000,
                   refs=6, csat=30, plan=True, review=True, validations=4,
                   noise=(2, 2, 1, 1, 1))
    for k in range(1, 8):  # second certifications for seven of the 24
        p.cert("e%d" % k, "specialty", D(2018, 10, k), D(2021, 10, k))
    add(p, "Advanced")

    # ===================== consulting: Premier =====================
    # P-0025 BOUNDARY: exactly on every Premier threshold, sustained: 10/10/10,
    # 25 certified, 10 professional/specialty, 50 launched with MRR USD 50,000.00,
    # plan, 3 validations, executive review, 6 refs, 30 CSAT -- all dated inside
    # every checkpoint's window.
    p = consulting(25, "Exactly Premier Inc.", D(2019, 11, 30), certified=25, pro=10,
                   foundational=10, business=10, technical=10, opps=50, mrr=5000000,
                   refs=6, csat=30, plan=True, review=True, validations=3,
                   noise=(2, 3, 1, 1, 1))
    add(p, "Premier")

    # P-0026: an ordinary Premier partner with a Japanese name.
    p = consulting(26, "さくらクラウドサービス株式会社", D(2019, 6, 15), certified=34,
                   pro=15, foundational=12, business=12, technical=14, opps=56,
                   mrr=7350000, refs=9, csat=38, plan=True, review=True, validations=4,
                   noise=(2, 2, 1, 0, 1))
    add(p, "Premier")

    # P-0027 BOUNDARY (sustained checkpoints computed directly from asof): renewal
    # 2020-05-31 so asof = 2020-05-31; the checkpoints are 2020-05-31, 04-30,
    # 03-31, 02-29, 01-31, 2019-12-31, 2019-11-30.  The 25th certified person
    # earned the certification on 2019-11-30, exactly the k = 6 checkpoint, so it
    # is held there.  (Stepping back one month at a time gives 2019-11-29 at
    # k = 6, where only 24 are certified: wrong answer Advanced.)
    p = consulting(27, "Direct Checkpoint Partners", D(2020, 5, 31), certified=24,
                   pro=10, foundational=10, business=10, technical=10, opps=53,
                   mrr=5400000, refs=6, csat=31, plan=True, review=True, validations=3,
                   noise=(2, 2, 1, 1, 1))
    p.cert(p.new_person(), "associate", D(2019, 11, 30), D(2022, 11, 30),
           name="Solutions Architect - Associate")
    add(p, "Premier")

    # P-0028 BOUNDARY: renewal 2019-03-01 (before 1 April: reviewed 2019-12-13);
    # the 25th certified person earned the certification on 2019-06-13, exactly
    # the k = 6 checkpoint (asof - 6 months): held there, Premier sustained.
    p = consulting(28, "Six Months Sharp Ltd", D(2019, 3, 1), certified=24, pro=11,
                   foundational=10, business=11, technical=10, opps=54, mrr=5300000,
                   refs=6, csat=32, plan=True, review=True, validations=3,
                   noise=(2, 2, 1, 1, 1))
    p.cert(p.new_person(), "professional", D(2019, 6, 13), D(2022, 6, 13),
           name="DevOps Engineer - Professional")
    add(p, "Premier")

    # ===================== consulting: Premier not sustained =====================
    # P-0029 BOUNDARY (sustained): Premier-level today, but 10 of the 25 certified
    # people (the last ten added) earned their certifications on 2019-09-13, 3
    # months before asof: at the checkpoints 2019-08-13 .. 2019-06-13 only 15 are
    # certified.  Advanced.
    p = consulting(29, "Recently Certified Corp", D(2019, 10, 15), certified=15,
                   pro=10, foundational=10, business=10, technical=10, opps=52,
                   mrr=5500000, refs=6, csat=30, plan=True, review=True, validations=3,
                   noise=(2, 2, 1, 1, 1))
    for _ in range(10):
        p.cert(p.new_person(), "associate", D(2019, 9, 13), D(2022, 9, 13))
    add(p, "Advanced")

    # P-0030 BOUNDARY (sustained, checkpoint computed directly): asof 2020-05-31;
    # 25 certified today, but one person's certification expired 2019-11-30 and
    # the renewal was earned 2019-12-01, so at the k = 6 checkpoint 2019-11-30
    # (expires > checkpoint is false) only 24 are certified.  Advanced.
    # (Stepping month by month gives 2019-11-29, where the old one is held.)
    p = consulting(30, "株式会社みらいソリューションズ", D(2020, 5, 31), certified=24,
                   pro=10, foundational=10, business=10, technical=10, opps=51,
                   mrr=5050000, refs=6, csat=30, plan=True, review=True, validations=3,
                   noise=(2, 2, 1, 1, 1))
    late = p.new_person()
    p.cert(late, "associate", D(2016, 11, 30), D(2019, 11, 30),
           name="SysOps Administrator - Associate")
    p.cert(late, "associate", D(2019, 12, 1), D(2022, 12, 1),
           name="SysOps Administrator - Associate")
    add(p, "Advanced")

    # ===================== technology: Registered =====================
    # P-0031: a technology partner that just joined; optional fields and empty
    # lists are absent from the JSON (SPEC 5: absent list = empty list).
    p = Profile(31, "Fresh ISV Labs", "technology", D(2019, 9, 9), support="basic")
    p.cert(p.new_person(), "associate", D(2019, 3, 3), D(2022, 3, 3))
    p.product(None, None, name="Prototype")
    p.omit_empty = True
    add(p, "Registered")

    # P-0032 BOUNDARY: Select-level on everything, but support is "developer".
    p = technology(32, "Developer Support Software", D(2019, 7, 7), certified=2,
                   opps=4, revenue=0, ga=1, support="developer", refs=1, csat=3)
    add(p, "Registered")

    # P-0033 BOUNDARY (the "or"): 1 launched opportunity (< 2) and direct revenue
    # USD 4,999.99 in 12 months (< 5,000): neither alternative holds.
    p = technology(33, "Almost Revenue Inc.", D(2019, 5, 5), certified=2, opps=1,
                   revenue=499999, ga=2, refs=1, csat=4)
    add(p, "Registered")

    # P-0034 BOUNDARY (GA product): one product not yet GA (ga null), another GA on
    # 2020-01-15, after asof: 0 GA products.
    p = technology(34, "株式会社プレビューソフト", D(2019, 10, 20), certified=3, opps=3,
                   revenue=0, ga=0, refs=1, csat=3, support="enterprise")
    p.product(None, None, name="Preview")
    p.product(D(2020, 1, 15), None, name="Launchpad")
    add(p, "Registered")

    # ===================== technology: Select =====================
    # P-0035 BOUNDARY: passes Select only through direct revenue: 1 launched
    # opportunity (< 2) but direct revenue exactly USD 5,000.00 in 12 months.
    p = technology(35, "Marketplace Direct Co.", D(2019, 8, 8), certified=1, opps=1,
                   revenue=500000, ga=1, refs=1, csat=2)
    add(p, "Select")

    # P-0036 BOUNDARY: exactly on every Select threshold through opportunities:
    # 1 certified individual, 2 launched, no direct revenue, 1 product GA on
    # 2019-12-13 == asof (ga <= asof holds), business support, 1 ref, 2 CSAT.
    p = technology(36, "Minimum Viable ISV", D(2019, 2, 2), certified=1, opps=2,
                   revenue=0, ga=0, refs=1, csat=2, noise=(0, 1, 0, 0, 0))
    p.product(Y19, None, name="Day One")
    add(p, "Select")

    # P-0037 BOUNDARY: Advanced-level, but no product passed a baseline review:
    # one has baseline_review null, the other's review is dated 2019-12-20, after
    # asof.
    p = technology(37, "Unreviewed Products Ltd", D(2019, 11, 11), certified=4, opps=12,
                   revenue=1200000, ga=1, reviewed=0, validation="competency",
                   refs=3, csat=12)
    p.product(D(2019, 4, 1), D(2019, 12, 20), name="Next")
    add(p, "Select")

    # P-0038 BOUNDARY: Advanced-level, but no active competency/baseline
    # validation: the competency expired 2019-06-30 and msp is not a technology
    # program.
    p = technology(38, "Expired Competency Tech", D(2019, 6, 6), certified=5, opps=14,
                   revenue=0, ga=2, reviewed=1, refs=2, csat=15, support="enterprise")
    p.validation("competency", "Security", D(2017, 6, 30), D(2019, 6, 30))
    p.validation("msp", "MSP", D(2019, 1, 10), None)
    add(p, "Select")

    # P-0039 BOUNDARY (direct revenue months): no launched opportunity; direct
    # revenue entries for 2018-12-01 (USD 9,000: month 2018-12-01 <= 2018-12-13,
    # outside the window) and 2019-01-01 .. 2019-12-01 summing to exactly
    # USD 5,000.00, including a refund of -250.00 and 600.00 in 2019-12-01.
    p = technology(39, "データプラットフォーム合同会社", D(2019, 12, 1), certified=2,
                   opps=0, revenue=0, ga=1, refs=0, csat=3)
    p.opp("launched", D(2017, 4, 4), 88000, public=True)
    p.revenue(D(2018, 12, 1), 900000)
    amounts = [41000, 38500, 45000, 39900, -25000, 52100, 47700, 44800, 40000,
               37000, 79000, 60000]
    for i, c in enumerate(amounts):
        p.revenue(D(2019, i + 1, 1), c)
    assert sum(amounts) == 500000
    add(p, "Select")

    # P-0040: an ordinary Select partner reviewed on its renewal 2020-03-15.
    p = technology(40, "Spring Renewal Software", D(2020, 3, 15), certified=2, opps=5,
                   revenue=310000, ga=2, refs=1, csat=6, support="enterprise")
    add(p, "Select")

    # ===================== technology: Advanced =====================
    # P-0041 BOUNDARY: exactly on every Advanced threshold: 3 certified, 10 launched,
    # 1 product with a baseline review, 1 active technical_baseline_review,
    # business support, 2 refs, 10 CSAT.
    p = technology(41, "Exactly Advanced Software", D(2019, 9, 19), certified=3,
                   opps=10, revenue=0, ga=1, reviewed=1,
                   validation="technical_baseline_review", refs=2, csat=10)
    add(p, "Advanced")

    # P-0042 BOUNDARY: Advanced through direct revenue exactly USD 50,000.00 with
    # only 3 launched opportunities (< 10).
    p = technology(42, "Usage Billing Corp", D(2019, 4, 4), certified=4, opps=3,
                   revenue=5000000, ga=2, reviewed=1, validation="competency",
                   refs=2, csat=11)
    add(p, "Advanced")

    # P-0043: an ordinary Advanced partner with a Japanese name.
    p = technology(43, "株式会社テックフォレスト", D(2019, 7, 31), certified=7, opps=18,
                   revenue=2400000, ga=3, reviewed=2, validation="competency",
                   refs=4, csat=16, support="enterprise")
    add(p, "Advanced")

    # P-0044: an Advanced partner with a lot of data.
    p = technology(44, "Observability Platform Inc.", D(2019, 10, 30), certified=12,
                   opps=38, revenue=12500000, ga=4, reviewed=3,
                   validation="technical_baseline_review", refs=6, csat=27,
                   noise=(6, 6, 4, 5, 5))
    add(p, "Advanced")

    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap.add_argument("-o", "--output", default=os.path.join(root, "examples", "partners.jsonl"))
    ap.add_argument("--check", action="store_true",
                    help="compare each profile's 2019 tier with tests/tools/apn_oracle.py")
    args = ap.parse_args(argv)
    profiles = build()
    text = "".join(p.to_json() + "\n" for p in profiles)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    if args.check:
        import io
        sys.dont_write_bytecode = True  # leave no __pycache__ in the tree
        sys.path.insert(0, here)
        import apn_oracle
        buf = io.StringIO()
        old = sys.stdin, sys.stdout
        sys.stdin, sys.stdout = io.StringIO(text), buf
        try:
            apn_oracle.main(["--rules", "2019"])
        finally:
            sys.stdin, sys.stdout = old
        bad = 0
        for line in buf.getvalue().splitlines():
            pid, _, _, tier, _ = line.split("\t")
            if EXPECT.get(pid) != tier:
                bad += 1
                print("%s: designed %s, oracle %s" % (pid, EXPECT.get(pid), tier),
                      file=sys.stderr)
        print("%d profiles, %d mismatches" % (len(profiles), bad), file=sys.stderr)
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
