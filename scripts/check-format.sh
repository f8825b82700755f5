#!/usr/bin/env bash
# Fails when any tracked C++ file differs from what clang-format (the repository's .clang-format)
# would write, naming each such file. Fix with: git ls-files '*.cpp' '*.h' | xargs clang-format -i
set -euo pipefail
cd "$(dirname "$0")/.."
unformatted=()
while IFS= read -r -d '' file; do
  clang-format --dry-run -Werror "$file" > /dev/null 2>&1 || unformatted+=("$file")
done < <(git ls-files -z -- '*.cpp' '*.h')
if [ ${#unformatted[@]} -gt 0 ]; then
  printf 'check-format: not formatted with clang-format: %s\n' "${unformatted[@]}" >&2
  exit 1
fi
echo "check-format: $(git ls-files -- '*.cpp' '*.h' | wc -l) files formatted"
