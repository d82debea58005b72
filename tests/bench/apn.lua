-- apn.lua - rules/apn-2019.tier as a LuaJIT + lua-cjson script: the
-- fastest alternative a user has without tierc.  Reads partner profiles as
-- JSON Lines (SPEC section 5) and prints, per record, "id<TAB>tier<TAB>next"
-- (next is "null" at the top).  Dates stay strings: YYYY-MM-DD compares
-- correctly as text.  Money is summed in integer cents.
--
--   luajit tests/bench/apn.lua PROFILES.jsonl > out.tsv

-- The script branches a lot (many side traces): with LuaJIT's default trace
-- limits it flushes and recompiles all its traces several times per 20,000
-- records.  Larger limits are what a user tuning it would set.
if jit and jit.opt then jit.opt.start("maxtrace=10000", "maxmcode=16384") end

local cjson = require("cjson")
local decode = cjson.decode
local floor = math.floor
local format = string.format
local sub = string.sub
local tonumber = tonumber
local type = type

local DIM = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

-- d - k months, clamped to the month's end (2019-03-31 - 1 = 2019-02-28)
local function minus_months(d, k)
  local y, m, day = tonumber(sub(d, 1, 4)), tonumber(sub(d, 6, 7)), tonumber(sub(d, 9, 10))
  local t = y * 12 + (m - 1) - k
  local ny = floor(t / 12)
  local nm = t - ny * 12 + 1
  local last = DIM[nm]
  if nm == 2 and ((ny % 4 == 0 and ny % 100 ~= 0) or ny % 400 == 0) then last = 29 end
  if day > last then day = last end
  return format("%04d-%02d-%02d", ny, nm, day)
end

local function cents(x)
  if x >= 0 then return floor(x * 100 + 0.5) end
  return -floor(-x * 100 + 0.5)
end

local function isdate(d) return type(d) == "string" end

-- the metrics of SPEC section 7 at date t
local function metrics(p, t)
  local lo = minus_months(t, 12)
  local found, cert, pro, bacc, tacc = {}, {}, {}, {}, {}
  local nfound, ncert, npro, nbacc, ntacc = 0, 0, 0, 0, 0
  for _, c in ipairs(p.certifications or {}) do
    local e = c.expires
    if c.earned <= t and (not isdate(e) or e > t) then
      local lvl, who = c.level, c.person
      if lvl == "foundational" then
        if not found[who] then found[who] = true; nfound = nfound + 1 end
      else
        if not cert[who] then cert[who] = true; ncert = ncert + 1 end
        if (lvl == "professional" or lvl == "specialty") and not pro[who] then pro[who] = true; npro = npro + 1 end
      end
    end
  end
  for _, a in ipairs(p.accreditations or {}) do
    if a.earned <= t then
      local who = a.person
      if a.track == "business" then
        if not bacc[who] then bacc[who] = true; nbacc = nbacc + 1 end
      elseif not tacc[who] then tacc[who] = true; ntacc = ntacc + 1 end
    end
  end
  local opps, mrr, refs = 0, 0, 0
  for _, o in ipairs(p.opportunities or {}) do
    local d = o.launched
    if o.stage == "launched" and isdate(d) then
      if d > lo and d <= t then opps = opps + 1; mrr = mrr + cents(o.mrr) end
      if o.public == true and d <= t then refs = refs + 1 end
    end
  end
  local vals, techval = 0, false
  for _, v in ipairs(p.validations or {}) do
    local e = v.expires
    if v.earned <= t and (not isdate(e) or e > t) then
      local pg = v.program
      if pg == "competency" or pg == "msp" or pg == "well_architected" then vals = vals + 1 end
      if pg == "competency" or pg == "technical_baseline_review" then techval = true end
    end
  end
  local csat = 0
  for _, s in ipairs(p.csat or {}) do
    local d = s.submitted
    if d > lo and d <= t then csat = csat + 1 end
  end
  local rev = 0
  for _, r in ipairs(p.direct_revenue or {}) do
    local d = r.month
    if d > lo and d <= t then rev = rev + cents(r.amount) end
  end
  local ga, reviewed = 0, 0
  for _, pr in ipairs(p.products or {}) do
    local g = pr.ga
    if isdate(g) and g <= t then
      ga = ga + 1
      local b = pr.baseline_review
      if isdate(b) and b <= t then reviewed = reviewed + 1 end
    end
  end
  local bp, er = p.business_plan, p.executive_review
  local sup = p.support
  return {
    foundational = nfound, certified = ncert, pro = npro, bacc = nbacc, tacc = ntacc,
    opps = opps, mrr = mrr, refs = refs, vals = vals, techval = techval, csat = csat,
    rev = rev, ga = ga, reviewed = reviewed,
    bp = isdate(bp) and bp > lo and bp <= t,
    er = isdate(er) and er > lo and er <= t,
    support = sup == "business" or sup == "enterprise",
  }
end

local function c_select(m)
  return m.bacc >= 2 and m.tacc >= 2 and m.foundational >= 2 and m.certified >= 2
     and m.opps >= 3 and m.mrr >= 150000 and m.refs >= 1 and m.csat >= 5
end
local function c_advanced(m)
  return m.bacc >= 4 and m.tacc >= 4 and m.foundational >= 4 and m.certified >= 6 and m.pro >= 3
     and m.opps >= 20 and m.mrr >= 1000000 and m.bp and m.refs >= 2 and m.csat >= 20
end
local function c_premier(m)
  return m.bacc >= 10 and m.tacc >= 10 and m.foundational >= 10 and m.certified >= 25 and m.pro >= 10
     and m.opps >= 50 and m.mrr >= 5000000 and m.bp and m.vals >= 3 and m.er
     and m.refs >= 6 and m.csat >= 30
end
local function t_select(m)
  return m.certified >= 1 and (m.opps >= 2 or m.rev >= 500000) and m.ga >= 1
     and m.support and m.refs >= 1 and m.csat >= 2
end
local function t_advanced(m)
  return m.certified >= 3 and (m.opps >= 10 or m.rev >= 5000000) and m.reviewed >= 1
     and m.techval and m.support and m.refs >= 2 and m.csat >= 10
end

local CUTOFF = "2019-12-13"
local CONSULTING = {"Registered", "Select", "Advanced", "Premier"}
local TECHNOLOGY = {"Registered", "Select", "Advanced"}

local function evaluate(p)
  local asof = p.renewal <= CUTOFF and CUTOFF or p.renewal
  local m = metrics(p, asof)
  local ladder, held
  if p.type == "technology" then
    ladder = TECHNOLOGY
    local s = t_select(m)
    held = {true, s, s and t_advanced(m)}
  else
    ladder = CONSULTING
    local s = c_select(m)
    local a = s and c_advanced(m)
    local pr = a and c_premier(m)
    local k = 1
    while pr and k <= 6 do -- sustained 6 months
      local mk = metrics(p, minus_months(asof, k))
      pr = c_select(mk) and c_advanced(mk) and c_premier(mk)
      k = k + 1
    end
    held = {true, s, a, pr}
  end
  local top = 1
  while top < #ladder and held[top + 1] do top = top + 1 end
  return ladder[top], ladder[top + 1] or "null"
end

local out = io.stdout
out:setvbuf("full", 65536)
for line in io.lines(arg[1]) do
  if line:find("%S") then
    local p = decode(line)
    local tier, nxt = evaluate(p)
    out:write(p.id, "\t", tier, "\t", nxt, "\n")
  end
end
out:flush()
