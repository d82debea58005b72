#!/usr/bin/python3
"""The HTML report in real Chromium, driven through Selenium (WebDriver).

    report-browser.py OUTDIR PAGE.html...   check each page; screenshots go to OUTDIR
    report-browser.py --docs DIR PAGE.html  only the README's pictures: the top of the
                                            page at 1,280 and 390 px, into DIR

Each page is laid out at 1,280 px (a laptop) and at 390 px (a phone, with mobile
emulation, so the viewport tag must do its work) and must hold at both:

* nothing wider than the window: no element reaches past its right edge or
  before its left edge, the page does not scroll sideways, and no box with
  hidden overflow cuts its text;
* every chart (.chart) has an accessible name, as Chromium computes it, that
  gives its counts; and there are charts;
* the tier scale and the gap scale share no colour and differ in hue, and
  tiers darken up each ladder (ordinal); badges use neither scale's colours;
* the page asks for nothing but itself: every request Chromium makes is the
  file (or data:);
* the Japanese labels are drawn with a Japanese font, when the system has one
  (fontconfig's :lang=ja fonts), as Chromium reports the fonts it used.

Full-page screenshots of each page at both widths stay in OUTDIR.  Prints one
line per page; exits 1 with the reasons on the first page that fails.
"""

import colorsys
import json
import os
import subprocess
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

WIDTHS = {"1280": (1280, 800, False), "390": (390, 844, True)}

# What the page must not do or hold, checked in the DOM of each width.
LAYOUT_JS = r"""
const vw = document.documentElement.clientWidth, out = {vw: vw, inner: window.innerWidth,
  scroll: document.documentElement.scrollWidth, wide: [], clipped: []};
function name(el) {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  if (el.className && typeof el.className === 'string') s += '.' + el.className.trim().split(/\s+/).join('.');
  return s + ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
}
for (const el of document.querySelectorAll('body *')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  if (r.right > vw + 0.5 || r.left < -0.5) out.wide.push(name(el) + ' spans ' + r.left.toFixed(1) + '..' + r.right.toFixed(1));
  const cs = getComputedStyle(el);
  if (cs.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1)
    out.clipped.push(name(el) + ' holds ' + el.scrollWidth + ' px in ' + el.clientWidth);
}
return out;
"""

CHARTS_JS = r"""
const rgb = c => c.match(/\d+/g).slice(0, 3).map(Number);
return {
  tiers: [...document.querySelectorAll('.bars')].map(ch =>
    [...ch.querySelectorAll('.row')].map(r => ({label: r.querySelector('.lbl').textContent, none: r.classList.contains('none'),
      colour: rgb(getComputedStyle(r.querySelector('.bar')).backgroundColor)}))),
  gaps: [...document.querySelectorAll('.gap span')].map(s => ({text: s.textContent,
      colour: rgb(getComputedStyle(s).backgroundColor), clipped: s.scrollWidth > s.clientWidth + 1})),
  badges: [...document.querySelectorAll('.badges .bar')].map(b => rgb(getComputedStyle(b).backgroundColor)),
  pre: document.querySelectorAll('pre').length,
  sections: [...document.querySelectorAll('main > section')].map(s => s.id),
  text: document.body.innerText,
};
"""


def fail(page, why):
    print("FAIL: %s: %s" % (page, why))
    sys.exit(1)


def browser():
    opts = Options()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
              "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-default-apps", "--lang=en-US"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=opts)


def lay_out(drv, width, height, mobile):
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


def screenshot(drv, path, full):
    """A PNG of the page: all of it (full) or the window."""
    shot = {"format": "png"}
    if full:
        m = drv.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = m.get("cssContentSize") or m["contentSize"]
        shot.update(captureBeyondViewport=True,
                    clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})
    import base64
    with open(path, "wb") as f:
        f.write(base64.b64decode(drv.execute_cdp_cmd("Page.captureScreenshot", shot)["data"]))


def hue_light(c):
    h, l, s = colorsys.rgb_to_hls(*(v / 255 for v in c))
    return h * 360, l, s


def japanese_families():
    """The font families fontconfig says cover Japanese; empty if none."""
    try:
        out = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True, check=False).stdout
    except OSError:
        return set()
    return {f.strip() for line in out.splitlines() for f in line.split(",") if f.strip()}


def fonts_of(drv, text):
    """The platform fonts Chromium drew the element holding `text` with."""
    found = drv.execute_script(
        "const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);"
        "for (let n; (n = w.nextNode());) if (n.textContent.includes(arguments[0])) {"
        "  n.parentElement.setAttribute('data-probe', '1'); return true; } return false;", text)
    if not found:
        return None
    drv.execute_cdp_cmd("DOM.enable", {})
    drv.execute_cdp_cmd("CSS.enable", {})
    root = drv.execute_cdp_cmd("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = drv.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": "[data-probe]"})["nodeId"]
    fonts = drv.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return [f["familyName"] for f in fonts]


