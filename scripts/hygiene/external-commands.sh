#!/usr/bin/env bash
# Usage: scripts/hygiene/external-commands.sh        (a hygiene check of npm test)
#
# A fresh machine must pass `npm test`, so every external command the project runs has to come
# from somewhere that machine is sure to have:
#   - a Debian package scripts/ensure-deps.sh installs, or one of their dependencies;
#   - an Essential or Priority "required" package (every Debian system has those);
#   - the machine's Node (node, npm, npx: ENVIRONMENT.md's baseline).
# Commands are found in the shell scripts (the first word of each simple command that resolves to
# a file on PATH) and in the TypeScript/JavaScript
# (spawn/spawnSync/execFile/runProcess/run/Deno.Command with a string literal, and `*_BIN`
# defaults). Each command is resolved on this machine and its owning package looked up with
# dpkg; a command that resolves nowhere or to a package outside the list fails, named.
set -euo pipefail
cd "$(dirname "$0")/../.."

NODE_BASELINE=" node npm npx "

mapfile -t wanted < <(bash scripts/ensure-deps.sh --list-packages)
# The packages ensure-deps installs plus everything they depend on (no recommends: it installs
# with --no-install-recommends).
closure=" $(apt-cache depends --recurse --installed --no-recommends --no-suggests --no-conflicts \
  --no-breaks --no-replaces --no-enhances "${wanted[@]}" 2>/dev/null |
  grep -v '^ ' | sed 's/:.*//' | sort -u | tr '\n' ' ') "

# ---- commands in shell scripts ------------------------------------------------------------
# The first word of every simple command: lines are cut at | ; && || $( ( { ` and keywords, and
# leading assignments (VAR=value), arithmetic ($(( … )), (( … ))), quoted strings (SQL, messages)
# and heredoc bodies (SQL fed to psql) are skipped: their words are data, not commands.
shell_words=$(git ls-files '*.sh' .ci/run | xargs node -e '
  const fs = require("fs");
  const skip = new Set(["then", "do", "else", "elif", "if", "while", "until", "!", "exec", "time",
    "command", "xargs", "setsid", "nohup"]);
  const out = new Set();
  for (const f of process.argv.slice(1)) {
    let heredocEnd = null;
    for (let line of fs.readFileSync(f, "utf8").split("\n")) {
      if (heredocEnd !== null) {
        if (line.trim() === heredocEnd) heredocEnd = null;
        continue;
      }
      const heredoc = line.match(/<<-?\s*[\x27"]?([A-Za-z_]+)[\x27"]?/);
      if (heredoc) heredocEnd = heredoc[1];
      line = line.replace(/^\s*#.*$/, "").replace(/\s#\s.*$/, "");
      line = line.replace(/"(?:[^"\\]|\\.)*"/g, " ").replace(/\x27[^\x27]*\x27/g, " ");
      line = line.replace(/\$?\(\([^()]*\)\)/g, " "); // arithmetic: $(( size + 40 )), (( n++ ))
      line = line.replace(/\b(awk|sed)\s+\x27[^\x27]*\x27/g, "$1 "); // an awk/sed program is no command
      for (const seg of line.split(/\|\||&&|[|;(){}`]|\$\(/)) {
        const words = seg.trim().split(/\s+/);
        while (words.length && (skip.has(words[0]) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]))) {
          words.shift();
        }
        if (words[0] && /^[a-z][a-z0-9_.+-]*$/.test(words[0])) out.add(words[0]);
      }
    }
  }
  console.log([...out].join("\n"));
')
# ---- commands in TypeScript / JavaScript ----------------------------------------------------
code_words=$(git ls-files '*.ts' '*.mjs' '*.js' | xargs node -e '
  const fs = require("fs");
  const call = /(?:\bspawn|\bspawnSync|\bexecFile|\bexecFileSync|\bexecSync|\brunProcess|\brun|Deno\.Command)\(\s*["\x27]([\w./-]+)["\x27]/g;
  const binDefault = /_BIN["\x27]\)\s*(?:\?\?|\|\|)\s*["\x27]([\w./-]+)["\x27]/g;
  const out = new Set();
  for (const f of process.argv.slice(1)) {
    const text = fs.readFileSync(f, "utf8");
    for (const re of [call, binDefault]) for (const m of text.matchAll(re)) out.add(m[1]);
  }
  console.log([...out].join("\n"));
')

problems=0
checked=0
report() { echo "external-commands: $*" >&2; problems=$((problems + 1)); }

# The Debian package that owns a file, or nothing.
owner() {
  local candidate pkg
  # Merged /usr: dpkg may know the file as /bin/x while PATH finds /usr/bin/x.
  for candidate in "$1" "$(readlink -f "$1")" "${1#/usr}"; do
    pkg=$(dpkg -S "$candidate" 2>/dev/null | head -1 | cut -d: -f1 | cut -d, -f1 || true)
    if [ -n "$pkg" ]; then
      echo "$pkg"
      return 0
    fi
  done
}

acceptable() { # package
  case "$closure" in *" $1 "*) return 0 ;; esac
  [ "$(dpkg-query -W -f='${Essential}' "$1" 2>/dev/null || true)" = yes ] && return 0
  [ "$(dpkg-query -W -f='${Priority}' "$1" 2>/dev/null || true)" = required ]
}

check_command() { # name, origin (shell|code)
  local cmd=$1 origin=$2 path pkg found=""
  case "$NODE_BASELINE" in *" $cmd "*) return 0 ;; esac
  mapfile -t paths < <(type -aP "$cmd" 2>/dev/null || true)
  if [ ${#paths[@]} -eq 0 ]; then
    # A shell word that is no command is just a word; a spawned command must exist.
    [ "$origin" = code ] && report "$cmd is run by the code but is not installed"
    return 0
  fi
  checked=$((checked + 1))
  # Every copy on PATH counts (a local wrapper may shadow the packaged one on this machine).
  for path in "${paths[@]}"; do
    pkg=$(owner "$path")
    [ -n "$pkg" ] || continue
    if acceptable "$pkg"; then return 0; fi
    case "$found " in *" $pkg "*) ;; *) found="$found $pkg" ;; esac
  done
  if [ -n "$found" ]; then
    report "$cmd comes from package(s)$found, which scripts/ensure-deps.sh does not install"
  else
    report "$cmd (${paths[*]}) belongs to no Debian package: install it from ensure-deps.sh"
  fi
}

for w in $shell_words; do
  # Builtins, keywords and functions are not external commands.
  case "$(type -t "$w" 2>/dev/null || true)" in file) check_command "$w" shell ;; esac
done
for w in $code_words; do check_command "$w" code; done

if [ "$problems" -gt 0 ]; then
  echo "external-commands: $problems problem(s); add the package to APT_PACKAGES in scripts/ensure-deps.sh" >&2
  exit 1
fi
echo "external-commands: $checked external commands, each from a package ensure-deps.sh installs or every Debian system has"
