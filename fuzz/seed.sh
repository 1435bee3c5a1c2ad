#!/usr/bin/env bash
# Builds the seed inputs of every fuzz target in $1 (default /tmp/itl-seeds) from the
# simulator's output (`cargo run -p itl-sim --example fuzz_seeds`), the fixtures, the test
# pages and transcripts and the documented examples in ../shared/docs; then, with
# `MINIMISE=1`, merges them into fuzz/corpus/<target> with `cargo fuzz cmin`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=${1:-/tmp/itl-seeds}
mkdir -p "$out"
cd "$root"
cargo run -q -p itl-sim --example fuzz_seeds -- "$out"

# ITL/CTL: the fixtures, malformed ones included, and the full-pipeline corpus.
mkdir -p "$out/itl_parse"
cp fixtures/*.tlv fixtures/malformed/*.tlv "$out/itl_parse/"
cp fuzz/corpus/parse/* "$out/itl_parse/"

# Phone pages: the test pages made from cucm-interfaces.md §8.6.
cp itl-cucm/tests/pages/* "$out/phone_page/"

# Admin CLI: the transcripts written from cucm-interfaces.md §6.
cp itl-wire/tests/transcripts/*.txt "$out/admin_cli_output/"

# Documented examples: every fenced block of cucm-interfaces.md, to the targets it may feed.
python3 - "$root/../shared/docs/cucm-interfaces.md" "$out" <<'PY'
import re, sys, pathlib
text = pathlib.Path(sys.argv[1]).read_text()
out = pathlib.Path(sys.argv[2])
for i, m in enumerate(re.finditer(r"```(\w*)\n(.*?)```", text, re.S)):
    lang, body = m.group(1), m.group(2)
    targets = ["soap_response", "phone_page"] if lang == "xml" else ["admin_cli_output"]
    for t in targets:
        d = out / t
        d.mkdir(parents=True, exist_ok=True)
        (d / f"doc-{i:02}").write_text(body)
PY

# Plan files: the documented grammar, every spelling, and bad lines.
mkdir -p "$out/plan_file"
printf '# CallManager first\nregen CallManager@ucm-pub\nrestart TFTP @all\nreset phones\nwait registered\n' > "$out/plan_file/doc"
printf 'regen TVS\nregen ITLRecovery @all\nctl update\nrestart Cisco Tftp\nrestart CallManager @ucm-sub1\nrestart phones @DP-HQ\nwait-registration\nitl reset localkey\nctl reset localkey\nregen tomcat-ECDSA # ec\nregen CallManager-ECDSA\nregen CAPF\nregen ipsec\nutils ctl update CTLFile\n' > "$out/plan_file/every-step"
printf 'regen CallManager@all\nregen certs\nrestart\n\n   \n# only\nreset phones @\n' > "$out/plan_file/errors"
printf '' > "$out/plan_file/empty"

# Cluster files: the documented shape and its variants.
mkdir -p "$out/cluster_file"
sed -n '/^\/\/! ```toml/,/^\/\/! ```$/p' itl-wire/src/cluster_file.rs | sed -e '1d;$d' -e 's|^//! \{0,1\}||' \
  | sed 's|tls_sha256 = "ab:cd:..."|tls_sha256 = "00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:14:15:16:17:18:19:1a:1b:1c:1d:1e:1f"|' \
  > "$out/cluster_file/doc"
sed -e 's/127.0.1.1:69/[::1]:1069/' -e 's|http://127.0.1.1:6970|tftp://[::1]|' "$out/cluster_file/doc" > "$out/cluster_file/v6"
sed -e 's/^tls_sha256.*/tls_sha256 = "zz"/' "$out/cluster_file/doc" > "$out/cluster_file/bad-pin"
sed -e 's/^ssh_host_key.*/ssh_host_key_sha256 = "SHA256:abc"/' "$out/cluster_file/doc" > "$out/cluster_file/bad-ssh-pin"
{ cat "$out/cluster_file/doc"; printf '\n[[nodes]]\nname = "ucm-sub1"\naddress = "127.0.1.2"\naxl = "https://127.0.1.2:8443/axl/"\nrisport = "x"\ncontrol_center = "y"\nssh = "127.0.1.2:22"\n'; } > "$out/cluster_file/two-nodes"

if [ "${MINIMISE:-0}" = 1 ]; then
  cd "$here"
  for t in itl_parse plan_file tftp_packet cluster_file soap_response phone_page admin_cli_output ssh_shell; do
    mkdir -p "corpus/$t"
    cp "$out/$t"/* "corpus/$t/"
    cargo +nightly fuzz cmin -s none -a "$t" "corpus/$t" -- -max_len=65536
  done
fi
