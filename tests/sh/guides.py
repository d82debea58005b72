#!/usr/bin/env python3
"""Run the shell sessions of a Markdown guide and compare what they print.

usage: guides.py [--lang ja] [--keep] [--update] FILE.md...

The conventions (docs/guide.md, "Before you start", says them to readers;
tests/sh/guides.sh runs this on docs/guide.md, docs/guide.ja.md, README.md):

* A fenced block marked ```console is a session: a line starting with "$ "
  is a command, run by sh from a scratch directory that holds the tree's
  bin/, rules/, examples/, tests/ and docs/ (so relative paths read the
  tree and what a command writes lands in the scratch); the lines after it,
  up to the next "$ " or the end of the block, are what it must print
  (stdout and stderr together).  `echo $?` prints the previous command's
  exit status.  Any other block (```tier, ```text, plain ```) is not run.
* In a shown output, a line that is just "..." stands for any number of
  lines (none too), and a line that ends in " ..." for one line starting
  with the text before it.
* /tmp/guide is written _tmp/guide (a path as long, under the scratch
  directory), so that two runs at once cannot meet and the file sizes the
  tools print (a bytecode file records its source's path) stay the same.
* Comments that a reader does not see drive what a reader does by hand:
    <!-- guide-test: run CMD -->        run CMD (an edit made in an editor);
                                        it must exit 0, its output is unread
    <!-- guide-test: file NAME -->      the next fenced block is the content
                                        of the file NAME (the reader writes it)
    <!-- guide-test: varies REGEX -->   from here to the end of the file, text
                                        matching REGEX (a Python regular
                                        expression) in shown and actual
                                        output is the same (a key's
                                        fingerprint, a file's date)
--update writes what the tools print over each shown output that differs and
has no "..." (read the diff: the guide's prose may need the same change).
Exit status 0 when every output matches, 1 otherwise (each difference is
printed with the guide's file and line), 2 on a malformed guide.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

GUIDE_DIR = "/tmp/guide"
SCRATCH_DIR = "_tmp/guide"  # as long as GUIDE_DIR: sizes and columns stay
LINKS = ("bin", "rules", "examples", "tests", "docs", "build")
DIRECTIVE = re.compile(r"^<!-- guide-test: (run|file|varies) (.*) -->$")


def parse(path):
    """Yields steps: ("run", line, cmd), ("file", line, name, text),
    ("varies", line, regex), ("cmd", line, cmd, expected lines)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    steps = []
    pending_file = None
    i = 0
    while i < len(lines):
        line = lines[i]
        m = DIRECTIVE.match(line)
        if m:
            kind, arg = m.group(1), m.group(2)
            if kind == "file":
                pending_file = (i + 1, arg)
            else:
                steps.append((kind, i + 1, arg))
            i += 1
            continue
        fence = re.match(r"^(```+)(\S*)\s*$", line)
        if not fence:
            i += 1
            continue
        ticks, info = fence.group(1), fence.group(2)
        start = i
        i += 1
        body = []
        while i < len(lines) and lines[i].rstrip() != ticks:
            body.append(lines[i])
            i += 1
        if i == len(lines):
            raise SystemExit(f"{path}:{start + 1}: a fenced block that never ends")
        i += 1
        if pending_file:
            steps.append(("file", pending_file[0], pending_file[1], "\n".join(body) + "\n"))
            pending_file = None
            continue
        if info == "console":
            steps.extend(session(path, start + 2, body))
    if pending_file:
        raise SystemExit(f"{path}:{pending_file[0]}: guide-test: file is followed by no block")
    return steps


def session(path, first, body):
    steps = []
    for k, line in enumerate(body):
        if line.startswith("$ "):
            steps.append(["cmd", first + k, line[2:], []])
        elif not steps:
            raise SystemExit(f"{path}:{first + k}: a console block must start with a '$ ' command")
        else:
            steps[-1][3].append(line)
    return [tuple(s) for s in steps]


def matches(expected, actual):
    """expected (with "..." lines and "text ..." lines) against actual."""
    memo = {}

    def at(i, j):
        if (i, j) in memo:
            return memo[(i, j)]
        if i == len(expected):
            r = j == len(actual)
        elif expected[i] == "...":
            r = any(at(i + 1, k) for k in range(j, len(actual) + 1))
        elif j == len(actual):
            r = False
        elif expected[i].endswith(" ...") and expected[i] != actual[j]:
            r = actual[j].startswith(expected[i][:-3]) and at(i + 1, j + 1)
        else:
            r = expected[i] == actual[j] and at(i + 1, j + 1)
        memo[(i, j)] = r
        return r

    return at(0, 0)


