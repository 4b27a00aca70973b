#!/usr/bin/env bash
# Prepares a machine for Testkit: a container engine that answers, and the offline images.
# Safe to run again: with the engine up and the images built it takes about a second.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/engine.sh"
bash "$here/images/build.sh"
