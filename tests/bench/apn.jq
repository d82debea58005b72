# apn.jq - rules/apn-2019.tier as a jq program.  Reads partner profiles
# (JSON Lines or a stream of objects, SPEC section 5) and prints, per
# record, "id<TAB>tier<TAB>next" (next is "null" at the top).
# Dates stay strings: YYYY-MM-DD compares correctly as text.  Money is
# summed in integer cents.
#
#   jq -r -f tests/bench/apn.jq PROFILES.jsonl > out.tsv

def pad2: if . < 10 then "0\(.)" else "\(.)" end;

# "YYYY-MM-DD" - k months, clamped to the month's end
def minus_months($k):
  (.[0:4] | tonumber) as $y | (.[5:7] | tonumber) as $m | (.[8:10] | tonumber) as $d
  | ($y * 12 + $m - 1 - $k) as $t
  | ($t / 12 | floor) as $ny
  | ($t - $ny * 12 + 1) as $nm
  | ([31, (if ($ny % 4 == 0 and $ny % 100 != 0) or $ny % 400 == 0 then 29 else 28 end),
      31, 30, 31, 30, 31, 31, 30, 31, 30, 31][$nm - 1]) as $last
  | "\($ny)-\($nm | pad2)-\([$d, $last] | min | pad2)";

def cents: if . >= 0 then . * 100 | round else -(-. * 100 | round) end;
def isdate: type == "string";
def people: map(.person) | unique | length;

# the metrics of SPEC section 7 at date $t
def metrics($t):
  ($t | minus_months(12)) as $lo
  | def within: isdate and . > $lo and . <= $t;
  [.certifications[]? | select(.earned <= $t and ((.expires | isdate | not) or .expires > $t))] as $certs
  | [.accreditations[]? | select(.earned <= $t)] as $accs
  | [.opportunities[]? | select(.stage == "launched" and (.launched | isdate))] as $launched
  | [$launched[] | select(.launched | within)] as $recent
  | [.validations[]? | select(.earned <= $t and ((.expires | isdate | not) or .expires > $t)) | .program] as $vals
  | {
      foundational: ($certs | map(select(.level == "foundational")) | people),
      certified: ($certs | map(select(.level != "foundational")) | people),
      pro: ($certs | map(select(.level == "professional" or .level == "specialty")) | people),
      bacc: ($accs | map(select(.track == "business")) | people),
      tacc: ($accs | map(select(.track == "technical")) | people),
      opps: ($recent | length),
      mrr: ($recent | map(.mrr | cents) | add // 0),
      refs: ($launched | map(select(.public == true and .launched <= $t)) | length),
      vals: ($vals | map(select(. == "competency" or . == "msp" or . == "well_architected")) | length),
      techval: ($vals | any(. == "competency" or . == "technical_baseline_review")),
      csat: ([.csat[]? | select(.submitted | within)] | length),
      rev: ([.direct_revenue[]? | select(.month | within) | .amount | cents] | add // 0),
      ga: ([.products[]? | select((.ga | isdate) and .ga <= $t)] | length),
      reviewed: ([.products[]? | select((.ga | isdate) and .ga <= $t
                                        and (.baseline_review | isdate) and .baseline_review <= $t)] | length),
      bp: (.business_plan | within),
      er: (.executive_review | within),
      support: (.support == "business" or .support == "enterprise")
    };

def c_select: .bacc >= 2 and .tacc >= 2 and .foundational >= 2 and .certified >= 2
  and .opps >= 3 and .mrr >= 150000 and .refs >= 1 and .csat >= 5;
def c_advanced: .bacc >= 4 and .tacc >= 4 and .foundational >= 4 and .certified >= 6 and .pro >= 3
  and .opps >= 20 and .mrr >= 1000000 and .bp and .refs >= 2 and .csat >= 20;
def c_premier: .bacc >= 10 and .tacc >= 10 and .foundational >= 10 and .certified >= 25 and .pro >= 10
  and .opps >= 50 and .mrr >= 5000000 and .bp and .vals >= 3 and .er
  and .refs >= 6 and .csat >= 30;
def t_select: .certified >= 1 and (.opps >= 2 or .rev >= 500000) and .ga >= 1
  and .support and .refs >= 1 and .csat >= 2;
def t_advanced: .certified >= 3 and (.opps >= 10 or .rev >= 5000000) and .reviewed >= 1
  and .techval and .support and .refs >= 2 and .csat >= 10;

. as $p
| (if $p.renewal <= "2019-12-13" then "2019-12-13" else $p.renewal end) as $asof
| ($p | metrics($asof)) as $m
| (if $p.type == "technology" then
     ["Registered", "Select", "Advanced"] as $ladder
     | ($m | t_select) as $s
     | [$ladder, [true, $s, ($s and ($m | t_advanced))]]
   else
     ["Registered", "Select", "Advanced", "Premier"] as $ladder
     | ($m | c_select) as $s
     | ($s and ($m | c_advanced)) as $a
     | ($a and ($m | c_premier)
        # sustained 6 months: every requirement at asof - k months, k = 1..6
        and all(range(1; 7); . as $k | ($p | metrics($asof | minus_months($k))) as $mk
                             | ($mk | c_select) and ($mk | c_advanced) and ($mk | c_premier))) as $pr
     | [$ladder, [true, $s, $a, $pr]]
   end) as [$ladder, $held]
| (first(range(1; $ladder | length) | select($held[.] | not)) // ($ladder | length)) as $n
| [$p.id, $ladder[$n - 1], ($ladder[$n] // "null")] | @tsv