def scratch(top, bindir):
    d = tempfile.mkdtemp(prefix="guides.")
    for name in LINKS:
        target = bindir if name == "bin" else os.path.join(top, name)
        if os.path.exists(target):
            os.symlink(target, os.path.join(d, name))
    os.makedirs(os.path.join(d, "_tmp"))
    return d


def unscratch(text, d):
    text = text.replace(os.path.join(d, SCRATCH_DIR), GUIDE_DIR)
    text = text.replace(os.path.realpath(os.path.join(d, SCRATCH_DIR)), GUIDE_DIR)
    return text.replace(SCRATCH_DIR, GUIDE_DIR)


def mask(lines, varies):
    out = []
    for line in lines:
        for rx in varies:
            line = rx.sub("<varies>", line)
        out.append(line)
    return out


def run(cmd, d, env, status):
    cmd = cmd.replace(GUIDE_DIR, SCRATCH_DIR)
    p = subprocess.run(["sh", "-c", f"(exit {status}); {cmd}"], cwd=d, env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=120)
    return p.returncode, unscratch(p.stdout.decode("utf-8", "replace"), d)


def rewrite(path, fixes):
    """fixes: (line of the command, old output lines, new output lines)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for line, old, new in sorted(fixes, reverse=True):
        if any(x == "..." or x.endswith(" ...") for x in old):
            print(f"{path}:{line}: not updated (its output has '...')")
            continue
        lines[line:line + len(old)] = new
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def check(path, env, top, bindir, keep, update):
    d = scratch(top, bindir)
    failures = 0
    commands = 0
    status = 0
    varies = []
    has_jq = shutil.which("jq") is not None
    fixes = []
    try:
        for step in parse(path):
            kind, line = step[0], step[1]
            if kind == "varies":
                varies.append(re.compile(step[2]))
            elif kind == "file":
                name = step[2].replace(GUIDE_DIR, SCRATCH_DIR)
                with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                    f.write(step[3])
            elif kind == "run":
                rc, out = run(step[2], d, env, 0)
                if rc != 0:
                    print(f"{path}:{line}: guide-test: run {step[2]}: exit {rc}\n{out}")
                    failures += 1
            else:
                cmd, expected = step[2], step[3]
                if re.search(r"\bjq\b", cmd) and not has_jq:
                    print(f"{path}:{line}: skipped (jq is not installed): {cmd}")
                    continue
                commands += 1
                status, out = run(cmd, d, env, status)
                actual = out.split("\n")
                if actual and actual[-1] == "":
                    actual.pop()
                if not matches(mask(expected, varies), mask(actual, varies)):
                    failures += 1
                    fixes.append((line, expected, actual))
                    print(f"{path}:{line}: $ {cmd}\n--- the guide shows\n" + "\n".join(expected)
                          + "\n+++ the tools print\n" + "\n".join(actual) + "\n")
    finally:
        if keep:
            print(f"{path}: scratch directory kept: {d}")
        else:
            shutil.rmtree(d, ignore_errors=True)
    if update and fixes:
        rewrite(path, fixes)
    print(f"{path}: {commands} commands, {failures} differ")
    return failures


def main(argv):
    lang = None
    keep = False
    update = False
    files = []
    while argv:
        a = argv.pop(0)
        if a == "--lang":
            lang = argv.pop(0)
        elif a == "--keep":
            keep = True
        elif a == "--update":
            update = True
        else:
            files.append(a)
    if not files:
        print(__doc__.strip().split("\n")[2], file=sys.stderr)
        return 2
    top = os.getcwd()
    bindir = os.path.abspath(os.environ.get("TIER_BIN", "bin"))
    env = dict(os.environ)
    env.update(LC_ALL="C.UTF-8", NO_COLOR="1", TZ="UTC")
    env.pop("COLUMNS", None)
    env.pop("LANGUAGE", None)
    if lang:
        env["LANGUAGE"] = lang
    env.setdefault("TIER_LOCALEDIR", os.path.join(top, "build", "locale"))
    failures = sum(check(f, env, top, bindir, keep, update) for f in files)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
