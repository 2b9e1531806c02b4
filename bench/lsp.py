#!/usr/bin/env python3
"""Keystroke-to-diagnostics latency of `contingent lsp` on a large generated repository.

    python3 bench/lsp.py [--plans 10000] [--keystrokes 200] [--bin target/release/contingent]

Generates the repository with bench/gen.py (one contract per 100 plans, as bench/run.sh does)
unless it exists, starts the language server over stdio as an editor would, opens one plan and
types into it: every keystroke deletes or restores the last letter of a contact id the plan's
escalation names, so that each one changes the plan's findings (REF002 comes and goes) and the
server must publish them. The latency of a keystroke is the time from writing the `didChange`
message to reading the `publishDiagnostics` of that file. Keystrokes are 30 ms apart, as fast
typing is; the server's check of the whole repository after a pause does not run in between.

Prints the time to the first diagnostics after start (the whole repository loaded and checked)
and the median, 90th percentile and maximum latency. Reported, never asserted (see README.md).
Standard library only.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import queue
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plans", type=int, default=10000)
    ap.add_argument("--keystrokes", type=int, default=200)
    ap.add_argument("--bin", default=str(ROOT / "target/release/contingent"))
    ap.add_argument("--no-build", action="store_true", help="do not run cargo build --release first")
    args = ap.parse_args()

    if not args.no_build and args.bin == str(ROOT / "target/release/contingent"):
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True)
    contracts = max(1, args.plans // 100)
    repo = ROOT / "bench" / "out" / f"repo-{args.plans}" if contracts == 1 else ROOT / "bench" / "out" / f"repo-{args.plans}-c{contracts}"
    if not (repo / "contingent.kdl").exists():
        subprocess.run(
            [sys.executable, str(ROOT / "bench/gen.py"), str(repo), "--plans", str(args.plans), "--contracts", str(contracts)],
            check=True,
        )
    repo = repo.resolve()
    plan = sorted((repo / "plans").glob("*.kdl"))[len(list((repo / "plans").glob("*.kdl"))) // 2]
    text = plan.read_text()
    marker = "notify="
    at = text.find(marker)
    if at < 0:
        sys.exit(f"lsp.py: {plan} has no `notify=`; the generator changed")
    end = at + len(marker)
    while end < len(text) and text[end] not in " \n":
        end += 1
    cut = end - 1  # the last letter of the contact id

    env = dict(os.environ, CONTINGENT_AS_OF="2026-11-01")
    proc = subprocess.Popen([args.bin, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    inbox: "queue.Queue[tuple[float, dict]]" = queue.Queue()

    def reader():
        out = proc.stdout
        while True:
            length = 0
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = out.read(length)
            inbox.put((time.perf_counter(), json.loads(body)))

    threading.Thread(target=reader, daemon=True).start()

    def send(msg):
        body = json.dumps(msg).encode()
        proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        proc.stdin.flush()

    uri = plan.as_uri()
    root_uri = repo.as_uri()

    def wait(pred, timeout=600):
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                sys.exit("lsp.py: the server did not answer in time")
            t, m = inbox.get(timeout=left)
            if pred(m):
                return t, m

    started = time.perf_counter()
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"processId": None, "rootUri": root_uri, "capabilities": {},
                     "workspaceFolders": [{"uri": root_uri, "name": "bench"}]}})
    wait(lambda m: m.get("id") == 1)
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": uri, "languageId": "kdl", "version": 1, "text": text}}})
    # the first keystroke waits for the whole repository to be loaded and checked
    latencies = []
    first = None
    version = 1
    for i in range(args.keystrokes + 1):
        version += 1
        broken = i % 2 == 0
        new = text[:cut] + text[cut + 1:] if broken else text
        sent = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange",
              "params": {"textDocument": {"uri": uri, "version": version},
                         "contentChanges": [{"text": new}]}})

        def published(m, broken=broken):
            if m.get("method") != "textDocument/publishDiagnostics" or m["params"]["uri"] != uri:
                return False
            has = any(d.get("code") == "REF002" for d in m["params"]["diagnostics"])
            return has == broken

        t, _ = wait(published)
        if first is None:
            first = t - started
        else:
            latencies.append((t - sent) * 1000)
        time.sleep(0.03)
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
    wait(lambda m: m.get("id") == 2)
    send({"jsonrpc": "2.0", "method": "exit", "params": None})
    proc.wait(timeout=60)

    latencies.sort()
    p90 = latencies[int(len(latencies) * 0.9) - 1]
    print(f"repository: {repo} ({args.plans} plans), plan typed in: {plan.name}")
    print(f"start to first diagnostics (load and check everything): {first * 1000:.0f} ms")
    print(f"keystroke to diagnostics over {len(latencies)} keystrokes: median {statistics.median(latencies):.1f} ms, "
          f"p90 {p90:.1f} ms, max {latencies[-1]:.1f} ms (target: median < 100 ms)")


if __name__ == "__main__":
    main()
