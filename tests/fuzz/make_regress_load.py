#!/usr/bin/env python3
"""make_regress_load.py - rebuild the hand-made regression inputs of the load
target in tests/fuzz/regress/load/ from examples/card.tier, so that they
follow the current .tbc layout (a format change otherwise turns them into
files that are rejected by the first check and test nothing).

Both files are card.tbc with the last requirement re-pointed at offset 0 (the
review rule), which leaves that requirement's old code unreachable.  When
they were found, the verifier only decoded code outside segments and did not
check operands there; now it refuses both shared and unreachable code, and
the files stay as inputs that must be refused without a fault.  In that
dead code:

  disasm-unreachable-push-const-oob-handmade.tbc   the constant operand of
      the compare-with-constant instruction is 0x7fffffff: `tierc disasm`
      reads img->consts[0x7fffffff] (src/disasm.c const_text)
  decode-unreachable-jump-target-oob-handmade.tbc  the FIELD becomes
      JUMP 0x7fffffff: tier_load reads rs->insn_at[0x7fffffff]
      (src/vm.c decode) - every loader, not only disasm

Run from the top of the tree after `make all`:
    python3 tests/fuzz/make_regress_load.py
It checks its assumptions (section sizes, the disassembly) and stops with
a message when the layout has changed in a way it does not know.
"""
import hashlib, os, re, struct, subprocess, sys, tempfile

TIERC = os.environ.get("TIERC", "bin/tierc")
OUT = "tests/fuzz/regress/load"
# a requirement in the tiers section (docs/bytecode.md): code, section, label,
# rule, metric, field, cmp, konst, xcode, xn, xvalue, xthreshold, xcmp; after
# them the traced comparisons and formula calls, 8 bytes each (kind, ref,
# call, depth)
REQ_SIZE = 4 * 6 + 1 + 4 * 5 + 1
TRACE_SIZE = 8


def die(msg):
    sys.exit("make_regress_load: " + msg)


def run(*args):
    return subprocess.run([TIERC, *args], capture_output=True, text=True)


def fix_checksum(d):
    total = struct.unpack_from("<I", d, 16)[0]
    d[total - 32:total] = hashlib.blake2b(bytes(d[:total - 32]), digest_size=32).digest()
    return d


def main():
    tmp = tempfile.mkdtemp()
    card = os.path.join(tmp, "card.tbc")
    r = run("compile", "examples/card.tier", "-o", card)
    if r.returncode:
        die("cannot compile examples/card.tier: " + r.stderr)
    d = bytearray(open(card, "rb").read())
    nsec = struct.unpack_from("<I", d, 20)[0]
    sec = {}
    for i in range(nsec):
        sid, off, ln = struct.unpack_from("<III", d, 32 + 12 * i)
        sec[sid] = (off, ln)
    code_off, code_len = sec[6]
    tiers_off, tiers_len = sec[7]
    ntiers = struct.unpack_from("<I", d, tiers_off)[0]
    p = tiers_off + 4 + 20 * ntiers
    nreqs = struct.unpack_from("<I", d, p)[0]
    ntraces = struct.unpack_from("<I", d, p + 4 + REQ_SIZE * nreqs)[0]
    if tiers_len != 12 + 20 * ntiers + REQ_SIZE * nreqs + TRACE_SIZE * ntraces:
        die("the tiers section is not 20-byte tiers, %d-byte requirements and %d-byte traced entries any more"
            % (REQ_SIZE, TRACE_SIZE))
    last = p + 4 + REQ_SIZE * (nreqs - 1)
    dead = struct.unpack_from("<I", d, last)[0]

    # opcode numbers by name, and the dead code's instructions from the disassembly
    ops = {}
    for line in run("disasm", "--opcodes").stdout.splitlines():
        m = re.match(r"(\d+)\s+([A-Z_]+)\s", line)
        if m:
            ops[m.group(2)] = int(m.group(1))
    listing = run("disasm", card).stdout
    insns = [(int(m.group(1)), m.group(2)) for m in re.finditer(r"^  (\d{4})  ([A-Z_]+)", listing, re.M)]
    body = [(pc, op) for pc, op in insns if pc >= dead]
    if not body or body[0][1] != "FIELD" or len(body) < 2 or not re.match(r"[A-Z]+K?_I$|PUSH", body[1][1]):
        die("the last requirement's code is not FIELD, then a constant instruction: %s" % body)
    if "JUMP" not in ops:
        die("no JUMP opcode in `tierc disasm --opcodes`")

    struct.pack_into("<I", d, last, 0)  # last requirement -> the review rule
    base = fix_checksum(bytearray(d))
    b = os.path.join(tmp, "base.tbc")
    open(b, "wb").write(base)
    r = run("disasm", b)
    if r.returncode != 3 or "rejected: code at offset" not in r.stderr:
        die("the re-pointed file is not refused by the verifier's rules for code: " + r.stderr.strip())

    os.makedirs(OUT, exist_ok=True)
    a = bytearray(d)
    struct.pack_into("<I", a, code_off + body[1][0] + 1, 0x7FFFFFFF)
    open(os.path.join(OUT, "disasm-unreachable-push-const-oob-handmade.tbc"), "wb").write(fix_checksum(a))
    j = bytearray(d)
    j[code_off + body[0][0]] = ops["JUMP"]
    struct.pack_into("<I", j, code_off + body[0][0] + 1, 0x7FFFFFFF)
    open(os.path.join(OUT, "decode-unreachable-jump-target-oob-handmade.tbc"), "wb").write(fix_checksum(j))
    print("make_regress_load: wrote 2 files in " + OUT)


main()