def requests_made(drv):
    urls = []
    for entry in drv.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    return urls


def check_colours(page, charts):
    tier_colours, gap_colours = set(), set()
    for chart in charts["tiers"]:
        ladder = [row["colour"] for row in chart if not row["none"]]  # the "no tier" row, in any language
        lights = [hue_light(c)[1] for c in ladder]
        if any(b >= a for a, b in zip(lights, lights[1:])):
            fail(page, "tier colours do not darken up the ladder: %s" % ladder)
        tier_colours.update(tuple(c) for c in ladder)
    for g in charts["gaps"]:
        gap_colours.add(tuple(g["colour"]))
        if not g["text"].strip().isdigit() or g["clipped"]:
            fail(page, "a gap box does not show its count: %r" % g)
    if not tier_colours or not gap_colours:
        fail(page, "no tier bars or no gap boxes to check")
    if tier_colours & gap_colours:
        fail(page, "the tier and the gap scales share colours %s" % (tier_colours & gap_colours))
    badge_colours = {tuple(c) for c in charts["badges"]}
    if badge_colours & (tier_colours | gap_colours):
        fail(page, "badges are drawn in a colour of a scale: %s" % (badge_colours & (tier_colours | gap_colours)))
    th = {round(hue_light(c)[0]) for c in tier_colours if hue_light(c)[2] > 0.2}
    gh = {round(hue_light(c)[0]) for c in gap_colours if hue_light(c)[2] > 0.2}
    near = min(min(abs(a - b), 360 - abs(a - b)) for a in th for b in gh)
    if near < 60:
        fail(page, "tier and gap hues are only %d degrees apart" % near)


def check_page(drv, page, outdir, ja_families):
    url = "file://" + os.path.abspath(page)
    base = os.path.splitext(os.path.basename(page))[0]
    for tag, (w, h, mobile) in WIDTHS.items():
        lay_out(drv, w, h, mobile)
        drv.get_log("performance")
        drv.get(url)
        lay = drv.execute_script(LAYOUT_JS)
        if lay["inner"] != w:
            fail(page, "at %d px the layout viewport is %d px wide (no viewport tag?)" % (w, lay["inner"]))
        if lay["wide"]:
            fail(page, "at %d px %d elements are wider than the window, e.g. %s" % (w, len(lay["wide"]), lay["wide"][:3]))
        if lay["scroll"] > lay["vw"]:
            fail(page, "at %d px the page scrolls sideways (%d px)" % (w, lay["scroll"]))
        if lay["clipped"]:
            fail(page, "at %d px boxes cut their text: %s" % (w, lay["clipped"][:3]))
        charts = drv.find_elements("css selector", ".chart")
        if not charts:
            fail(page, "no charts")
        for ch in charts:
            label = ch.accessible_name or ""
            if not any(d.isdigit() for d in label):
                fail(page, "a chart has no accessible name that gives its counts: %r" % label)
        others = [u for u in requests_made(drv) if not (u == url or u.startswith("data:"))]
        if others:
            fail(page, "the page asks for more than itself: %s" % others[:3])
        if ja_families:
            fonts = fonts_of(drv, "\u9867\u5ba2\u6e80\u8db3\u5ea6")  # 顧客満足度
            if fonts is not None:
                jp = {f for f in ja_families if "JP" in f} or ja_families
                if not set(fonts) & jp:
                    fail(page, "Japanese text drawn with %s, not a Japanese font (%s)" % (fonts, sorted(jp)[:4]))
        screenshot(drv, os.path.join(outdir, "%s-%s.png" % (base, tag)), True)
    check_colours(page, drv.execute_script(CHARTS_JS))
    return len(charts)


def main(argv):
    if len(argv) >= 3 and argv[0] == "--docs":
        drv = browser()
        try:
            for tag, (w, h, mobile) in WIDTHS.items():
                lay_out(drv, w, h, mobile)
                drv.get("file://" + os.path.abspath(argv[2]))
                screenshot(drv, os.path.join(argv[1], "report-%s.png" % tag), False)
        finally:
            drv.quit()
        return 0
    outdir, pages = argv[0], argv[1:]
    os.makedirs(outdir, exist_ok=True)
    ja = japanese_families()
    drv = browser()
    try:
        for page in pages:
            n = check_page(drv, page, outdir, ja)
            print("ok: %s at 1280 and 390 px: %d charts named, nothing wider than the window, no request but the page%s"
                  % (os.path.basename(page), n, ", Japanese font used" if ja else " (no Japanese font installed)"))
    finally:
        drv.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
