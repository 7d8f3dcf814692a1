# The shaped link between the root namespace (the upstream side, 10.77.0.1) and a network namespace
# of the benchmark's own (the mirror side, 10.77.0.2): sourced by the wan and remote scenarios.
# tc tbf shapes both directions to LINK_RATE_MBIT. This kernel has no netem, fq or etf qdisc (only
# htb, tbf and pfifo_fast), so the delay comes from user space, one of two ways (WAN_LINK):
#   tun    (default) a pair of TUN devices and delay_line.py, which holds every packet
#          LINK_DELAY_MS each way: one TCP connection end to end, whose stacks see the delay as
#          round-trip time;
#   proxy  a veth pair and TCP proxies (delay_proxy.py, started by the scenario) that delay what
#          they relay: each side's TCP sees a round trip of about zero.
# Defines: link_ns, link_up DIR, link_down, link_rtt HOST PORT, link_tcp_rtt HOST PORT, line_cpu.
link_ns=rmwan
link_rate_mbit="${WAN_RATE_MBIT:-100}"
link_delay_ms="${WAN_DELAY_MS:-10}" # each way
link_kind="${WAN_LINK:-tun}"

link_down() {
  pkill -f "delay_proxy.py 127.0.0.1 1809" 2>/dev/null || true
  pkill -f "delay_line.py rmwan0 rmwan1" 2>/dev/null || true
  ip netns del "$link_ns" 2>/dev/null || true
  ip link del rmwan0 2>/dev/null || true
}

link_up() { # run_dir
  link_down
  ip netns add "$link_ns"
  if [[ $link_kind == tun ]]; then
    python3 "$here/scripts/delay_line.py" rmwan0 rmwan1 "$link_delay_ms" > "$1/delay_line.out" 2>&1 &
    line_pid=$!
    for _ in $(seq 1 50); do grep -q ready "$1/delay_line.out" 2>/dev/null && break; sleep 0.1; done
    grep -q ready "$1/delay_line.out" || { echo "BENCHMARK RUN FAILED: the delay line did not start" >&2; exit 1; }
    ip link set rmwan1 netns "$link_ns"
    ip addr add 10.77.0.1 peer 10.77.0.2 dev rmwan0
    ip netns exec "$link_ns" ip addr add 10.77.0.2 peer 10.77.0.1 dev rmwan1
  else
    ip link add rmwan0 type veth peer name rmwan1
    ip link set rmwan1 netns "$link_ns"
    ip addr add 10.77.0.1/24 dev rmwan0
    ip netns exec "$link_ns" ip addr add 10.77.0.2/24 dev rmwan1
  fi
  ip link set rmwan0 up
  ip netns exec "$link_ns" ip link set rmwan1 up
  ip netns exec "$link_ns" ip link set lo up
  tc qdisc add dev rmwan0 root tbf rate "${link_rate_mbit}mbit" burst 64kb latency 100ms
  ip netns exec "$link_ns" tc qdisc add dev rmwan1 root tbf rate "${link_rate_mbit}mbit" burst 64kb latency 100ms
}

# The time to an HTTP answer from the mirror side, in ms: what a client sees as the round trip.
link_rtt() { # host port
  ip netns exec "$link_ns" bash -c 'start=$(date +%s%N); exec 3<>/dev/tcp/'"$1/$2"'; printf "HEAD / HTTP/1.0\r\n\r\n" >&3; head -1 <&3 >/dev/null; echo $(( ($(date +%s%N) - start) / 1000000 ))'
}

# What each side's TCP itself sees: the smoothed round trip of one connection held open.
link_tcp_rtt() { # host port
  ip netns exec "$link_ns" bash -c 'exec 3<>/dev/tcp/'"$1/$2"'; printf "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n" >&3; sleep 0.5; ss -tin dst '"$1"' | grep -o "rtt:[0-9.]*" | head -1 | cut -d: -f2'
}

# CPU seconds the delay line has used so far (0 for the proxy link).
line_cpu() { [[ -n ${line_pid:-} ]] && awk '{print ($14 + $15) / 100}' "/proc/$line_pid/stat" || echo 0; }
