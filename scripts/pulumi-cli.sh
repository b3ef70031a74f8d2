#!/usr/bin/env bash
# Builds the Pulumi CLI this repository's end-to-end tests (test/pulumi-cli/) run, from Go modules served by the
# Go module proxy, at the version of @pulumi/pulumi in package.json. Nothing else is downloaded.
#
#   scripts/pulumi-cli.sh            build into .pulumi-cli/bin (ignored by git), or reuse what is there
#   PULUMI_CLI_DIR=/elsewhere ...    build somewhere else
#
# .pulumi-cli/bin then holds:
#   pulumi                          github.com/pulumi/pulumi/pkg/v3/cmd/pulumi, built through the wrapper module
#                                   in scripts/pulumi-cli/ (pkg/v3's go.mod replaces sdk/v3 with a path, so
#                                   `go install pkg@version` refuses it)
#   pulumi-language-nodejs          scripts/pulumi-cli/language-nodejs: our Node.js language host (Pulumi's own
#                                   module, sdk/nodejs/cmd/pulumi-language-nodejs/v3, is not on the proxy)
#   pulumi-resource-pulumi-nodejs   dynamic provider host script (as in Pulumi's release archive)
#   pulumi-analyzer-policy          policy pack host script (as in Pulumi's release archive)
#
# Exit 0 when the CLI is ready; 3 with the reason on stderr (and in .pulumi-cli/unavailable.txt, which the tests
# print when they skip) when it cannot be built here.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/scripts/pulumi-cli"
out="${PULUMI_CLI_DIR:-$root/.pulumi-cli}"
bin="$out/bin"
mkdir -p "$bin"
rm -f "$out/unavailable.txt"

unavailable() {
  echo "pulumi-cli: cannot build the Pulumi CLI: $*" | tee "$out/unavailable.txt" >&2
  exit 3
}

version="$(node -p 'const p = require(process.argv[1]); ({ ...p.devDependencies, ...p.dependencies })["@pulumi/pulumi"]' "$root/package.json")"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || unavailable "@pulumi/pulumi in package.json is '$version', not an exact version"

# The scripts are tiny: always refresh them.
install -m 0755 "$src/pulumi-resource-pulumi-nodejs" "$src/pulumi-analyzer-policy" "$bin/"

have_cli=false
if [ -x "$bin/pulumi" ] && [ "$("$bin/pulumi" version 2>/dev/null || true)" = "v$version" ]; then have_cli=true; fi
have_host=false
if [ -x "$bin/pulumi-language-nodejs" ] && [ "$bin/pulumi-language-nodejs" -nt "$src/language-nodejs/main.go" ]; then
  have_host=true
fi
if $have_cli && $have_host; then
  echo "pulumi-cli: reusing $bin (pulumi v$version)"
  exit 0
fi

command -v go >/dev/null 2>&1 || unavailable "no Go toolchain (go is not on PATH); install Go >= 1.25"

# A build directory outside the repository's sources: the committed go.mod/go.sum pin the version, and go may
# rewrite its copies when package.json names another one.
build="$out/build"
rm -rf "$build"
mkdir -p "$build"
cp "$src/go.mod" "$src/go.sum" "$build/"
cp -r "$src/language-nodejs" "$build/"
export GOFLAGS="-mod=mod -buildvcs=false"
cd "$build"
go mod edit -require="github.com/pulumi/pulumi/pkg/v3@v$version" -require="github.com/pulumi/pulumi/sdk/v3@v$version"
if ! go mod download "github.com/pulumi/pulumi/pkg/v3@v$version" "github.com/pulumi/pulumi/sdk/v3@v$version" 2>"$out/download.log"; then
  unavailable "the Go module proxy ($(go env GOPROXY)) does not serve github.com/pulumi/pulumi/pkg/v3@v$version: $(tail -n 2 "$out/download.log" | tr '\n' ' ')"
fi

start=$(date +%s)
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version"
if ! $have_cli; then
  echo "pulumi-cli: building pulumi v$version (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi; 10-25 min on a cold cache)"
  go build -trimpath -ldflags "$ldflags" -o "$bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
    || unavailable "go build of github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$version failed (output above)"
fi
echo "pulumi-cli: building pulumi-language-nodejs (scripts/pulumi-cli/language-nodejs)"
go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$bin/pulumi-language-nodejs" ./language-nodejs \
  || unavailable "go build of scripts/pulumi-cli/language-nodejs failed (output above)"
echo "pulumi-cli: built $bin in $(( $(date +%s) - start ))s: $("$bin/pulumi" version)"
