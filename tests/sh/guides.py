#!/usr/bin/env python3
"""Run the shell sessions of a guide or a man page and compare what they print.

usage: guides.py [--lang ja] [--keep] [--update] FILE.md|FILE.1...

The conventions (docs/guide.md, "Before you start", says them to readers;
tests/sh/guides.sh runs this on docs/guide.md, README.md, docs/guide.ja.md
in Japanese and the EXAMPLES of the man pages):

* A fenced block marked ```console is a session: a line starting with "$ "
  is a command; the lines after it, up to the next "$ " or the end of the
  block, are what it must print (stdout and stderr together).  Any other
  block (```tier, ```text, plain ```) is not run.  One shell runs a file's
  commands in order, as a reader's terminal would: `cd`, variables and $?
  (`echo $?`) carry over.  It starts in a scratch directory holding the
  tree's bin/, rules/, examples/, tests/ and docs/, so relative paths read
  the tree and what a command writes lands in the scratch.
* In a shown output, a line that is just "..." stands for any number of
  lines (none too), and a line that ends in " ..." for one line starting
  with the text before it.
* /tmp/guide is run as _tmp/guide (a path as long, under the scratch
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
* A man page (FILE.1 .. FILE.8): the .EX/.EE blocks of its EXAMPLES section
  are sessions, each started in the scratch directory, with the commands on
  PATH as installed, /usr/local/share/tierc/rules a copy of rules/, /tmp/ and
  HOME in the scratch and examples/partners.jsonl in it.  A command shown
  with no output must exit 0 (its output is not compared); `.\\" guide-test:
  run|varies ...` comment lines work as above.
--update writes what the tools print over each shown output that differs and
has no "..." (read the diff: the guide's prose may need the same change).
Exit status 0 when every output matches, 1 otherwise (each difference is
printed with the file and line), 2 on a malformed guide.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

GUIDE_DIR = "/tmp/guide"
SCRATCH_DIR = "_tmp/guide"  # as long as GUIDE_DIR: sizes and columns stay
MAN_RULES = "/usr/local/share/tierc/rules"
LINKS = ("bin", "rules", "examples", "tests", "docs", "build")
class Malformed(Exception):
    """A guide this cannot read: said with its file and line, exit 2."""


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
            raise Malformed(f"{path}:{start + 1}: a fenced block that never ends")
        i += 1
        if pending_file:
            steps.append(("file", pending_file[0], pending_file[1], "\n".join(body) + "\n"))
            pending_file = None
            continue
        if info == "console":
            steps.extend(session(path, start + 2, body))
        elif any(x.startswith("$ ") for x in body):
            raise Malformed(f"{path}:{start + 1}: a session in a block not marked console: mark it ```console")
    if pending_file:
        raise Malformed(f"{path}:{pending_file[0]}: guide-test: file is followed by no block")
    return steps


def parse_man(path):
    """The sessions of a man page's EXAMPLES: its .EX/.EE blocks."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    steps = []
    section = None
    body = None
    for i, line in enumerate(lines):
        m = re.match(r'^\.\\" guide-test: (run|varies) (.*)$', line)
        if line.startswith(".SH "):
            section = line[4:].strip('"')
        elif section != "EXAMPLES":
            continue
        elif m:
            steps.append((m.group(1), i + 1, m.group(2)))
        elif line == ".EX":
            # each example starts in the working directory
            steps.append(("run", i + 1, 'cd "$GUIDES_SCRATCH"'))
            body, first = [], i + 2
        elif line == ".EE":
            steps.extend(session(path, first, body))
            body = None
        elif body is not None:
            body.append(line.replace("\\-", "-").replace("\\(aq", "'").replace("\\e", "\\"))
    return steps


def session(path, first, body):
    steps = []
    for k, line in enumerate(body):
        if line.startswith("$ "):
            steps.append(["cmd", first + k, line[2:], []])
        elif not steps:
            raise Malformed(f"{path}:{first + k}: a console block must start with a '$ ' command")
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


def scratch(top, bindir, man):
    d = tempfile.mkdtemp(prefix="guides.")
    for name in LINKS:
        target = bindir if name == "bin" else os.path.join(top, name)
        if os.path.exists(target):
            os.symlink(target, os.path.join(d, name))
    os.makedirs(os.path.join(d, "_tmp"))
    if man:
        # the installed rules (a copy: an example may format them in place),
        # and the partners the examples evaluate in the working directory
        shutil.copytree(os.path.join(top, "rules"), os.path.join(d, "share", "rules"))
        shutil.copy(os.path.join(top, "examples", "partners.jsonl"), d)
    return d


def paths(d, man):
    """What a guide writes, and what the run uses instead (as long, for
    /tmp/guide; the scratch directory's own for a man page's)."""
    if man:
        return [(MAN_RULES, os.path.join(d, "share", "rules")), ("/tmp/", os.path.join(d, "_tmp") + "/")]
    return [(GUIDE_DIR, SCRATCH_DIR)]


