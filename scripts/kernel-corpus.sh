#!/usr/bin/env bash
# Prints the path of an unpacked Linux kernel tree for ptelint's corpus tests and benchmarks.
#
#   scripts/kernel-corpus.sh 6.12          the parts PTE analysis reads: mm/ include/ arch/ fs/proc/ scripts/ Makefile
#   scripts/kernel-corpus.sh 6.1 --full    the whole tree (about 1.7 GB unpacked, 60,000 C files)
#
# The trees come from Debian's linux-source-<version> packages (installed with apt-get the first time,
# which needs root and about 150 MB of download each). Unpacked trees are kept under
# $PTELINT_CORPUS (default ~/.cache/ptelint-corpus): about 450 MB per subset tree, 1.7 GB per full
# tree; delete the folder to reclaim the space. Nothing from these trees is ever committed.
#
# PTELINT_CORPUS_OFFLINE=1 uses only what is already unpacked in the cache: no apt-get, no unpacking.
# A tree that is not there fails at once (exit 3) with the command that would make it, so tests on a
# machine without network or root skip what needs the tree instead of waiting on apt-get.
set -euo pipefail

usage() { echo "usage: kernel-corpus.sh 6.1|6.12 [--full]" >&2; exit 2; }
version=${1:-}
mode=${2:-subset}
case "$version" in 6.1|6.12) ;; *) usage ;; esac
case "$mode" in subset|--full) ;; *) usage ;; esac

cache=${PTELINT_CORPUS:-$HOME/.cache/ptelint-corpus}
tarball=/usr/src/linux-source-$version.tar.xz
name=linux-$version
full_flag=
[[ $mode == --full ]] && { name=$name-full; full_flag=' --full'; }
dest=$cache/$name
[[ -f $dest/.complete ]] && { echo "$dest"; exit 0; }

if [[ ${PTELINT_CORPUS_OFFLINE:-} == 1 ]]; then
  echo "kernel-corpus.sh: $dest is not unpacked and PTELINT_CORPUS_OFFLINE=1 forbids installing or unpacking it" \
    "(run: bash scripts/kernel-corpus.sh $version${full_flag} with apt-get and root, or set PTELINT_CORPUS to a cache holding it)" >&2
  exit 3
fi

# Test workers may ask for the same tree at once: the first unpacks it, the others wait on the lock.
mkdir -p "$cache"
exec 9>"$cache/.$name.lock"
flock 9
[[ -f $dest/.complete ]] && { echo "$dest"; exit 0; }

if [[ ! -f $tarball ]]; then
  echo "kernel-corpus.sh: installing Debian's linux-source-$version" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || true
  apt-get install -y -qq "linux-source-$version" >&2
fi

work=$(mktemp -d "$cache/.unpack.XXXXXX")
trap 'rm -rf "$work"' EXIT
top=linux-source-$version
if [[ $mode == --full ]]; then
  tar -xJf "$tarball" -C "$work" --strip-components=1
else
  tar -xJf "$tarball" -C "$work" --strip-components=1 \
    "$top/mm" "$top/include" "$top/arch" "$top/fs/proc" "$top/scripts" "$top/Makefile"
fi
chmod 755 "$work"
touch "$work/.complete"
rm -rf "$dest"
mv "$work" "$dest"
trap - EXIT
echo "$dest"
