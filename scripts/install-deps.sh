#!/usr/bin/env bash
# Installs every Debian package torch-keycheck needs to build and test;
# with --build, only what building, installing and running it needs (a CI
# job that runs the tool on a project, examples/ci/github-actions.yml).
# Idempotent: packages already installed are skipped, and nothing runs apt
# when everything is present.
set -euo pipefail

packages=(
  # Build
  cmake ninja-build g++ pkg-config
  # LLVM/Clang 19: LibTooling (clang-cpp + LLVM shared libraries), clang-tidy
  # headers for the plugin, FileCheck/not/count/split-file and lit.
  clang-19 libclang-19-dev libclang-cpp19-dev llvm-19-dev llvm-19-tools
  clang-tidy-19 libclang-rt-19-dev
  # Libraries of the core
  nlohmann-json3-dev libzip-dev zlib1g-dev
  # LibTorch's headers: what the analysed projects include
  libtorch-dev
)
if [ "${1:-}" != "--build" ]; then
  packages+=(
    # Unit tests
    libgtest-dev libgmock-dev
    # Runtime oracle and real checkpoints; torchvision for the Python side of
    # the real-world bench's port pairs (bench/realworld)
    python3-torch python3-torchvision python3-jsonschema
    # Integrations under test: the pre-commit framework running our hook
    # (it brings python3-yaml, which reads the example CI workflow); ccache
    # in front of a compile with the compiler plugin
    pre-commit python3-yaml ccache
    # The language server's test in a real client (Neovim 0.7, headless)
    neovim
  )
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