def replace(text, pairs):
    """Every key of pairs by its value, in one pass (longest first)."""
    keys = sorted(pairs, key=len, reverse=True)
    return re.sub("|".join(map(re.escape, keys)), lambda m: pairs[m.group(0)], text)


def unscratch(text, d, subst):
    pairs = {}
    for shown, used in subst:
        for u in (used, os.path.join(d, used), os.path.realpath(os.path.join(d, used))):
            pairs[u] = shown
    return replace(text, pairs)


def mask(lines, varies):
    out = []
    for line in lines:
        for rx in varies:
            line = rx.sub("<varies>", line)
        out.append(line)
    return out


MARK = "@@guides-step@@"


def script(steps, subst):
    """One shell runs every step in order, as a reader's terminal would (cd,
    variables and $? carry over); each step ends with a line of MARK and
    its exit status."""
    out = ["exec 2>&1 </dev/null"]
    for step in steps:
        kind = step[0]
        if kind == "varies":
            continue
        if kind == "file":
            text = step[3]
            cmd = f"cat > '{step[2]}' <<'@@guides-eof@@'\n{text}@@guides-eof@@"
        else:
            cmd = step[2]
        cmd = replace(cmd, dict(subst))
        if kind == "run":
            cmd = f"{{ {cmd}\n}} >/dev/null"
        out.append(f"{cmd}\n__s=$?; printf '\\n{MARK} %d\\n' $__s; (exit $__s)")
    return "\n".join(out) + "\n"


def run_all(steps, d, env, subst):
    p = subprocess.run(["sh", "-c", script(steps, subst)], cwd=d, env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=600)
    text = unscratch(p.stdout.decode("utf-8", "replace"), d, subst)
    parts = re.split("\n" + re.escape(MARK) + r" (\d+)\n", text)
    # parts: out1, status1, out2, status2, ..., what came after the last step
    results = [(int(parts[k + 1]), parts[k]) for k in range(0, len(parts) - 1, 2)]
    return results, parts[-1]


def check(path, env, top, bindir, keep, update):
    man = re.search(r"\.[1-8]$", path) is not None
    steps = parse_man(path) if man else parse(path)
    d = scratch(top, bindir, man)
    subst = paths(d, man)
    env = dict(env, GUIDES_SCRATCH=d)
    if man:  # the commands as installed, and a home of the scratch's
        env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
        env["HOME"] = d
    failures = 0
    commands = 0
    varies = []
    fixes = []
    if shutil.which("jq") is None:
        for step in [s for s in steps if s[0] == "cmd" and re.search(r"\bjq\b", s[2])]:
            print(f"{path}:{step[1]}: skipped (jq is not installed): {step[2]}")
        steps = [s for s in steps if not (s[0] == "cmd" and re.search(r"\bjq\b", s[2]))]
    try:
        results, rest = run_all(steps, d, env, subst)
    finally:
        if keep:
            print(f"{path}: scratch directory kept: {d}")
        else:
            shutil.rmtree(d, ignore_errors=True)
    ran = [s for s in steps if s[0] != "varies"]
    if len(results) != len(ran):
        line = ran[len(results)][1] if len(results) < len(ran) else 0
        print(f"{path}:{line}: the shell ended here (a step ran 'exit'?)\n{rest}")
        failures += 1
    k = 0
    for step in steps:
        kind, line = step[0], step[1]
        if kind == "varies":
            varies.append(re.compile(step[2]))
            continue
        if k >= len(results):
            break
        status, out = results[k]
        k += 1
        if kind in ("run", "file"):
            if status != 0:
                print(f"{path}:{line}: guide-test: {kind} {step[2]}: exit {status}\n{out}")
                failures += 1
            continue
        cmd, expected = step[2], step[3]
        commands += 1
        actual = out.split("\n")
        if actual and actual[-1] == "":
            actual.pop()
        if man and not expected:
            if status != 0:  # a man page shows no output: the command must succeed
                failures += 1
                print(f"{path}:{line}: $ {cmd}\nexit {status}\n" + "\n".join(actual) + "\n")
            continue
        if not matches(mask(expected, varies), mask(actual, varies)):
            failures += 1
            fixes.append((line, expected, actual))
            print(f"{path}:{line}: $ {cmd}\n--- the guide shows\n" + "\n".join(expected)
                  + "\n+++ the tools print\n" + "\n".join(actual) + "\n")
    if commands == 0:
        print(f"{path}: no session found (none is checked)")
        failures += 1
    if update and fixes and not man:
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
    try:
        failures = sum(check(f, env, top, bindir, keep, update) for f in files)
    except Malformed as e:
        print(e, file=sys.stderr)
        return 2
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
