#!/usr/bin/env bash
# npm-mcp.sh DIR: makes sure the MCP inspector (@modelcontextprotocol/inspector,
# whose --cli mode the conformance test drives against `git wave mcp`),
# pinned, is in DIR (e.g. build/npm-mcp) and prints the folder of its
# commands (see npm_pinned.sh).
set -euo pipefail
. "$(dirname "$0")/npm_pinned.sh"
# Pinned: the test drives this exact version; move the pin on purpose.
npm_pinned "${1:?usage: npm-mcp.sh DIR}" mcp-inspector -- @modelcontextprotocol/inspector@2.12.0
