#!/usr/bin/env bash
# The remote scenario's old host on its own, for A/B runs by hand: the shaped link of
# shaped_link.sh (100 Mbit/s, 20 ms round trip), and on its far side (10.77.0.1) an rsync daemon
# (rsync://10.77.0.1:18875/old/) and nginx with autoindex (http://10.77.0.1:8092/) over a
# generated tree of FILES files (10,000; Debian's sizes scaled by 0.001, as `--quick remote`). The
# mirror side is the network namespace rmwan: run copies there with NETNS=rmwan initial_ab.sh.
# nginx gzips HTML (the index pages) as Debian's nginx.conf ships it; OLD_HOST_GZIP=off turns it off.
# Usage: old_host.sh up [FILES] | old_host.sh down     Needs root. Traffic stays in the namespaces.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)" # bench/, as shaped_link.sh expects
# shellcheck source=shaped_link.sh
source "$here/scripts/shaped_link.sh"
dir="$here/work/old-host"
case "${1:-}" in
  up)
    files="${2:-10000}"
    src="$here/work/remote/src-$files-0.001"
    if [[ ! -d $src ]]; then
      mkdir -p "$src"
      python3 "$here/scripts/generate_tree.py" "$src" "$files" 0.001 "$here/data/debian-bookworm-amd64-sizes.txt.gz"
    fi
    mkdir -p "$dir"
    link_up "$dir"
    cat > "$dir/rsyncd.conf" <<RSYNCD
port = 18875
address = 10.77.0.1
use chroot = no
pid file = $dir/rsyncd.pid
[old]
path = $src
read only = yes
RSYNCD
    cat > "$dir/nginx.conf" <<NGINX
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000;
  gzip ${OLD_HOST_GZIP:-on};
  server { listen 10.77.0.1:8092; root $src; autoindex on; } }
NGINX
    rm -f "$dir/rsyncd.pid"
    rsync --daemon --config="$dir/rsyncd.conf"
    nginx -c "$dir/nginx.conf" -p "$dir"
    echo "old host up: rsync://10.77.0.1:18875/old/ and http://10.77.0.1:8092/ ($files files), mirror side: ip netns exec $link_ns"
    ;;
  down)
    kill $(cat "$dir/rsyncd.pid" "$dir/nginx.pid" 2>/dev/null) 2>/dev/null || true
    link_down
    ;;
  *) echo "usage: old_host.sh up [FILES] | down" >&2; exit 2 ;;
esac
